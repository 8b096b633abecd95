/**
 * `isavirt run ISA GUEST`: run a guest program on the bare machine, its console on stdout.
 * Exit status: 0 when the guest reports success (tohost = 1, or a finisher/halt with code 0),
 * 1 when it reports failure, 2 for bad input, 124 when --max-steps runs out.
 */
import type { Command } from 'commander';
import { Machine } from '../machine/machine.js';
import { loadGuestImage, placeImage } from '../machine/image.js';
import { runMachine, type RunOutcome } from '../machine/run.js';
import { loadCheckedIsa, type CheckedIsa } from '../semantics/check-isa.js';
import { parseCount } from './options.js';

export const EXIT_TIMEOUT = 124;

/** Default step budget: about a minute of guest time at current speeds. */
export const DEFAULT_MAX_STEPS = 100_000_000;

/**
 * Load `guestFile` into a fresh bare machine for `checked` and run it for at most `maxSteps`
 * steps, writing its console bytes to stdout as they come (flushed by line).
 */
export function runGuest(checked: CheckedIsa, guestFile: string, maxSteps: number): RunOutcome {
  const out: number[] = [];
  const flush = (): void => {
    if (out.length > 0) process.stdout.write(Buffer.from(out.splice(0)));
  };
  const machine = new Machine(checked, {
    console: (byte) => {
      out.push(byte);
      if (byte === 10 || out.length >= 4096) flush();
    },
  });
  const image = loadGuestImage(guestFile, checked.isa);
  placeImage(image, machine.ram);
  machine.pc = image.entry;
  const tohost = image.symbols.get('tohost');
  if (checked.isa.board?.htif && tohost !== undefined) machine.watchToHost(tohost);
  const outcome = runMachine(machine, maxSteps);
  flush();
  return outcome;
}

/** The exit status for a run's outcome, with a line on stderr when it is not a success. */
export function exitStatus(outcome: RunOutcome, maxSteps: number): number {
  if (outcome.kind === 'timeout') {
    process.stderr.write(`isavirt: guest stopped after --max-steps ${maxSteps} steps\n`);
    return EXIT_TIMEOUT;
  }
  if (outcome.code !== 0) process.stderr.write(`isavirt: guest reported failure, code ${outcome.code}\n`);
  return outcome.code === 0 ? 0 : 1;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run a guest (ELF or flat image) on the bare machine; its console goes to stdout')
    .argument('<isa>', 'ISA description (isas/NAME.yaml)')
    .argument('<guest>', 'guest program: an ELF file, or a flat image loaded at the RAM base')
    .option('--max-steps <n>', 'stop after this many steps (exit 124)', parseCount, DEFAULT_MAX_STEPS)
    .option('--stats', 'print steps, seconds and guest MIPS on stderr')
    .action((isaFile: string, guestFile: string, opts: { maxSteps: number; stats?: boolean }) => {
      const outcome = runGuest(loadCheckedIsa(isaFile), guestFile, opts.maxSteps);
      if (opts.stats) {
        const mips = outcome.steps / Math.max(outcome.seconds, 1e-9) / 1e6;
        process.stderr.write(`steps ${outcome.steps}, ${outcome.seconds.toFixed(3)} s, ${mips.toFixed(2)} MIPS\n`);
      }
      process.exitCode = exitStatus(outcome, opts.maxSteps);
    });
}
