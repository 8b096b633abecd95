/**
 * The values and states of the partial evaluator (paths.ts). A value is known (a constant) or
 * unknown, and *tainted* when it may depend on the state the proof varies (the mode for
 * mode-sensitivity; relocation, control or timing state for the other pair classes). A path's
 * state is its frame of locals and the state it has written (plus the assumed mode and the tainted
 * sources); everything else of the machine is unknown, except the bits a configuration fixes
 * (configuration.ts), which read as constants until the path writes their element.
 * Call-free expressions are evaluated here directly; paths.ts handles calls, which may fork.
 */
import type { StateElement } from '../isa/model.js';
import type { IExpr } from '../semantics/ir.js';
import * as V from '../semantics/values.js';
import type { Bits } from '../semantics/values.js';
import { walkExpr } from '../semantics/walk.js';
import type { KnownBits } from './configuration.js';
import { foldNode } from './fold.js';

/**
 * A known value (`v`) or unknown (null); `taint`: may depend on the varied state — in the bits
 * `bits` when fewer than all are known to (`concat(T, S, I, CCR)[13]` is clean when only T and I
 * are tainted).
 */
export interface AbstractValue {
  readonly v: Bits | null;
  readonly taint: boolean;
  /** The bits that may be tainted, when `taint` and not all of them may be. */
  readonly bits?: bigint;
  /** Values an unknown is known not to take: a field in a variant "other than every named selection". */
  readonly excludes?: ReadonlySet<bigint>;
}

/** The bits of a `w`-bit value that may be tainted. */
export function taintBits(x: AbstractValue, w: number): bigint {
  return x.taint ? (x.bits ?? V.maskOf(w)) : 0n;
}

/** A value tainted in the bits `mask` (of `w`). */
export function withTaint(v: Bits | null, mask: bigint, w: number): AbstractValue {
  if (mask === 0n) return { v, taint: false };
  return mask === V.maskOf(w) ? { v, taint: true } : { v, taint: true, bits: mask };
}

export const UNKNOWN: AbstractValue = { v: null, taint: false };
export const TAINTED: AbstractValue = { v: null, taint: true };

/** One path's state, immutable: every update makes a new one (paths fork and share their past). */
export interface Path {
  readonly frame: readonly AbstractValue[];
  /** State written on this path, the mode and the tainted sources: `NAME`, `FILE[i]`, `FILE[*]`. */
  readonly regs: ReadonlyMap<string, AbstractValue>;
  readonly writes: ReadonlySet<StateElement>;
  /** Elements a write on this path may have changed: not those written with the value they are known to hold. */
  readonly changes: ReadonlySet<StateElement>;
  readonly visibleTaint: boolean;
  /** Reached through a branch on a tainted value where another side completes too: every visible effect is tainted. */
  readonly dependent: boolean;
}

/** What evaluation needs besides the path. */
export interface EvalContext {
  /** The instruction word's value. */
  readonly word: AbstractValue;
  /** Bits of elements the configuration fixes; they hold until a path writes the element. */
  readonly known: ReadonlyMap<StateElement, KnownBits>;
  /** Every element read on any path, collected as the exploration goes (the variant's footprint). */
  readonly reads: Set<StateElement>;
  /**
   * Storage moves with the tainted state (relocation, sandbox.ts MovedMemory): a load gives the
   * same value in both runs of a pair wherever its address points, and where a store lands is no
   * visible difference — only what it stores.
   */
  readonly movedStorage: boolean;
}

export function withSlot(frame: readonly AbstractValue[], slot: number, v: AbstractValue): AbstractValue[] {
  const out = frame.slice();
  out[slot] = v;
  return out;
}

/** A 1-bit view of a condition's value. */
export function truth(a: AbstractValue): AbstractValue {
  return a.v === null ? { v: null, taint: a.taint } : { v: V.truthy(a.v) ? 1 : 0, taint: a.taint };
}

/** `p`, marked when a tainted value, or any effect on a dependent path, reaches a visible result. */
export function visible(p: Path, tainted: boolean): Path {
  return (tainted || p.dependent) && !p.visibleTaint ? { ...p, visibleTaint: true } : p;
}

export function readReg(elem: StateElement, p: Path, ctx: EvalContext): AbstractValue {
  ctx.reads.add(elem);
  return p.regs.get(elem.name) ?? UNKNOWN;
}

/** Bits `hi..lo` of a register: a constant when the configuration fixes them and the path has not written it. */
function readSlice(e: Extract<IExpr, { k: 'slice' }>, elem: StateElement, p: Path, ctx: EvalContext): AbstractValue | null {
  const k = p.writes.has(elem) ? undefined : ctx.known.get(elem);
  if (k === undefined) return null;
  const bits = V.maskOf(e.hi - e.lo + 1) << BigInt(e.lo);
  if ((k.mask & bits) !== bits) return null;
  ctx.reads.add(elem);
  return { v: V.fromBigInt((k.value & bits) >> BigInt(e.lo), e.w), taint: false };
}

export function readFile(elem: StateElement, i: AbstractValue, p: Path, ctx: EvalContext): AbstractValue {
  ctx.reads.add(elem);
  const prefix = `${elem.name}[`;
  if (i.v !== null) {
    const index = V.toNumber(i.v);
    if (elem.zero.includes(index)) return { v: V.literal(0n, elem.width), taint: i.taint };
    const r = p.regs.get(`${prefix}${index}]`) ?? p.regs.get(`${prefix}*]`) ?? UNKNOWN;
    return i.taint ? { v: r.v, taint: true } : r;
  }
  let taint = i.taint;
  for (const [key, value] of p.regs) if (key.startsWith(prefix)) taint ||= value.taint;
  return { v: null, taint };
}

/**
 * Write `key` (a register or one file element) of `elem`; a tainted value written to general state
 * is visible. Writing the value the element is known to hold changes nothing (`USER = user` in user mode).
 */
export function writeState(p: Path, elem: StateElement, key: string, v: AbstractValue, taintedValue: boolean): Path {
  const cur = p.regs.get(key);
  const same = cur !== undefined && cur.v !== null && v.v !== null && cur.v === v.v && !cur.taint && !v.taint;
  const regs = new Map(p.regs).set(key, v);
  // Paths share their past: copy a set only when it gains the element.
  const changes = same || p.changes.has(elem) ? p.changes : new Set(p.changes).add(elem);
  const writes = p.writes.has(elem) ? p.writes : new Set(p.writes).add(elem);
  const q: Path = { ...p, regs, writes, changes };
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

/**
 * A path past the meeting point of a tainted branch's arms (arms.ts): dependent again only if it
 * was before the branch, with every local slot and element the arms may write tainted (and
 * counted as written, so a configured constant no longer reads through).
 */
export function rejoin(p: Path, dependent: boolean, slots: ReadonlySet<number>, elements: ReadonlySet<StateElement>): Path {
  const frame = p.frame.slice();
  for (const s of slots) frame[s] = TAINTED;
  const regs = new Map(p.regs);
  for (const e of elements) {
    if (!e.isFile) {
      regs.set(e.name, TAINTED);
      continue;
    }
    for (const key of [...regs.keys()]) if (key.startsWith(`${e.name}[`)) regs.delete(key);
    regs.set(`${e.name}[*]`, TAINTED);
  }
  return { ...p, frame, regs, writes: new Set([...p.writes, ...elements]), dependent };
}

/** What two values have in common: the value when both know the same one; tainted where either is. */
export function joinValues(a: AbstractValue, b: AbstractValue): AbstractValue {
  const v = a.v !== null && a.v === b.v ? a.v : null;
  const taint = a.taint || b.taint;
  const ab = a.taint ? a.bits : 0n;
  const bb = b.taint ? b.bits : 0n;
  const bits = taint && ab !== undefined && bb !== undefined ? ab | bb : undefined;
  const excludes = a.excludes !== undefined && a.excludes === b.excludes ? a.excludes : undefined;
  return { v, taint, ...(bits === undefined ? {} : { bits }), ...(excludes === undefined ? {} : { excludes }) };
}

/** The value of `key` on a path: its own entry, or for a file element the whole file's (`X[*]`). */
function entry(p: Path, key: string): AbstractValue | undefined {
  const own = p.regs.get(key);
  if (own !== undefined || !key.endsWith(']')) return own;
  return p.regs.get(`${key.slice(0, key.indexOf('['))}[*]`);
}

/**
 * Two paths that reached the same point, as one (paths.ts merges the sides of a branch): every
 * local and state entry joined (an entry only one path wrote becomes unknown, keeping its taint),
 * writes, changes, visible taint and dependence united.
 */
export function joinPaths(a: Path, b: Path): Path {
  const n = Math.max(a.frame.length, b.frame.length);
  const frame = Array.from({ length: n }, (_, i) => joinValues(a.frame[i] ?? UNKNOWN, b.frame[i] ?? UNKNOWN));
  const regs = new Map<string, AbstractValue>();
  for (const key of new Set([...a.regs.keys(), ...b.regs.keys()])) {
    const x = entry(a, key);
    const y = entry(b, key);
    regs.set(key, x !== undefined && y !== undefined ? joinValues(x, y) : { v: null, taint: (x ?? y)?.taint ?? false });
  }
  return {
    frame,
    regs,
    writes: new Set([...a.writes, ...b.writes]),
    changes: new Set([...a.changes, ...b.changes]),
    visibleTaint: a.visibleTaint || b.visibleTaint,
    dependent: a.dependent || b.dependent,
  };
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

/** The value, forgetting what it is known not to be. */
export function withoutExcludes(x: AbstractValue): AbstractValue {
  return x.excludes === undefined ? x : { v: x.v, taint: x.taint, ...(x.bits === undefined ? {} : { bits: x.bits }) };
}

/** A constant operand's value, when it is known and clean. */
function clean(x: AbstractValue): bigint | null {
  return x.v !== null && !x.taint ? V.toBigInt(x.v) : null;
}

/**
 * The bits of `e`'s value that may be tainted, from its operands': bit for bit through slices,
 * concatenations, extensions, bitwise operators and constant shifts; all of them otherwise.
 */
function resultTaint(e: IExpr, vs: readonly AbstractValue[]): bigint {
  const ops = operands(e);
  const m = vs.map((x, i) => taintBits(x, ops[i]?.w ?? e.w));
  if (m.every((x) => x === 0n)) return 0n;
  const full = V.maskOf(e.w);
  switch (e.k) {
    case 'slice': return (m[0]! >> BigInt(e.lo)) & full;
    case 'not': return m[0]!;
    case 'concat': {
      let r = 0n;
      let at = 0;
      for (let i = ops.length - 1; i >= 0; i--) {
        r |= m[i]! << BigInt(at);
        at += ops[i]!.w;
      }
      return r & full;
    }
    case 'ext': {
      const w = ops[0]!.w;
      return e.signed && (m[0]! >> BigInt(w - 1)) & 1n ? m[0]! | (full & ~V.maskOf(w)) : m[0]!;
    }
    case 'arith': {
      const [a, b] = [clean(vs[0]!), clean(vs[1]!)];
      const op = e.op;
      switch (op) {
        // A clean 0 (for &) or 1 (for |) decides the bit whatever the other operand holds.
        case '&': return (m[0]! & (b ?? full)) | (m[1]! & (a ?? full));
        case '|': return (m[0]! & ~(b ?? 0n) & full) | (m[1]! & ~(a ?? 0n) & full);
        case '^': return m[0]! | m[1]!;
        case '<<': return b === null ? full : (m[0]! << b) & full;
        case '>>': return b === null ? full : m[0]! >> b;
        case '>>>': return b === null || (m[0]! >> BigInt(e.w - 1)) & 1n ? full : m[0]! >> b;
        case '+': case '-': case '*': case '/': case '%': return full;
        default: return exhaustive(op);
      }
    }
    default: return full;
  }
}

/** A node from its operands' values: folded when all are known, unknown otherwise. */
export function combine(e: IExpr, vs: readonly AbstractValue[], p: Path, ctx: EvalContext): AbstractValue {
  const taint = vs.some((v) => v.taint);
  if (e.k === 'file') return readFile(e.elem, vs[0]!, p, ctx);
  if (e.k === 'load' || e.k === 'loadPhys') return { v: null, taint: taint && !ctx.movedStorage };
  if (e.k === 'call') return { v: null, taint };
  const mask = resultTaint(e, vs);
  const known: Bits[] = [];
  for (const v of vs) {
    if (v.v === null) {
      // A zero extension keeps the value, so it keeps what the value is known not to be.
      const excludes = e.k === 'ext' && !e.signed ? v.excludes : undefined;
      const out = withTaint(null, mask, e.w);
      return excludes === undefined ? out : { ...out, excludes };
    }
    known.push(v.v);
  }
  return withTaint(foldNode(e, known), mask, e.w);
}

/** A call-free expression, evaluated directly. */
export function pure(e: IExpr, p: Path, ctx: EvalContext): AbstractValue {
  switch (e.k) {
    case 'const': return { v: e.v, taint: false };
    case 'instruction': return ctx.word;
    case 'local': return p.frame[e.slot] ?? UNKNOWN;
    case 'reg': return readReg(e.elem, p, ctx);
    case 'slice': {
      const fixed = e.e.k === 'reg' ? readSlice(e, e.e.elem, p, ctx) : null;
      return fixed ?? combine(e, [pure(e.e, p, ctx)], p, ctx);
    }
    case 'logic': {
      // Call-free operands have no effects, so a known deciding operand on either side decides.
      const a = truth(pure(e.a, p, ctx));
      const shortValue = e.op === '&&' ? 0 : 1;
      if (a.v === shortValue) return a;
      const b = truth(pure(e.b, p, ctx));
      if (b.v === shortValue) return b;
      return { v: a.v === null ? null : b.v, taint: a.taint || b.taint };
    }
    case 'cond': {
      const c = pure(e.c, p, ctx);
      if (c.v !== null) {
        const v = pure(V.truthy(c.v) ? e.a : e.b, p, ctx);
        return c.taint ? { v: v.v, taint: true } : v;
      }
      const a = pure(e.a, p, ctx);
      const b = pure(e.b, p, ctx);
      const both = joinValues(a, b);
      return c.taint ? { v: both.v, taint: true } : withoutExcludes(both);
    }
    default: return combine(e, operands(e).map((x) => pure(x, p, ctx)), p, ctx);
  }
}

function exhaustive(x: never): never {
  throw new Error(`unhandled node ${JSON.stringify(x)}`);
}
