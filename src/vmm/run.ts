/**
 * Run guests under the generated VMM until each halts or runs out of steps: the outcomes, in the
 * shape of a bare run's (so exit statuses are decided the same way), and the VMM's counters.
 */
import type { GuestImage } from '../machine/image.js';
import type { RunOutcome } from '../machine/run.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import { ControlProgram, type Counters, type Strategy } from './control-program.js';

export interface VmmRunOptions {
  readonly strategy: Strategy;
  readonly maxSteps: number;
  readonly slice: number;
  /** Prefix each guest's console lines with its name (several guests), or not (one). */
  readonly names: readonly string[] | null;
  /** Where console bytes go; by default stdout, by line. */
  readonly console?: (guest: number, byte: number) => void;
}

export interface VmmReport {
  readonly strategy: Strategy;
  /** Per guest; `seconds` is the wall-clock time of the guest's own time slices. */
  readonly outcomes: readonly RunOutcome[];
  readonly counters: readonly Counters[];
}

export function runVmm(checked: CheckedIsa, images: readonly GuestImage[], options: VmmRunOptions): VmmReport {
  const lines = images.map((): number[] => []);
  const flush = (i: number): void => {
    const prefix = options.names === null ? '' : `[${options.names[i]}] `;
    if (lines[i]!.length > 0) process.stdout.write(prefix + Buffer.from(lines[i]!.splice(0)).toString('latin1'));
  };
  const console = options.console ?? ((i: number, byte: number) => {
    lines[i]!.push(byte);
    if (byte === 10 || lines[i]!.length >= 4096) flush(i);
  });
  const cp = new ControlProgram(checked, images, { strategy: options.strategy, console });
  cp.run(options.maxSteps, options.slice);
  images.forEach((_, i) => flush(i));
  // Each guest's own time slices, not the whole run's wall time: guests that share the machine
  // would otherwise each be charged for the others' slices.
  const outcomes = cp.guests.map((g): RunOutcome => {
    const o = g.outcome;
    if (o?.kind === 'halted') return { kind: 'halted', code: o.code, steps: g.steps, seconds: g.seconds };
    if (o?.kind === 'escaped') return { kind: 'halted', code: -1, steps: g.steps, seconds: g.seconds };
    return { kind: 'timeout', steps: g.steps, seconds: g.seconds };
  });
  return { strategy: options.strategy, outcomes, counters: cp.guests.map((g) => structuredClone(g.counters)) };
}
