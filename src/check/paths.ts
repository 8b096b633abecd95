/**
 * Partial evaluation of one instruction body over all its paths, for the audit's proofs
 * (proofs.ts). Every value is known (a constant) or unknown; fixed instruction fields and,
 * optionally, the mode element are constants, all other state is unknown. A condition that folds
 * to a constant follows one branch, any other follows every branch; calls are inlined (functions
 * are not recursive, check-isa.ts), so every path through the body and its callees is enumerated.
 * The set of paths over-approximates the feasible ones: a claim about *every* path holds for
 * every state.
 *
 * With the mode unknown, values computed from it are *tainted*. Two runs on states that differ
 * only in mode follow the same path until a branch on a tainted value. Where only one side of
 * such a branch can complete (a privilege check), both runs that complete take that side; where
 * two or more can, the sides are explored again as *mode-dependent*: on such a path every visible
 * effect counts as tainted. A tainted value (or any effect of a mode-dependent path) reaching a
 * visible result — general state, storage, the next pc, a halt — sets the path's `visibleTaint`.
 *
 * Addresses are not translated (see sandbox.ts): `load` gives an unknown, never a trap.
 */
import type { Cause, StateElement } from '../isa/model.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import type { Body, IExpr, IStmt } from '../semantics/ir.js';
import * as V from '../semantics/values.js';
import type { Bits } from '../semantics/values.js';
import {
  combine, hasCall, operands, pure, readReg, truth, UNKNOWN, visible, withSlot, writeFile, writeState,
  type AbstractValue, type Path,
} from './abstract-state.js';

/** What the exploration assumes of the mode element at the start. */
export type ModeAssumption = { readonly kind: 'constant'; readonly value: number } | { readonly kind: 'tainted' };

export interface PathSummary {
  readonly end: 'completed' | 'halted' | 'trap';
  /** The cause, for a path ending in `trap`. */
  readonly cause: Cause | null;
  /** State elements the path writes (a write of an unchanged value included). */
  readonly writes: ReadonlySet<StateElement>;
  /** A mode-tainted value reached general state, storage, the next pc or a halt code. */
  readonly visibleTaint: boolean;
}

export interface Exploration {
  readonly paths: readonly PathSummary[];
  /** The step or path budget ran out (or the paths nest too deep): nothing may be concluded. */
  readonly exhausted: boolean;
}

export interface ExploreInput {
  readonly checked: CheckedIsa;
  readonly body: Body;
  /** Per field (encoding order): its value (of the field's width), or null when free. */
  readonly fields: readonly (Bits | null)[];
  /** The instruction word when every field is fixed, else null. */
  readonly word: bigint | null;
  readonly mode: ModeAssumption;
}

const MAX_STEPS = 200_000;
const MAX_PATHS = 20_000;

export function explore(input: ExploreInput): Exploration {
  const ex = new Explorer(input);
  try {
    ex.run();
  } catch (e) {
    // Very long paths nest continuations deeply; treat running out of stack as running out of budget.
    if (!(e instanceof RangeError)) throw e;
    ex.exhausted = true;
  }
  return { paths: ex.paths, exhausted: ex.exhausted };
}

type Next = (p: Path) => void;
type Yield = (p: Path, v: AbstractValue) => void;
interface Frame {
  readonly ret: Yield;
}




class Explorer {
  readonly paths: PathSummary[] = [];
  exhausted = false;
  private completions = 0;
  private steps = 0;
  private readonly modeElem: StateElement;
  private readonly word: AbstractValue;

  constructor(private readonly input: ExploreInput) {
    const isa = input.checked.isa;
    this.modeElem = isa.mode;
    this.word = input.word === null ? UNKNOWN : { v: V.fromBigInt(input.word, isa.instructionWidth), taint: false };
  }

  run(): void {
    const { body, fields, mode } = this.input;
    const enc = fields.map((f): AbstractValue => (f === null ? UNKNOWN : { v: f, taint: false }));
    const frame: AbstractValue[] = new Array<AbstractValue>(Math.max(body.frameSize, enc.length)).fill(UNKNOWN);
    enc.forEach((v, i) => { frame[i] = v; });
    const m = this.modeElem;
    const modeValue: AbstractValue = mode.kind === 'constant' ? { v: V.fromBigInt(BigInt(mode.value), m.width), taint: false } : { v: null, taint: true };
    const start: Path = { frame, regs: new Map([[m.name, modeValue]]), writes: new Set(), visibleTaint: false, modeDependent: false };
    const done: Next = (p) => this.end(p, 'completed', null);
    this.block(body.stmts, 0, start, { ret: (p) => done(p) }, done);
  }

  private end(p: Path, end: PathSummary['end'], cause: Cause | null): void {
    if (end !== 'trap') this.completions++;
    this.paths.push({ end, cause, writes: p.writes, visibleTaint: p.visibleTaint });
    if (this.paths.length > MAX_PATHS) this.exhausted = true;
  }

  /**
   * Explore each side of a branch from `p`. On a tainted condition with two or more completing
   * sides, the sides are explored again, mode-dependent.
   */
  private fork(tainted: boolean, p: Path, sides: readonly ((p: Path) => void)[]): void {
    const paths = this.paths.length;
    const completions = this.completions;
    let completing = 0;
    for (const side of sides) {
      if (this.exhausted) return;
      const before = this.completions;
      side(p);
      if (this.completions > before) completing++;
    }
    if (!tainted || completing < 2 || p.modeDependent) return;
    this.paths.length = paths;
    this.completions = completions;
    const q: Path = { ...p, modeDependent: true };
    for (const side of sides) side(q);
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
          const cur = readReg(s.elem, q);
          const nv = cur.v !== null && v.v !== null ? V.deposit(s.elem.width, cur.v, s.hi, s.lo, v.v) : null;
          k(writeState(q, s.elem, s.elem.name, { v: nv, taint: cur.taint || v.taint }, v.taint));
        });
      case 'setFile':
        return this.exprs([s.index, s.e], p, fr, (q, [i, v]) => k(writeFile(q, s.elem, i!, v!)));
      case 'setPc':
        return this.expr(s.e, p, fr, (q, v) => k(visible(q, v.taint)));
      case 'if':
        return this.expr(s.c, p, fr, (q, c) => {
          if (c.v !== null) return this.block(V.truthy(c.v) ? s.then : s.else, 0, q, fr, k);
          this.fork(c.taint, q, [(r) => this.block(s.then, 0, r, fr, k), (r) => this.block(s.else, 0, r, fr, k)]);
        });
      case 'match':
        return this.expr(s.subject, p, fr, (q, v) => {
          if (v.v !== null) {
            const known = v.v;
            const arm = s.arms.find((a) => a.values.includes(known));
            return this.block(arm?.body ?? s.otherwise ?? [], 0, q, fr, k);
          }
          const sides = s.arms.map((a) => (r: Path) => this.block(a.body, 0, r, fr, k));
          const covered = s.arms.reduce((n, a) => n + a.values.length, 0);
          if (s.otherwise !== null) sides.push((r) => this.block(s.otherwise ?? [], 0, r, fr, k));
          else if (s.subject.w > 30 || covered < 2 ** s.subject.w) sides.push((r) => k(r));
          this.fork(v.taint, q, sides);
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
        return this.exprs([s.addr, s.e], p, fr, (q, [a, v]) => k(visible(q, a!.taint || v!.taint)));
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
    if (!hasCall(e)) return k(p, pure(e, p, this.word));
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
          const side = (x: IExpr) => (r: Path): void => this.expr(x, r, fr, (t, v) => k(t, { v: v.v, taint: v.taint || c.taint }));
          if (c.v !== null) return side(V.truthy(c.v) ? e.a : e.b)(q);
          this.fork(c.taint, q, [side(e.a), side(e.b)]);
        });
      default:
        return this.exprs(operands(e), p, fr, (q, vs) => k(q, combine(e, vs, q)));
    }
  }

  /** Inline a call: the callee's paths each return to `k` with the caller's frame restored. */
  private call(name: string, args: readonly AbstractValue[], p: Path, k: Yield): void {
    const fn = this.input.checked.functions.get(name);
    if (!fn) throw new Error(`no checked function '${name}'`);
    const frame = new Array<AbstractValue>(Math.max(fn.body.frameSize, args.length)).fill(UNKNOWN);
    args.forEach((a, i) => { frame[i] = a; });
    const caller = p.frame;
    const ret: Yield = (q, v) => k({ ...q, frame: caller }, v);
    this.block(fn.body.stmts, 0, { ...p, frame }, { ret }, (q) => ret(q, UNKNOWN));
  }

}


function exhaustive(x: never): never {
  throw new Error(`unhandled node ${JSON.stringify(x)}`);
}
