/**
 * The values and states of the partial evaluator (paths.ts). A value is known (a constant) or
 * unknown, and tainted when it may depend on the mode. A path's state is its frame of locals and
 * the state it has written (plus the assumed mode); everything else of the machine is unknown.
 * Call-free expressions are evaluated here directly; paths.ts handles calls, which may fork.
 */
import type { StateElement } from '../isa/model.js';
import type { IExpr } from '../semantics/ir.js';
import * as V from '../semantics/values.js';
import type { Bits } from '../semantics/values.js';
import { walkExpr } from '../semantics/walk.js';
import { foldNode } from './fold.js';

/** A known value (`v`) or unknown (null); `taint`: may depend on the mode. */
export interface AbstractValue {
  readonly v: Bits | null;
  readonly taint: boolean;
}

export const UNKNOWN: AbstractValue = { v: null, taint: false };

/** One path's state, immutable: every update makes a new one (paths fork and share their past). */
export interface Path {
  readonly frame: readonly AbstractValue[];
  /** State written on this path (and the mode, when assumed): `NAME`, `FILE[i]`, `FILE[*]`. */
  readonly regs: ReadonlyMap<string, AbstractValue>;
  readonly writes: ReadonlySet<StateElement>;
  readonly visibleTaint: boolean;
  /** Reached through a branch on the mode where another side completes too: every visible effect is tainted. */
  readonly modeDependent: boolean;
}

export function withSlot(frame: readonly AbstractValue[], slot: number, v: AbstractValue): AbstractValue[] {
  const out = frame.slice();
  out[slot] = v;
  return out;
}

/** A 1-bit view of a condition's value. */
export function truth(a: AbstractValue): AbstractValue {
  return a.v === null ? a : { v: V.truthy(a.v) ? 1 : 0, taint: a.taint };
}

/** `p`, marked when a tainted value, or any effect on a mode-dependent path, reaches a visible result. */
export function visible(p: Path, tainted: boolean): Path {
  return (tainted || p.modeDependent) && !p.visibleTaint ? { ...p, visibleTaint: true } : p;
}

export function readReg(elem: StateElement, p: Path): AbstractValue {
  return p.regs.get(elem.name) ?? UNKNOWN;
}

export function readFile(elem: StateElement, i: AbstractValue, p: Path): AbstractValue {
  const prefix = `${elem.name}[`;
  if (i.v !== null) {
    const index = V.toNumber(i.v);
    if (elem.zero.includes(index)) return { v: V.literal(0n, elem.width), taint: i.taint };
    const r = p.regs.get(`${prefix}${index}]`) ?? p.regs.get(`${prefix}*]`) ?? UNKNOWN;
    return { v: r.v, taint: r.taint || i.taint };
  }
  let taint = i.taint;
  for (const [key, value] of p.regs) if (key.startsWith(prefix)) taint ||= value.taint;
  return { v: null, taint };
}

/** Write `key` (a register or one file element) of `elem`; a tainted value written to general state is visible. */
export function writeState(p: Path, elem: StateElement, key: string, v: AbstractValue, taintedValue: boolean): Path {
  const regs = new Map(p.regs).set(key, v);
  const q: Path = { ...p, regs, writes: new Set(p.writes).add(elem) };
  return elem.role === 'general' ? visible(q, taintedValue) : q;
}

export function writeFile(p: Path, elem: StateElement, i: AbstractValue, v: AbstractValue): Path {
  const tainted = i.taint || v.taint;
  if (i.v !== null) {
    const index = V.toNumber(i.v);
    if (elem.zero.includes(index)) return p;
    return writeState(p, elem, `${elem.name}[${index}]`, { v: v.v, taint: tainted }, tainted);
  }
  // An unknown index may write any element: forget them all, keeping any taint they had.
  const prefix = `${elem.name}[`;
  const regs = new Map<string, AbstractValue>();
  let taint = tainted;
  for (const [key, value] of p.regs) {
    if (key.startsWith(prefix)) taint ||= value.taint;
    else regs.set(key, value);
  }
  return writeState({ ...p, regs }, elem, `${prefix}*]`, { v: null, taint }, tainted);
}

const hasCallCache = new WeakMap<IExpr, boolean>();

/** Does the expression contain a call (which may fork the path)? */
export function hasCall(e: IExpr): boolean {
  let r = hasCallCache.get(e);
  if (r === undefined) {
    r = false;
    walkExpr(e, { expr: (x) => { if (x.k === 'call') r = true; } });
    hasCallCache.set(e, r);
  }
  return r;
}

/** Operands of a node, in evaluation order. */
export function operands(e: IExpr): readonly IExpr[] {
  switch (e.k) {
    case 'const': case 'instruction': case 'local': case 'reg': return [];
    case 'file': return [e.index];
    case 'slice': case 'not': case 'neg': case 'ext': return [e.e];
    case 'arith': case 'compare': case 'logic': case 'sdiv': case 'srem': return [e.a, e.b];
    case 'cond': return [e.c, e.a, e.b];
    case 'concat': return e.parts;
    case 'call': return e.args;
    case 'load': case 'loadPhys': return [e.addr];
    default: return exhaustive(e);
  }
}

/** A node from its operands' values: folded when all are known, unknown otherwise. */
export function combine(e: IExpr, vs: readonly AbstractValue[], p: Path): AbstractValue {
  const taint = vs.some((v) => v.taint);
  if (e.k === 'file') return readFile(e.elem, vs[0]!, p);
  if (e.k === 'load' || e.k === 'loadPhys' || e.k === 'call') return { v: null, taint };
  const known: Bits[] = [];
  for (const v of vs) {
    if (v.v === null) return { v: null, taint };
    known.push(v.v);
  }
  return { v: foldNode(e, known), taint };
}

/** A call-free expression, evaluated directly; `word` is the instruction word's value. */
export function pure(e: IExpr, p: Path, word: AbstractValue): AbstractValue {
  switch (e.k) {
    case 'const': return { v: e.v, taint: false };
    case 'instruction': return word;
    case 'local': return p.frame[e.slot] ?? UNKNOWN;
    case 'reg': return readReg(e.elem, p);
    case 'logic': {
      // Call-free operands have no effects, so a known deciding operand on either side decides.
      const a = truth(pure(e.a, p, word));
      const shortValue = e.op === '&&' ? 0 : 1;
      if (a.v === shortValue) return a;
      const b = truth(pure(e.b, p, word));
      if (b.v === shortValue) return b;
      return { v: a.v === null ? null : b.v, taint: a.taint || b.taint };
    }
    case 'cond': {
      const c = pure(e.c, p, word);
      if (c.v !== null) {
        const v = pure(V.truthy(c.v) ? e.a : e.b, p, word);
        return { v: v.v, taint: v.taint || c.taint };
      }
      const a = pure(e.a, p, word);
      const b = pure(e.b, p, word);
      return { v: a.v !== null && a.v === b.v ? a.v : null, taint: c.taint || a.taint || b.taint };
    }
    default: return combine(e, operands(e).map((x) => pure(x, p, word)), p);
  }
}

function exhaustive(x: never): never {
  throw new Error(`unhandled node ${JSON.stringify(x)}`);
}
