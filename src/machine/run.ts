/**
 * Runs a machine until the guest halts or a step budget runs out. A guest that loops forever is
 * stopped by the budget; one that faults takes its own ISA's traps; neither makes the host throw.
 */
import type { Machine } from './machine.js';

export type RunOutcome =
  /** The guest stopped itself (finisher, tohost, halt instruction); code 0 means success. */
  | { readonly kind: 'halted'; readonly code: number; readonly steps: number; readonly seconds: number }
  /** The step budget ran out first. */
  | { readonly kind: 'timeout'; readonly steps: number; readonly seconds: number };

/** Step `machine` at most `maxSteps` times (instructions, traps and interrupts each count one). */
export function runMachine(machine: Machine, maxSteps: number): RunOutcome {
  const start = process.hrtime.bigint();
  const seconds = (): number => Number(process.hrtime.bigint() - start) / 1e9;
  const first = machine.steps;
  while (machine.steps - first < maxSteps) {
    const r = machine.step();
    if (r.kind === 'halt') return { kind: 'halted', code: r.code, steps: machine.steps - first, seconds: seconds() };
  }
  return { kind: 'timeout', steps: machine.steps - first, seconds: seconds() };
}
