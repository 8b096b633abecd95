/**
 * What the arms of a branch statement may write, found statically — so that the partial evaluator
 * (paths.ts) can end a tainted branch's dependence where its arms meet again.
 *
 * Two runs that take different arms of a branch on a tainted value (paths.ts) differ, after the
 * arms, only in what the arms wrote: the locals and state elements either arm may set, which
 * become tainted. Everything else they share, so the code after the branch runs alike in both, and
 * its effects count as tainted only through tainted values — `if privileged && !SCTLR.NMFI { F = … }`
 * does not make the register banking that follows depend on SCTLR. That holds only when every arm
 * leaves by falling through (or ends the run): an arm that `return`s skips code the other runs, and
 * an arm that stores to storage may change what a later load reads; such a branch keeps its
 * dependence (`rejoins` false).
 */
import type { StateElement } from '../isa/model.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import type { IStmt } from '../semantics/ir.js';
import { walkStmts } from '../semantics/walk.js';
import { effectFree, footprint } from './footprint.js';

export interface ArmWrites {
  /** Every arm falls through, ends the run, or traps; none returns or stores. */
  readonly rejoins: boolean;
  /** Local slots of the current frame any arm may set. */
  readonly slots: ReadonlySet<number>;
  /** State elements any arm (or a function it calls) may write. */
  readonly elements: ReadonlySet<StateElement>;
}

interface Cached {
  readonly checked: CheckedIsa;
  readonly arms: readonly (readonly IStmt[])[];
  readonly out: ArmWrites;
}

/** By first arm; an entry answers only for the very same arms of the same description. */
const cache = new WeakMap<readonly IStmt[], Cached[]>();

const same = (c: Cached, checked: CheckedIsa, arms: readonly (readonly IStmt[])[]): boolean =>
  c.checked === checked && c.arms.length === arms.length && c.arms.every((a, i) => a === arms[i]);

/** The writes of `arms`, the statement lists of one `if` or `match` (cached). */
export function armWrites(checked: CheckedIsa, arms: readonly (readonly IStmt[])[]): ArmWrites {
  const key = arms[0];
  const entries = key === undefined ? undefined : cache.get(key);
  const known = entries?.find((c) => same(c, checked, arms));
  if (known !== undefined) return known.out;
  let rejoins = true;
  const slots = new Set<number>();
  const elements = new Set<StateElement>();
  for (const arm of arms) {
    walkStmts(arm, {
      stmt: (s) => {
        if (s.k === 'return' || s.k === 'store' || s.k === 'storePhys') rejoins = false;
        if (s.k === 'setLocal') slots.add(s.slot);
        if (s.k === 'for') slots.add(s.slot);
        if (s.k === 'setReg' || s.k === 'setField' || s.k === 'setFile') elements.add(s.elem);
      },
      expr: (e) => {
        if (e.k !== 'call' || effectFree(checked, e.fn)) return;
        const fn = checked.functions.get(e.fn);
        if (fn === undefined) return;
        const f = footprint(checked, fn.body);
        for (const w of f.writes) elements.add(w);
        const stmts = [...fn.body.stmts, ...[...f.calls].flatMap((c) => checked.functions.get(c)?.body.stmts ?? [])];
        if (!storeFree(stmts)) rejoins = false;
      },
    });
  }
  const out: ArmWrites = { rejoins, slots, elements };
  if (key !== undefined) cache.set(key, [...(entries ?? []), { checked, arms: [...arms], out }]);
  return out;
}

/** No store in these statements (or those they contain). */
function storeFree(stmts: readonly IStmt[]): boolean {
  let free = true;
  walkStmts(stmts, { stmt: (s) => { if (s.k === 'store' || s.k === 'storePhys') free = false; } });
  return free;
}
