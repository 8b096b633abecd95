/**
 * The bit slices an instruction's semantics test, with the constants it compares them with — a
 * fuzzer's dictionary for the *contents of storage* (storage.ts patterns), the way footprint.ts
 * collects constants for registers. A descriptor, a gate or an instruction word fetched from
 * storage is taken apart by slices: x86 `d[43:40] != TYPE_CALL_GATE32`, `!d[47]`, `d[46:45]`;
 * PDP-10 `match w[35:27] { OP_JSR => … }`. A pattern with those bits set to those values gets past
 * the checks that a random one almost never passes, several at once.
 *
 * Collected from the body and every function it calls (typechecked IR, walk.ts), for slices of
 * values that are not state elements or the instruction word (those the search draws as cells and
 * fields): locals, parameters, loads, results of calls. Each slice gets
 * - the constants it is compared with (`==`, `!=`, `<`, …) or matched against (`match` arms);
 * - for a single bit, 0 and 1; for a slice of at most four bits (a privilege level, a flag group),
 *   0 and all ones.
 * A whole local or load compared with a constant is the slice of all its bits.
 *
 * The collector (`collectFacts`) is the same for two views of where a value's bits come from (a
 * `FactScope`): here, by bit position in any read (`sliceFacts`: every body once, every value its
 * own or a slice of one); and in sites.ts, by *load site* in its call context, so that two
 * descriptors read through one function in different contexts keep facts of their own.
 */
import type { CheckedIsa } from '../semantics/check-isa.js';
import type { Body, IExpr, IStmt } from '../semantics/ir.js';
import * as V from '../semantics/values.js';
import { walkExpr, walkStmts } from '../semantics/walk.js';

/** Bits `hi..lo` (of a value as wide as its read, bit 0 the least significant) and values worth giving them. */
export interface SliceFact {
  readonly hi: number;
  readonly lo: number;
  /** Distinct, each below 2^(hi − lo + 1); empty when only `avoid` is known. */
  readonly values: readonly bigint[];
  /** With no `values`: what a guard needs the slice not to be (`if isNull(sel) { trap … }`): any other value will do. */
  readonly avoid?: readonly bigint[];
}

/** Narrow slices (a privilege level, a flag group) get 0 and all ones even when compared with nothing constant. */
const NARROW = 4;

/** Patterns are 64 bits wide (storage.ts); a slice above bit 63 cannot be set by one. */
export const PATTERN_BITS = 64;

/**
 * Where a value's bit 0 sits in the reads it may come from: `key × PATTERN_BITS + offset`, the key
 * naming the read (a load site, sites.ts; 0 for any read, here) and the offset a bit of it.
 */
export type Origins = ReadonlySet<number>;

/** A call expression of the checked semantics. */
export type CallExpr = Extract<IExpr, { k: 'call' }>;

/**
 * Where the collector runs and what it knows of values: contexts (each running a body), the
 * context a call made in one runs its function in, and the origins of a value in a context.
 */
export interface FactScope<C> {
  readonly contexts: readonly C[];
  body(c: C): Body;
  /** The context `call` (an expression of `c`'s body) runs its function in; undefined for none. */
  callee(c: C, call: CallExpr): C | undefined;
  origins(e: IExpr, c: C): Origins;
}

const OWN: Origins = new Set([0]);

function isState(e: IExpr): boolean {
  return e.k === 'reg' || e.k === 'file' || e.k === 'instruction' || e.k === 'const';
}

/**
 * Local slots, per body, and the bit offsets their values come from: `let kind = gate[43:40]`
 * puts kind's bit 0 at the gate's bit 40, so `kind != TYPE_INT_GATE32` is a fact about bits
 * 43..40 of the gate as read from storage; a parameter takes its arguments' offsets (`dpl(d)`
 * called with a descriptor, `isNull(cs)` with `cs = gate[31:16]`). Anything else is its own value
 * (offset 0).
 */
class Flow {
  private readonly slots = new Map<Body, Map<number, Set<number>>>();

  origins(e: IExpr, body: Body): Origins {
    switch (e.k) {
      case 'slice': return shift(this.origins(e.e, body), e.lo);
      case 'ext': return this.origins(e.e, body);
      case 'local': {
        const o = this.slots.get(body)?.get(e.slot);
        return o === undefined || o.size === 0 ? OWN : o;
      }
      default: return OWN;
    }
  }

  /** Adds `from` to a slot's offsets; true when it grew. */
  flow(body: Body, slot: number, from: Origins): boolean {
    let m = this.slots.get(body);
    if (m === undefined) this.slots.set(body, (m = new Map()));
    let set = m.get(slot);
    if (set === undefined) m.set(slot, (set = new Set()));
    const before = set.size;
    for (const o of from) if (o < PATTERN_BITS) set.add(o);
    return set.size > before;
  }
}

/** Origins moved up by `by` bits (a slice's low bit); bits that leave their read's pattern are dropped. */
export function shift(o: Origins, by: number): Origins {
  const out = new Set<number>();
  for (const x of o) if ((x % PATTERN_BITS) + by < PATTERN_BITS) out.add(x + by);
  return out;
}

/** The bodies reachable from `body` through calls, `body` first. */
function reachable(checked: CheckedIsa, body: Body): Map<Body, string> {
  const out = new Map<Body, string>([[body, '']]);
  const visit = (b: Body): void => {
    walkStmts(b.stmts, {
      expr: (e) => {
        const fn = e.k === 'call' ? checked.functions.get(e.fn) : undefined;
        if (fn !== undefined && !out.has(fn.body)) {
          out.set(fn.body, e.k === 'call' ? e.fn : '');
          visit(fn.body);
        }
      },
    });
  };
  visit(body);
  return out;
}

/** Every slice `body` and its callees test, at bit positions of any read, widest first (so a narrower fact applied later wins where they overlap). */
export function sliceFacts(checked: CheckedIsa, body: Body): readonly SliceFact[] {
  const bodies = [...reachable(checked, body).keys()];
  const flow = new Flow();
  // Offsets flow into locals and parameters; functions are not recursive, so a few passes settle.
  for (let pass = 0, grew = true; grew && pass < 8; pass++) {
    grew = false;
    for (const b of bodies) {
      walkStmts(b.stmts, {
        stmt: (s) => {
          if (s.k === 'setLocal' && flow.flow(b, s.slot, flow.origins(s.e, b))) grew = true;
        },
        expr: (e) => {
          const fn = e.k === 'call' ? checked.functions.get(e.fn) : undefined;
          if (e.k !== 'call' || fn === undefined) return;
          e.args.forEach((a, i) => {
            if (flow.flow(fn.body, i, flow.origins(a, b))) grew = true;
          });
        },
      });
    }
  }
  const scope: FactScope<Body> = {
    contexts: bodies,
    body: (b) => b,
    callee: (_, call) => checked.functions.get(call.fn)?.body,
    origins: (e, b) => flow.origins(e, b),
  };
  return collectFacts(checked, scope).get(0) ?? [];
}

/**
 * Every slice the contexts of `scope` test, per key of the read it is a slice of (origins), each
 * key's facts widest first (so a narrower fact applied later wins where they overlap).
 */
export function collectFacts<C>(checked: CheckedIsa, scope: FactScope<C>): Map<number, readonly SliceFact[]> {
  /**
   * Per key and slice: every value worth trying (`any`), those a guard needs (`required`, which win
   * when there are any) and those a guard needs it not to have (`avoid`).
   */
  const values = new Map<number, Map<string, Record<Need, Set<bigint>>>>();
  /** Bits hi..lo of `e` (in context c), at every origin it may come from; `v`: values worth giving them, or avoiding. */
  const note = (e: IExpr, c: C, hi: number, lo: number, v: readonly bigint[], need: Need = 'any'): void => {
    for (const origin of scope.origins(e, c)) {
      const o = origin % PATTERN_BITS;
      const k = (origin - o) / PATTERN_BITS;
      if (hi + o >= PATTERN_BITS) continue;
      let byKey = values.get(k);
      if (byKey === undefined) values.set(k, (byKey = new Map()));
      const key = `${hi + o}:${lo + o}`;
      let sets = byKey.get(key);
      if (sets === undefined) byKey.set(key, (sets = { any: new Set(), required: new Set(), avoid: new Set() }));
      for (const x of v) if (x <= V.maskOf(hi - lo + 1)) sets[need].add(x);
    }
  };
  /** A compared or matched operand that is a slice, or a whole local or load: note it with `v`. */
  const tested = (e: IExpr, c: C, v: bigint, need: Need = 'any'): void => {
    const x = e.k === 'ext' ? e.e : e;
    if (x.k === 'slice' && !isState(x.e)) note(x.e, c, x.hi, x.lo, [v], need);
    if (x.k === 'local' || x.k === 'load' || x.k === 'loadPhys') note(x, c, x.w - 1, 0, [v], need);
  };
  /** The one expression a one-line function returns, and the context its call runs in. */
  const single = (call: CallExpr, c: C): [IExpr, C] | null => {
    const fn = checked.functions.get(call.fn);
    const only = fn?.body.stmts.length === 1 ? fn.body.stmts[0] : undefined;
    const inner = scope.callee(c, call);
    return only?.k === 'return' && only.e !== null && inner !== undefined ? [only.e, inner] : null;
  };
  /** Any polarity: narrow slices get 0 and all ones, compared slices their constants; calls of one-line functions are followed. */
  const neutral = (e: IExpr, c: C): void => {
    walkExpr(e, {
      expr: (x) => {
        if (x.k === 'slice' && !isState(x.e) && x.hi - x.lo < NARROW) note(x.e, c, x.hi, x.lo, [0n, V.maskOf(x.hi - x.lo + 1)]);
        if (x.k === 'compare' && x.b.k === 'const') tested(x.a, c, V.toBigInt(x.b.v));
        if (x.k === 'compare' && x.a.k === 'const') tested(x.b, c, V.toBigInt(x.a.v));
        const ret = x.k === 'call' ? single(x, c) : null;
        if (ret !== null) neutral(...ret);
      },
    });
  };
  /** `e` should be `want` (a guard before a trap should be false): the bits and values that make it so, where one choice does. */
  const desired = (e: IExpr, c: C, want: boolean): void => {
    switch (e.k) {
      case 'not': return e.w === 1 ? desired(e.e, c, !want) : neutral(e, c);
      case 'logic':
        if ((e.op === '||') === want) return neutral(e, c);     // either side would do
        desired(e.a, c, want);
        return desired(e.b, c, want);
      case 'slice':
        if (e.hi === e.lo && !isState(e.e)) return note(e.e, c, e.hi, e.lo, [want ? 1n : 0n], 'required');
        return neutral(e, c);
      case 'compare': {
        const equal = e.op === '==' ? want : e.op === '!=' ? !want : null;
        const [x, k] = e.b.k === 'const' ? [e.a, e.b.v] : e.a.k === 'const' ? [e.b, e.a.v] : [null, null];
        // Compared with another value (a selector's RPL with a DPL), not a constant: any polarity.
        if (equal === null || x === null) return neutral(e, c);
        return tested(x, c, V.toBigInt(k), equal ? 'required' : 'avoid');
      }
      case 'call': {
        const ret = single(e, c);
        return ret !== null ? desired(ret[0], ret[1], want) : neutral(e, c);
      }
      default: return neutral(e, c);
    }
  };
  for (const c of scope.contexts) {
    const b = scope.body(c);
    walkStmts(b.stmts, {
      stmt: (st) => {
        if (st.k === 'match') {
          for (const arm of st.arms) for (const v of arm.values) tested(st.subject, c, V.toBigInt(v));
          return neutral(st.subject, c);
        }
        if (st.k === 'if') return guards(st) ? desired(st.c, c, false) : neutral(st.c, c);
        if (st.k === 'return' && b.stmts.length === 1) return;   // a one-line function: followed from its calls
        if (st.k !== 'for') for (const e of stmtExprs(st)) neutral(e, c);
      },
    });
  }
  const out = new Map<number, readonly SliceFact[]>();
  for (const [k, byKey] of values) {
    const facts = [...byKey].flatMap(([key, sets]): SliceFact[] => {
      const [hi, lo] = key.split(':').map(Number) as [number, number];
      const wanted = [...(sets.required.size > 0 ? sets.required : sets.any)].filter((x) => !sets.avoid.has(x));
      if (wanted.length > 0) return [{ hi, lo, values: wanted.sort(byValue) }];
      return sets.avoid.size === 0 ? [] : [{ hi, lo, values: [], avoid: [...sets.avoid].sort(byValue) }];
    });
    if (facts.length > 0) out.set(k, facts.sort((a, c) => c.hi - c.lo - (a.hi - a.lo) || c.hi - a.hi));
  }
  return out;
}

/** How a value found for a slice serves: worth trying, needed by a guard, or to be avoided by one. */
type Need = 'any' | 'required' | 'avoid';

function byValue(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `if c { trap … }` with nothing else: a check whose condition the instruction needs false to complete. */
function guards(s: Extract<IStmt, { k: 'if' }>): boolean {
  return s.else.length === 0 && s.then.length > 0 && s.then.every((t) => t.k === 'trap');
}

/** The expressions a statement evaluates itself (not those of the statements it contains). */
function stmtExprs(s: IStmt): readonly IExpr[] {
  switch (s.k) {
    case 'setLocal': case 'setReg': case 'setField': case 'setPc': case 'eval': return [s.e];
    case 'setFile': return [s.index, s.e];
    case 'if': return [s.c];
    case 'match': return [s.subject];
    case 'trap': return s.value === null ? [] : [s.value];
    case 'halt': return [s.code];
    case 'return': return s.e === null ? [] : [s.e];
    case 'store': case 'storePhys': return [s.addr, s.e];
    case 'for': return [];
    default: return exhaustive(s);
  }
}

function exhaustive(x: never): never {
  throw new Error(`unhandled statement ${JSON.stringify(x)}`);
}

/**
 * `base` with each fact that has a value in `choices` (null: leave the bits) set to it — in order,
 * widest first, and never over bits an earlier fact set (a type field compared with a gate's type
 * is not undone by the single-bit tests inside it).
 */
export function applyFacts(base: bigint, facts: readonly SliceFact[], choices: readonly (bigint | null)[]): bigint {
  let v = base;
  let set = 0n;
  facts.forEach((f, i) => {
    const c = choices[i];
    const mask = V.maskOf(f.hi - f.lo + 1) << BigInt(f.lo);
    if (c === null || c === undefined || (set & mask) !== 0n) return;
    v = (v & ~mask) | ((c << BigInt(f.lo)) & mask);
    set |= mask;
  });
  return v & V.maskOf(PATTERN_BITS);
}
