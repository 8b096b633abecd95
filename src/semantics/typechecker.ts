/**
 * Typechecker of the semantics language: resolves every name against the ISA (locals, instruction
 * fields, constants, state, functions, causes), gives every expression its width in bits, and
 * lowers the syntax tree to the IR of ir.ts. Errors: `semantics/unknown-name`, `semantics/width`,
 * `semantics/type`, raised at the offending node's file:line:col.
 */
import { raise, type SourcePos } from '../diagnostic.js';
import type { AccessKind, Isa, StateElement } from '../isa/model.js';
import type { Body as Ast, Expr, Stmt } from './ast.js';
import type { ArithOp, Body, CompareOp, IExpr, IStmt } from './ir.js';
import { literal, MAX_ACCESS, MAX_WIDTH, type Bits } from './values.js';

/** What a body may see besides the ISA: its own parameters (instruction fields, function params). */
export interface BodyContext {
  readonly params: readonly { readonly name: string; readonly width: number }[];
  /** Width of the value a `return e;` gives; null where only a bare `return;` is allowed. */
  readonly returns: number | null;
  /** Width of `instruction`: the instruction's own encoding, or the longest one outside instructions. */
  readonly instructionWidth: number;
}

export interface Signature {
  readonly params: readonly number[];
  readonly returns: number | null;
}

const ACCESS: Readonly<Record<string, AccessKind>> = { Fetch: 'fetch', Load: 'load', Store: 'store' };

interface Local {
  readonly slot: number;
  readonly width: number;
  readonly mutable: boolean;
}

/** Check one body against the ISA and the signatures of its functions; returns the IR. */
export function checkBody(isa: Isa, signatures: ReadonlyMap<string, Signature>, ast: Ast, ctx: BodyContext): Body {
  const c = new Checker(isa, signatures, ctx);
  const stmts = c.block(ast.stmts, ctx.params.map((p) => [p.name, p.width] as const));
  if (ctx.returns !== null && !alwaysEnds(stmts)) {
    raise('semantics/type', `a path through this function ends without 'return' of a ${ctx.returns}-bit value`, ast.pos);
  }
  return { stmts, frameSize: c.frameSize };
}

/** Does every path through the statements end in return, trap or halt? */
function alwaysEnds(stmts: readonly IStmt[]): boolean {
  const last = stmts[stmts.length - 1];
  if (last === undefined) return false;
  switch (last.k) {
    case 'return': case 'trap': case 'halt': return true;
    case 'if': return alwaysEnds(last.then) && alwaysEnds(last.else);
    case 'match': return last.otherwise !== null && alwaysEnds(last.otherwise) && last.arms.every((a) => alwaysEnds(a.body));
    default: return false;
  }
}

class Checker {
  frameSize = 0;
  private readonly scopes: Map<string, Local>[] = [];

  constructor(
    private readonly isa: Isa,
    private readonly signatures: ReadonlyMap<string, Signature>,
    private readonly ctx: BodyContext,
  ) {}

  block(stmts: readonly Stmt[], bindings: readonly (readonly [string, number])[] = []): IStmt[] {
    this.scopes.push(new Map());
    for (const [name, width] of bindings) this.declare(name, width, false);
    const out = stmts.map((s) => this.stmt(s));
    this.scopes.pop();
    return out;
  }

  private declare(name: string, width: number, mutable: boolean, pos?: SourcePos): number {
    const scope = this.scopes[this.scopes.length - 1]!;
    if (scope.has(name) && pos) raise('semantics/type', `'${name}' is already declared in this block`, pos);
    const slot = this.frameSize++;
    scope.set(name, { slot, width, mutable });
    return slot;
  }

  private local(name: string): Local | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const l = this.scopes[i]!.get(name);
      if (l) return l;
    }
    return undefined;
  }

  private stmt(s: Stmt): IStmt {
    const pos = s.pos;
    switch (s.kind) {
      case 'let': {
        const e = this.expr(s.value, s.width);
        if (s.width !== null) this.sameWidth(s.width, e, s.value.pos);
        const slot = this.declare(s.name, e.w, s.mutable, pos);
        return { k: 'setLocal', slot, name: s.name, e, pos };
      }
      case 'assign':
        return this.assign(s.target, s.value, pos);
      case 'if':
        return { k: 'if', c: this.condition(s.cond), then: this.block(s.then), else: this.block(s.else), pos };
      case 'match': {
        const subject = this.expr(s.subject, null);
        const seen = new Set<Bits>();
        let otherwise: IStmt[] | null = null;
        const arms = [];
        for (const arm of s.arms) {
          if (arm.patterns.length === 0) {
            if (otherwise !== null) raise('semantics/type', "a match has at most one '_' arm", arm.pos);
            otherwise = this.block(arm.body);
            continue;
          }
          const values = arm.patterns.map((p) => {
            const v = this.constant(p, subject.w);
            if (seen.has(v)) raise('semantics/type', `this value is already matched by an earlier arm`, p.pos);
            seen.add(v);
            return v;
          });
          arms.push({ values, body: this.block(arm.body) });
        }
        return { k: 'match', subject, arms, otherwise, pos };
      }
      case 'for': {
        if (s.to < s.from) raise('semantics/type', 'a for loop needs from ≤ to', pos);
        if (s.to >= 2 ** s.width) raise('semantics/width', `${s.to} does not fit the loop variable's ${s.width} bits`, pos);
        this.scopes.push(new Map());
        const slot = this.declare(s.name, s.width, false, pos);
        const body = this.block(s.body);
        this.scopes.pop();
        return { k: 'for', slot, w: s.width, from: s.from, to: s.to, body, pos };
      }
      case 'trap': {
        const cause = this.isa.causes.get(s.cause);
        if (!cause) raise('semantics/unknown-name', `unknown trap cause '${s.cause}'`, pos);
        const value = s.value === null ? null : this.expr(s.value, this.isa.addressWidth);
        if (value) this.sameWidth(this.isa.addressWidth, value, s.value!.pos);
        return { k: 'trap', cause, value, pos };
      }
      case 'halt':
        return { k: 'halt', code: this.expr(s.code, 32), pos };
      case 'return': {
        if (s.value === null) return { k: 'return', e: null, pos };
        if (this.ctx.returns === null) raise('semantics/type', 'only a function with a result can return a value', pos);
        const e = this.expr(s.value, this.ctx.returns);
        this.sameWidth(this.ctx.returns, e, s.value.pos);
        return { k: 'return', e, pos };
      }
      case 'expr': {
        const e = s.expr;
        if (e.kind !== 'call') raise('semantics/type', 'only a call can stand as a statement', pos);
        if (e.name === 'store' || e.name === 'storePhys') return this.store(e.name, e.args, pos);
        return { k: 'eval', e: this.call(e.name, e.args, pos, true), pos };
      }
      default:
        return exhaustive(s);
    }
  }

  private assign(target: Expr, value: Expr, pos: SourcePos): IStmt {
    switch (target.kind) {
      case 'name': {
        const l = this.local(target.name);
        if (l) {
          if (!l.mutable) raise('semantics/type', `'${target.name}' is not a var and cannot be assigned`, target.pos);
          return { k: 'setLocal', slot: l.slot, name: target.name, e: this.valueOf(value, l.width), pos };
        }
        const elem = this.scalar(target.name, target.pos);
        const e = this.valueOf(value, elem.width);
        return elem === this.isa.pc ? { k: 'setPc', e, pos } : { k: 'setReg', elem, e, pos };
      }
      case 'index': {
        const elem = this.isa.state.get(target.file);
        if (!elem?.isFile) raise('semantics/unknown-name', `'${target.file}' is not a register file`, target.pos);
        return { k: 'setFile', elem, index: this.expr(target.index, 32), e: this.valueOf(value, elem.width), pos };
      }
      case 'field': {
        if (target.base.kind !== 'name') raise('semantics/type', 'only a field of a state register can be assigned', target.pos);
        const elem = this.scalar(target.base.name, target.base.pos);
        const f = this.fieldOf(elem, target.field, target.pos);
        return { k: 'setField', elem, hi: f.hi, lo: f.lo, e: this.valueOf(value, f.hi - f.lo + 1), pos };
      }
      default:
        return raise('semantics/type', 'cannot assign to this expression', target.pos);
    }
  }

  private store(name: 'store' | 'storePhys', args: readonly Expr[], pos: SourcePos): IStmt {
    const phys = name === 'storePhys';
    this.arity(name, args, phys ? 4 : 3, pos);
    const addrWidth = phys ? this.isa.physicalAddressWidth : this.isa.addressWidth;
    const addr = this.valueOf(args[0]!, addrWidth);
    const w = this.accessWidth(args[1]!);
    const e = this.valueOf(args[2]!, w);
    return phys ? { k: 'storePhys', w, addr, e, access: this.access(args[3]!), pos } : { k: 'store', w, addr, e, pos };
  }

  private scalar(name: string, pos: SourcePos): StateElement {
    const elem = this.isa.state.get(name);
    if (!elem) raise('semantics/unknown-name', `unknown name '${name}'`, pos);
    if (elem.isFile) raise('semantics/type', `'${name}' is a register file: write ${name}[i]`, pos);
    return elem;
  }

  private fieldOf(elem: StateElement, field: string, pos: SourcePos): { hi: number; lo: number } {
    const f = elem.fields.get(field);
    if (!f) raise('semantics/unknown-name', `'${elem.name}' has no field '${field}'`, pos);
    return f;
  }

  private condition(e: Expr): IExpr {
    const c = this.expr(e, 1);
    if (c.w !== 1) raise('semantics/width', `a condition must be 1 bit wide, this is ${c.w} bits`, e.pos);
    return c;
  }

  /** Check `e` where a value of `width` bits is required. */
  private valueOf(e: Expr, width: number): IExpr {
    const x = this.expr(e, width);
    this.sameWidth(width, x, e.pos);
    return x;
  }

  private sameWidth(want: number, e: IExpr, pos: SourcePos): void {
    if (e.w !== want) raise('semantics/width', `expected a ${want}-bit value, this is ${e.w} bits`, pos);
  }

  /** A constant pattern of `width` bits: a literal or a constant name. */
  private constant(p: Expr, width: number): Bits {
    const e = this.expr(p, width);
    if (e.k !== 'const') raise('semantics/type', 'a match arm needs a literal or a constant', p.pos);
    this.sameWidth(width, e, p.pos);
    return e.v;
  }

  private accessWidth(e: Expr): number {
    if (e.kind !== 'lit' || e.width !== null) raise('semantics/type', 'the access width must be a decimal number of bits', e.pos);
    const w = Number(e.value);
    if (w < 1 || w > MAX_ACCESS || w % this.isa.unit !== 0) {
      raise('semantics/width', `an access of ${w} bits is not a multiple of the ${this.isa.unit}-bit memory unit (at most ${MAX_ACCESS})`, e.pos);
    }
    return w;
  }

  private access(e: Expr): AccessKind {
    const a = e.kind === 'name' ? ACCESS[e.name] : undefined;
    if (a === undefined) raise('semantics/type', 'the access kind must be Fetch, Load or Store', e.pos);
    return a;
  }

  private arity(name: string, args: readonly Expr[], n: number, pos: SourcePos): void {
    if (args.length !== n) raise('semantics/type', `${name} takes ${n} argument${n === 1 ? '' : 's'}, not ${args.length}`, pos);
  }

  /** Check an expression; `hint` is the width context gives to an untyped decimal literal. */
  expr(e: Expr, hint: number | null): IExpr {
    const pos = e.pos;
    switch (e.kind) {
      case 'lit': {
        // A hex or binary literal has its digits' width, widened (never narrowed) to its context's.
        const w = e.width === null ? hint : hint !== null && hint > e.width ? hint : e.width;
        if (w === null) raise('semantics/width', `cannot tell the width of ${e.value}: give it one (e.g. zext, or a typed operand)`, pos);
        if (e.value >= 1n << BigInt(w) || e.value < -(1n << BigInt(w - 1))) {
          raise('semantics/width', `${e.value} does not fit in ${w} bits`, pos);
        }
        return { k: 'const', w, v: literal(e.value, w), pos };
      }
      case 'name':
        return this.name(e.name, hint, pos);
      case 'index': {
        const elem = this.isa.state.get(e.file);
        if (elem?.isFile) return { k: 'file', w: elem.width, elem, index: this.expr(e.index, 32), pos };
        const base = this.name(e.file, null, pos);
        const bit = this.expr(e.index, 32);
        if (bit.k !== 'const') raise('semantics/type', `'${e.file}' is not a register file, and a bit select needs a constant index`, e.index.pos);
        return this.sliceOf(base, Number(bit.v), Number(bit.v), pos);
      }
      case 'field': {
        if (e.base.kind !== 'name') raise('semantics/type', 'only a state register has fields', pos);
        const elem = this.scalar(e.base.name, e.base.pos);
        const f = this.fieldOf(elem, e.field, pos);
        return { k: 'slice', w: f.hi - f.lo + 1, e: { k: 'reg', w: elem.width, elem, pos: e.base.pos }, hi: f.hi, lo: f.lo, pos };
      }
      case 'slice':
        return this.sliceOf(this.expr(e.expr, null), e.hi, e.lo, pos);
      case 'unary': {
        if (e.op === '-' && e.expr.kind === 'lit' && e.expr.width === null) {
          return this.expr({ kind: 'lit', value: -e.expr.value, width: null, pos }, hint);
        }
        const x = this.expr(e.expr, e.op === '!' ? 1 : hint);
        if (e.op === '!') {
          if (x.w !== 1) raise('semantics/width', `'!' needs a 1-bit operand, this is ${x.w} bits`, pos);
          return { k: 'not', w: 1, e: x, pos };
        }
        return { k: e.op === '~' ? 'not' : 'neg', w: x.w, e: x, pos };
      }
      case 'binary':
        return this.binary(e.op, e.left, e.right, hint, pos);
      case 'cond': {
        const c = this.condition(e.cond);
        const [a, b] = this.pair(e.then, e.else, hint);
        this.sameWidth(a.w, b, e.else.pos);
        return { k: 'cond', w: a.w, c, a, b, pos };
      }
      case 'call':
        return this.call(e.name, e.args, pos, false);
      default:
        return exhaustive(e);
    }
  }

  private name(name: string, hint: number | null, pos: SourcePos): IExpr {
    const l = this.local(name);
    if (l) return { k: 'local', w: l.width, slot: l.slot, name, pos };
    const c = this.isa.constants.get(name);
    if (c) return { k: 'const', w: c.width, v: literal(c.value, c.width), pos };
    const elem = this.isa.state.get(name);
    if (elem && !elem.isFile) return { k: 'reg', w: elem.width, elem, pos };
    if (elem) raise('semantics/type', `'${name}' is a register file: write ${name}[i]`, pos);
    const mode = this.isa.modes.find((m) => m.name === name);
    if (mode) return { k: 'const', w: this.isa.mode.width, v: literal(BigInt(mode.value), this.isa.mode.width), pos };
    if (name === 'instruction') return { k: 'instruction', w: this.ctx.instructionWidth, pos };
    if (name in ACCESS) return { k: 'const', w: 2, v: Object.keys(ACCESS).indexOf(name), pos };
    void hint;
    return raise('semantics/unknown-name', `unknown name '${name}'`, pos);
  }

  private sliceOf(base: IExpr, hi: number, lo: number, pos: SourcePos): IExpr {
    if (lo < 0 || hi < lo || hi >= base.w) raise('semantics/width', `bits [${hi}:${lo}] are outside a ${base.w}-bit value`, pos);
    if (base.k === 'const') return { k: 'const', w: hi - lo + 1, v: literal(BigInt(base.v) >> BigInt(lo), hi - lo + 1), pos };
    return { k: 'slice', w: hi - lo + 1, e: base, hi, lo, pos };
  }

  /** Check two operands that must agree in width; an untyped literal takes the other's width. */
  private pair(l: Expr, r: Expr, hint: number | null): [IExpr, IExpr] {
    const untyped = (x: Expr): boolean => (x.kind === 'lit' && x.width === null) || (x.kind === 'unary' && x.op === '-' && x.expr.kind === 'lit' && x.expr.width === null);
    if (untyped(l) && !untyped(r)) {
      const b = this.expr(r, hint);
      return [this.expr(l, b.w), b];
    }
    const a = this.expr(l, hint);
    return [a, this.expr(r, a.w)];
  }

  private binary(op: Expr extends never ? never : import('./ast.js').BinaryOp, l: Expr, r: Expr, hint: number | null, pos: SourcePos): IExpr {
    if (op === '&&' || op === '||') {
      return { k: 'logic', w: 1, op, a: this.condition(l), b: this.condition(r), pos };
    }
    if (op === '<<' || op === '>>' || op === '>>>') {
      const a = this.expr(l, hint);
      return { k: 'arith', w: a.w, op, a, b: this.expr(r, a.w), pos };
    }
    const [a, b] = this.pair(l, r, COMPARE.has(op) ? null : hint);
    if (a.w !== b.w) raise('semantics/width', `'${op}' needs operands of equal width: ${a.w} bits and ${b.w} bits`, pos);
    if (COMPARE.has(op)) return { k: 'compare', w: 1, op: op as CompareOp, a, b, pos };
    return { k: 'arith', w: a.w, op: op as ArithOp, a, b, pos };
  }

  private call(name: string, args: readonly Expr[], pos: SourcePos, statement: boolean): IExpr {
    switch (name) {
      case 'sext':
      case 'zext': {
        this.arity(name, args, 2, pos);
        const e = this.expr(args[0]!, null);
        const to = args[1]!;
        if (to.kind !== 'lit' || to.width !== null) raise('semantics/type', `${name} needs a decimal target width`, to.pos);
        const w = Number(to.value);
        if (w < e.w || w > MAX_WIDTH) raise('semantics/width', `cannot ${name} a ${e.w}-bit value to ${w} bits`, to.pos);
        return { k: 'ext', w, signed: name === 'sext', e, pos };
      }
      case 'concat': {
        if (args.length < 2) raise('semantics/type', 'concat takes two or more arguments', pos);
        const parts = args.map((a) => this.expr(a, null));
        const w = parts.reduce((s, p) => s + p.w, 0);
        if (w > MAX_WIDTH) raise('semantics/width', `concat gives ${w} bits, more than ${MAX_WIDTH}`, pos);
        return { k: 'concat', w, parts, pos };
      }
      case 'sdiv':
      case 'srem': {
        this.arity(name, args, 2, pos);
        const [a, b] = this.pair(args[0]!, args[1]!, null);
        if (a.w !== b.w) raise('semantics/width', `${name} needs operands of equal width: ${a.w} bits and ${b.w} bits`, pos);
        return { k: name, w: a.w, a, b, pos };
      }
      case 'load':
        this.arity(name, args, 2, pos);
        return { k: 'load', w: this.accessWidth(args[1]!), addr: this.valueOf(args[0]!, this.isa.addressWidth), pos };
      case 'loadPhys':
        this.arity(name, args, 3, pos);
        return { k: 'loadPhys', w: this.accessWidth(args[1]!), addr: this.valueOf(args[0]!, this.isa.physicalAddressWidth), access: this.access(args[2]!), pos };
      case 'store':
      case 'storePhys':
        return raise('semantics/type', `${name} gives no value; use it as a statement`, pos);
    }
    const sig = this.signatures.get(name);
    if (!sig) raise('semantics/unknown-name', `unknown function '${name}'`, pos);
    this.arity(name, args, sig.params.length, pos);
    if (sig.returns === null && !statement) raise('semantics/type', `'${name}' gives no value`, pos);
    const checked = args.map((a, i) => this.valueOf(a, sig.params[i]!));
    return { k: 'call', w: sig.returns ?? 0, fn: name, args: checked, pos };
  }
}

const COMPARE = new Set<string>(['==', '!=', '<', '<=', '>', '>=', '<s', '<=s', '>s', '>=s']);

function exhaustive(x: never): never {
  throw new Error(`unhandled node ${JSON.stringify(x)}`);
}
