/**
 * Which VMM the audit allows (DESIGN.md §4): Theorem 1 ⇒ trap-and-emulate; only Theorem 3 ⇒
 * hybrid; neither ⇒ binary translation (not built yet). The verdicts to use are those under the
 * ISA's `vmm:` configuration, since the VMM establishes that configuration for its guests.
 */
import type { Strategy } from './control-program.js';

export interface StrategyChoice {
  readonly strategy: Strategy | null;
  /** Why, in one line, for the user. */
  readonly reason: string;
}

export function chooseStrategy(t1: boolean, t3: boolean): StrategyChoice {
  if (t1) return { strategy: 'trap-and-emulate', reason: 'Theorem 1 holds: trap-and-emulate' };
  if (t3) return { strategy: 'hybrid', reason: 'only Theorem 3 holds: hybrid (virtual-supervisor code interpreted)' };
  return { strategy: null, reason: 'neither Theorem 1 nor Theorem 3 holds: a VMM needs binary translation, which isavirt does not build yet' };
}
