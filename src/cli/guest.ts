/**
 * Running one guest on the bare machine for the command line: its console bytes go to stdout as
 * they come (flushed by line), HTIF `tohost` is honoured when the board has it.
 */
import { Machine } from '../machine/machine.js';
import { loadGuestImage, placeImage, type GuestImage } from '../machine/image.js';
import { runMachine, type RunOutcome } from '../machine/run.js';
import type { CheckedIsa } from '../semantics/check-isa.js';

/** A console that writes to stdout by line, each line prefixed with `prefix`. */
export function lineConsole(prefix = ''): { write: (byte: number) => void; flush: () => void } {
  const out: number[] = [];
  const flush = (): void => {
    if (out.length > 0) process.stdout.write(prefix + Buffer.from(out.splice(0)).toString('latin1'));
  };
  return {
    write: (byte) => {
      out.push(byte);
      if (byte === 10 || out.length >= 4096) flush();
    },
    flush,
  };
}

/** Load `guest` (a file or an image) into a fresh bare machine and run it for at most `maxSteps` steps. */
export function runGuest(checked: CheckedIsa, guest: string | GuestImage, maxSteps: number): RunOutcome {
  const image = typeof guest === 'string' ? loadGuestImage(guest, checked.isa) : guest;
  const console = lineConsole();
  const machine = new Machine(checked, { console: console.write });
  placeImage(image, machine.ram);
  machine.pc = image.entry;
  const tohost = image.symbols.get('tohost');
  if (checked.isa.board?.htif && tohost !== undefined) machine.watchToHost(tohost);
  const outcome = runMachine(machine, maxSteps);
  console.flush();
  return outcome;
}
