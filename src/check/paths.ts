/**
 * Partial evaluation of one instruction body over all its paths, for the audit's proofs
 * (proofs.ts). Every value is known (a constant) or unknown; fixed instruction fields, the mode
 * when assumed, and the bits a configuration fixes are constants, all other state is unknown. A
 * condition that folds to a constant follows one branch, any other follows every branch; calls
 * are inlined (functions are not recursive, check-isa.ts), so every path through the body and its
 * callees is enumerated. The set of paths over-approximates the feasible ones: a claim about
 * *every* path holds for every state.
 *
 * Values read from the *tainted* elements (the mode for mode-sensitivity; relocation, control or
 * timing state for the other pair classes) and values computed from them are tainted. Two runs
 * on states that differ only in tainted elements follow the same path until a branch on a tainted
 * value. Where only one side of such a branch can complete (a privilege check), both runs that
 * complete take that side; where two or more can, the sides are explored again as *dependent*:
 * on such a path every visible effect counts as tainted — until the arms of a branch statement
 * meet again, where what they may write becomes tainted and dependence ends (arms.ts). A tainted value (or any effect of a
 * dependent path) reaching a visible result — general state, storage, the next pc, a halt — sets
 * the path's `visibleTaint`.
 *
 * The exploration also collects every element read and written on any path: the variant's
 * footprint, sharper than the whole body's because fixed fields fold the `match`es that select.
 *
 * Addresses are not translated (see sandbox.ts): `load` gives an unknown, never a trap.
 */
import type { Cause, StateElement } from '../isa/model.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import type { Body, IExpr, IStmt } from '../semantics/ir.js';
import * as V from '../semantics/values.js';
import type { Bits } from '../semantics/values.js';
import {
  combine, hasCall, joinPaths, joinValues, withoutExcludes, operands, pure, readReg, rejoin, TAINTED, taintBits, truth, UNKNOWN, visible, withSlot, withTaint,
  writeFile, writeState,
  type AbstractValue, type EvalContext, type Path,
} from './abstract-state.js';
import type { KnownBits } from './configuration.js';
import { armWrites } from './arms.js';
import { effectFree } from './footprint.js';

/** What the exploration assumes of the mode element at the start: one mode, or any (unknown). */
export type ModeAssumption = { readonly kind: 'constant'; readonly value: number } | { readonly kind: 'unknown' };

export interface PathSummary {
  readonly end: 'completed' | 'halted' | 'trap';
  /** The cause, for a path ending in `trap`. */
  readonly cause: Cause | null;
  /** State elements the path writes (a write of an unchanged value included). */
  readonly writes: ReadonlySet<StateElement>;
  /** State elements the path may change (writes of the value an element is known to hold left out). */
  readonly changes: ReadonlySet<StateElement>;
  /** A mode-tainted value reached general state, storage, the next pc or a halt code. */
  readonly visibleTaint: boolean;
}

export interface Exploration {
  readonly paths: readonly PathSummary[];
  /** The step or path budget ran out (or the paths nest too deep): nothing may be concluded. */
  readonly exhausted: boolean;
  /** Every element read on some path (the mode included when the body reads it). */
  readonly reads: ReadonlySet<StateElement>;
  /** Every element written on some path, completing or not. */
  readonly writes: ReadonlySet<StateElement>;
  /** The branches were merged where they meet (the paths alone were too many). */
  readonly merged: boolean;
}

export interface ExploreInput {
  readonly checked: CheckedIsa;
  readonly body: Body;
  /** Per field (encoding order): its value (of the field's width), or null when free. */
  readonly fields: readonly (Bits | null)[];
  /** Free fields (by index) that take none of these values: the "other" selection of a variant. */
  readonly excludes?: ReadonlyMap<number, ReadonlySet<bigint>>;
  /** The instruction word when every field is fixed, else null. */
  readonly word: bigint | null;
  /** Bits of the instruction word (its encoding's width). */
  readonly wordWidth: number;
  readonly mode: ModeAssumption;
  /** Elements whose values are tainted (may include the mode element itself). */
  readonly taint?: ReadonlySet<StateElement>;
  /** Bits a configuration fixes (configuration.ts). */
  readonly known?: ReadonlyMap<StateElement, KnownBits>;
  /** Storage moves with the tainted elements (location-sensitivity; abstract-state.ts `EvalContext`). */
  readonly movedStorage?: boolean;
  /** Merge branches from the start (an earlier exploration of the same body had too many paths). */
  readonly merge?: boolean;
}

const MAX_STEPS = 200_000;
const NOTHING: ReadonlySet<bigint> = new Set();
const MAX_PATHS = 20_000;

export function explore(input: ExploreInput): Exploration {
  if (input.merge === true) return exploreWith(input, true);
  const first = exploreWith(input, false);
  // Too many paths (a loop of independent branches, like a register list): merge the sides of
  // each branch where they meet again, losing correlations between branches but not soundness.
  return first.exhausted ? exploreWith(input, true) : first;
}

function exploreWith(input: ExploreInput, merging: boolean): Exploration {
  const ex = new Explorer(input, merging);
  try {
    ex.run();
  } catch (e) {
    // Very long paths nest continuations deeply; treat running out of stack as running out of budget.
    if (!(e instanceof RangeError)) throw e;
    ex.exhausted = true;
  }
  return { paths: ex.paths, exhausted: ex.exhausted, reads: ex.ctx.reads, writes: ex.writes, merged: merging };
}

type Next = (p: Path) => void;
type Yield = (p: Path, v: AbstractValue) => void;
interface Frame {
  readonly ret: Yield;
}

/** A value a summarised callee returned, and whether the path that returned it was dependent. */
interface Returned {
  readonly v: AbstractValue;
  readonly dependent: boolean;
}

class Explorer {
  readonly paths: PathSummary[] = [];
  /** Where a summarised callee's returns go (null outside one). */
  private returns: Returned[] | null = null;
  readonly writes = new Set<StateElement>();
  readonly ctx: EvalContext;
  exhausted = false;
  private completions = 0;
  private steps = 0;

  constructor(private readonly input: ExploreInput, private readonly merging: boolean) {
    const word: AbstractValue = input.word === null ? UNKNOWN : { v: V.fromBigInt(input.word, input.wordWidth), taint: false };
    this.ctx = { word, known: input.known ?? new Map(), reads: new Set(), movedStorage: input.movedStorage ?? false };
  }

  run(): void {
    const { body, fields } = this.input;
    const enc = fields.map((f, i): AbstractValue => {
      if (f !== null) return { v: f, taint: false };
      const excludes = this.input.excludes?.get(i);
      return excludes === undefined ? UNKNOWN : { v: null, taint: false, excludes };
    });
    const frame: AbstractValue[] = new Array<AbstractValue>(Math.max(body.frameSize, enc.length)).fill(UNKNOWN);
    enc.forEach((v, i) => { frame[i] = v; });
    const start: Path = { frame, regs: this.initialRegs(), writes: new Set(), changes: new Set(), visibleTaint: false, dependent: false };
    const done: Next = (p) => this.end(p, 'completed', null);
    this.block(body.stmts, 0, start, { ret: (p) => done(p) }, done);
  }

  /** The tainted sources, the configured whole elements and the mode, as the path starts. */
  private initialRegs(): Map<string, AbstractValue> {
    const isa = this.input.checked.isa;
    const regs = new Map<string, AbstractValue>();
    for (const e of this.input.taint ?? []) regs.set(e.isFile ? `${e.name}[*]` : e.name, TAINTED);
    for (const [e, k] of this.ctx.known) {
      if (k.mask === V.maskOf(e.width)) regs.set(e.name, { v: V.fromBigInt(k.value, e.width), taint: false });
    }
    const m = isa.mode;
    const mode = this.input.mode;
    if (mode.kind === 'constant') regs.set(m.name, { v: V.fromBigInt(BigInt(mode.value), m.width), taint: false });
    return regs;
  }

  private end(p: Path, end: PathSummary['end'], cause: Cause | null): void {
    if (end !== 'trap') this.completions++;
    for (const e of p.writes) this.writes.add(e);
    this.paths.push({ end, cause, writes: p.writes, changes: p.changes, visibleTaint: p.visibleTaint });
    if (this.paths.length > MAX_PATHS) this.exhausted = true;
  }

  /**
   * Explore each side of a branch from `p`. On a tainted condition with two or more completing
   * sides, the sides are explored again, mode-dependent.
   */
  private fork(tainted: boolean, p: Path, sides: readonly ((p: Path) => void)[], dependentSides = sides): void {
    const paths = this.paths.length;
    const completions = this.completions;
    const returns = this.returns;
    const returned = returns?.length ?? 0;
    let completing = 0;
    for (const side of sides) {
      if (this.exhausted) return;
      const before = this.completions;
      side(p);
      if (this.completions > before) completing++;
    }
    if (!tainted || completing < 2 || p.dependent) return;
    this.paths.length = paths;
    this.completions = completions;
    if (returns !== null) returns.length = returned;
    const q: Path = { ...p, dependent: true };
    for (const side of dependentSides) side(q);
  }

  /**
   * The sides of a branch statement, each continuing with `k`: forked (fork), or when merging,
   * explored up to where they meet again and joined there, so `k` runs once. A tainted branch
   * with two or more sides that get there (or complete) is explored again as dependent.
   */
  private branch(tainted: boolean, p: Path, sides: readonly ((p: Path, next: Next) => void)[], k: Next, arms: readonly (readonly IStmt[])[]): void {
    // Re-explored as dependent, the sides meet again past the branch (arms.ts): dependence ends there.
    const written = armWrites(this.input.checked, arms);
    const wasDependent = p.dependent;
    const met: Next = written.rejoins ? (r) => k(rejoin(r, wasDependent, written.slots, written.elements)) : k;
    if (!this.merging) return this.fork(tainted, p, sides.map((side) => (r: Path) => side(r, k)), sides.map((side) => (r: Path) => side(r, met)));
    const paths = this.paths.length;
    const completions = this.completions;
    const returns = this.returns;
    const returned = returns?.length ?? 0;
    const ends: Path[] = [];
    const meet: Next = (r) => { ends.push(r); };
    let reaching = 0;
    for (const side of sides) {
      if (this.exhausted) return;
      const done = this.completions;
      const met = ends.length;
      side(p, meet);
      if (this.completions > done || ends.length > met) reaching++;
    }
    let next = k;
    if (tainted && reaching >= 2 && !p.dependent) {
      this.paths.length = paths;
      this.completions = completions;
      if (returns !== null) returns.length = returned;
      ends.length = 0;
      const q: Path = { ...p, dependent: true };
      for (const side of sides) side(q, meet);
      next = met;
    }
    if (ends.length === 0 || this.exhausted) return;
    next(ends.reduce(joinPaths));
  }

  private block(stmts: readonly IStmt[], i: number, p: Path, fr: Frame, k: Next): void {
    if (this.exhausted || ++this.steps > MAX_STEPS) {
      this.exhausted = true;
      return;
    }
    if (i === stmts.length) return k(p);
    this.stmt(stmts[i]!, p, fr, (q) => this.block(stmts, i + 1, q, fr, k));
  }

  private stmt(s: IStmt, p: Path, fr: Frame, k: Next): void {
    switch (s.k) {
      case 'setLocal':
        return this.expr(s.e, p, fr, (q, v) => k({ ...q, frame: withSlot(q.frame, s.slot, v) }));
      case 'setReg':
        return this.expr(s.e, p, fr, (q, v) => k(writeState(q, s.elem, s.elem.name, v, v.taint)));
      case 'setField':
        return this.expr(s.e, p, fr, (q, v) => {
          const cur = readReg(s.elem, q, this.ctx);
          const nv = cur.v !== null && v.v !== null ? V.deposit(s.elem.width, cur.v, s.hi, s.lo, v.v) : null;
          const w = s.elem.width;
          const field = V.maskOf(s.hi - s.lo + 1) << BigInt(s.lo);
          const mask = (taintBits(cur, w) & ~field) | ((taintBits(v, s.hi - s.lo + 1) << BigInt(s.lo)) & field);
          k(writeState(q, s.elem, s.elem.name, withTaint(nv, mask, w), v.taint));
        });
      case 'setFile':
        return this.exprs([s.index, s.e], p, fr, (q, [i, v]) => k(writeFile(q, s.elem, i!, v!)));
      case 'setPc':
        return this.expr(s.e, p, fr, (q, v) => k(visible(q, v.taint)));
      case 'if':
        return this.expr(s.c, p, fr, (q, c) => {
          if (c.v !== null) return this.block(V.truthy(c.v) ? s.then : s.else, 0, q, fr, k);
          this.branch(c.taint, q, [(r, n) => this.block(s.then, 0, r, fr, n), (r, n) => this.block(s.else, 0, r, fr, n)], k, [s.then, s.else]);
        });
      case 'match':
        return this.expr(s.subject, p, fr, (q, v) => {
          if (v.v !== null) {
            const known = v.v;
            const arm = s.arms.find((a) => a.values.includes(known));
            return this.block(arm?.body ?? s.otherwise ?? [], 0, q, fr, k);
          }
          // Arms whose every value the subject is known not to take are never reached.
          const excluded = v.excludes ?? NOTHING;
          const arms = s.arms.filter((a) => a.values.some((x) => !excluded.has(V.toBigInt(x))));
          const sides = arms.map((a) => (r: Path, n: Next) => this.block(a.body, 0, r, fr, n));
          const covered = new Set([...excluded, ...s.arms.flatMap((a) => a.values.map(V.toBigInt))]).size;
          const rest = s.subject.w > 30 || covered < 2 ** s.subject.w;
          if (s.otherwise !== null) {
            if (rest) sides.push((r, n) => this.block(s.otherwise ?? [], 0, r, fr, n));
          } else if (rest) {
            sides.push((r, n) => n(r));
          }
          this.branch(v.taint, q, sides, k, [...arms.map((a) => a.body), s.otherwise ?? []]);
        });
      case 'for': {
        const loop = (i: number, q: Path): void => {
          if (i > s.to) return k(q);
          const frame = withSlot(q.frame, s.slot, { v: V.literal(BigInt(i), s.w), taint: false });
          this.block(s.body, 0, { ...q, frame }, fr, (r) => loop(i + 1, r));
        };
        return loop(s.from, p);
      }
      case 'trap':
        return this.end(p, 'trap', s.cause);
      case 'halt':
        return this.expr(s.code, p, fr, (q, v) => this.end(visible(q, v.taint), 'halted', null));
      case 'return':
        if (s.e === null) return fr.ret(p, UNKNOWN);
        return this.expr(s.e, p, fr, (q, v) => fr.ret(q, v));
      case 'eval':
        return this.expr(s.e, p, fr, (q) => k(q));
      case 'store': case 'storePhys':
        return this.exprs([s.addr, s.e], p, fr, (q, [a, v]) => k(visible(q, (a!.taint && !this.ctx.movedStorage) || v!.taint)));
      default:
        return exhaustive(s);
    }
  }

  private exprs(es: readonly IExpr[], p: Path, fr: Frame, k: (p: Path, vs: readonly AbstractValue[]) => void, acc: readonly AbstractValue[] = []): void {
    if (acc.length === es.length) return k(p, acc);
    this.expr(es[acc.length]!, p, fr, (q, v) => this.exprs(es, q, fr, k, [...acc, v]));
  }

  /** Evaluate `e`; calls inside it may fork the path, so the value comes to a continuation. */
  private expr(e: IExpr, p: Path, fr: Frame, k: Yield): void {
    if (!hasCall(e)) return k(p, pure(e, p, this.ctx));
    switch (e.k) {
      case 'call':
        return this.exprs(e.args, p, fr, (q, args) => this.call(e.fn, args, q, k));
      case 'logic':
        return this.expr(e.a, p, fr, (q, a) => {
          const shortValue = e.op === '&&' ? 0 : 1;
          const rest = (r: Path): void => this.expr(e.b, r, fr, (t, b) => k(t, { v: truth(b).v, taint: a.taint || b.taint }));
          if (a.v !== null) return V.truthy(a.v) === (shortValue === 1) ? k(q, { v: shortValue, taint: a.taint }) : rest(q);
          this.fork(a.taint, q, [(r) => k(r, { v: shortValue, taint: a.taint }), rest]);
        });
      case 'cond':
        return this.expr(e.c, p, fr, (q, c) => {
          const side = (x: IExpr) => (r: Path): void => this.expr(x, r, fr, (t, v) => k(t, c.taint ? { v: v.v, taint: true } : v));
          if (c.v !== null) return side(V.truthy(c.v) ? e.a : e.b)(q);
          this.fork(c.taint, q, [side(e.a), side(e.b)]);
        });
      default:
        return this.exprs(operands(e), p, fr, (q, vs) => k(q, combine(e, vs, q, this.ctx)));
    }
  }

  /**
   * Inline a call: the callee's paths each return to `k` with the caller's frame restored. A
   * callee that writes no state (effectFree) is summarised instead: its paths are explored once,
   * its traps end the instruction as usual, and the caller goes on *once* with the join of the
   * values it returns (a constant when they all agree; tainted when one is, or when a tainted
   * branch with two or more returning sides chose between them). Without this, a loop in an
   * address calculation called twice multiplies its paths.
   */
  private call(name: string, args: readonly AbstractValue[], p: Path, k: Yield): void {
    const fn = this.input.checked.functions.get(name);
    if (!fn) throw new Error(`no checked function '${name}'`);
    const frame = new Array<AbstractValue>(Math.max(fn.body.frameSize, args.length)).fill(UNKNOWN);
    args.forEach((a, i) => { frame[i] = a; });
    const caller = p.frame;
    if (!effectFree(this.input.checked, name)) {
      const ret: Yield = (q, v) => k({ ...q, frame: caller }, v);
      return this.block(fn.body.stmts, 0, { ...p, frame }, { ret }, (q) => ret(q, UNKNOWN));
    }
    const outer = this.returns;
    const completions = this.completions;
    const returns: Returned[] = [];
    this.returns = returns;
    // A return counts as a completion inside, so a tainted branch between two returns re-explores as dependent.
    const ret: Yield = (q, v) => {
      returns.push({ v, dependent: q.dependent });
      this.completions++;
    };
    this.block(fn.body.stmts, 0, { ...p, frame }, { ret }, (q) => ret(q, UNKNOWN));
    this.returns = outer;
    this.completions = completions;
    if (returns.length === 0 || this.exhausted) return;
    const first = returns[0]!.v;
    const same = first.v !== null && returns.every((r) => r.v.v === first.v);
    // The callee changes nothing, so two runs that both get past it differ at most in what it
    // returned: a branch between its returns taints the value, and the caller is not dependent.
    const chosen = returns.some((r) => r.dependent && !p.dependent);
    const values = returns.map((r) => r.v).reduce(joinValues);
    const joined: AbstractValue = chosen ? { v: same ? first.v : null, taint: true } : withoutExcludes({ ...values, v: same ? first.v : null });
    k(p, joined);
  }
}

function exhaustive(x: never): never {
  throw new Error(`unhandled node ${JSON.stringify(x)}`);
}
