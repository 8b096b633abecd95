/**
 * Visits every statement and expression of checked semantics (ir.ts), depth first, in source
 * order. For analyses that need every node but not the paths between them.
 */
import type { IExpr, IStmt } from './ir.js';

export interface Visitor {
  stmt?(s: IStmt): void;
  expr?(e: IExpr): void;
}

export function walkStmts(stmts: readonly IStmt[], v: Visitor): void {
  for (const s of stmts) walkStmt(s, v);
}

function walkStmt(s: IStmt, v: Visitor): void {
  v.stmt?.(s);
  switch (s.k) {
    case 'setLocal': case 'setReg': case 'setField': case 'setPc': case 'eval':
      return walkExpr(s.e, v);
    case 'setFile':
      walkExpr(s.index, v);
      return walkExpr(s.e, v);
    case 'if':
      walkExpr(s.c, v);
      walkStmts(s.then, v);
      return walkStmts(s.else, v);
    case 'match':
      walkExpr(s.subject, v);
      for (const a of s.arms) walkStmts(a.body, v);
      if (s.otherwise) walkStmts(s.otherwise, v);
      return;
    case 'for':
      return walkStmts(s.body, v);
    case 'trap':
      if (s.value) walkExpr(s.value, v);
      return;
    case 'halt':
      return walkExpr(s.code, v);
    case 'return':
      if (s.e) walkExpr(s.e, v);
      return;
    case 'store': case 'storePhys':
      walkExpr(s.addr, v);
      return walkExpr(s.e, v);
    default:
      return exhaustive(s);
  }
}

export function walkExpr(e: IExpr, v: Visitor): void {
  v.expr?.(e);
  switch (e.k) {
    case 'const': case 'local': case 'reg': case 'instruction':
      return;
    case 'file':
      return walkExpr(e.index, v);
    case 'slice': case 'not': case 'neg': case 'ext':
      return walkExpr(e.e, v);
    case 'arith': case 'compare': case 'logic': case 'sdiv': case 'srem':
      walkExpr(e.a, v);
      return walkExpr(e.b, v);
    case 'cond':
      walkExpr(e.c, v);
      walkExpr(e.a, v);
      return walkExpr(e.b, v);
    case 'concat':
      for (const p of e.parts) walkExpr(p, v);
      return;
    case 'call':
      for (const a of e.args) walkExpr(a, v);
      return;
    case 'load': case 'loadPhys':
      return walkExpr(e.addr, v);
    default:
      return exhaustive(e);
  }
}

function exhaustive(x: never): never {
  throw new Error(`unhandled node ${JSON.stringify(x)}`);
}
