/**
 * The control program on Popek & Goldberg's own machine (isas/pg3.yaml): its guests run under
 * trap-and-emulate, deprivileged in real user mode with R composed with their allocation, and
 * end as they end on the bare machine; innocuous instructions never reach the VMM.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/machine/machine.js';
import { loadGuestImage, placeImage } from '../../src/machine/image.js';
import { runMachine } from '../../src/machine/run.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';
import { ControlProgram } from '../../src/vmm/control-program.js';

const root = join(import.meta.dirname, '../..');
const checked = loadCheckedIsa(join(root, 'isas/pg3.yaml'));
const guest = (name: string) => loadGuestImage(join(root, `guests/pg3/${name}.bin`), checked.isa);

function bare(name: string): number {
  const m = new Machine(checked);
  const image = guest(name);
  placeImage(image, m.ram);
  m.pc = image.entry;
  const outcome = runMachine(m, 100_000);
  if (outcome.kind !== 'halted') throw new Error(`${name} did not halt on the bare machine`);
  return outcome.code;
}

describe('pg3 under trap-and-emulate', () => {
  for (const name of ['sum', 'supervisor']) {
    it(`${name} halts with the code it halts with on the bare machine`, () => {
      const cp = new ControlProgram(checked, [guest(name)], { strategy: 'trap-and-emulate' });
      cp.run(100_000);
      expect(cp.guests[0]!.outcome).toEqual({ kind: 'halted', code: bare(name) });
    });
  }

  it('innocuous instructions run directly; only privileged ones and guest traps reach the VMM', () => {
    const cp = new ControlProgram(checked, [guest('supervisor')], { strategy: 'trap-and-emulate' });
    cp.run(100_000);
    const c = cp.guests[0]!.counters;
    expect(c.direct).toBeGreaterThan(c.exits);
    // supervisor.s: lpsw into the user program, svc (reflected), lpsw back, the user's halt
    // attempt (reflected), halt: every exit is one of these.
    expect(c.exits).toBe(c.emulated + c.reflected + 1);
    expect(c.reflected).toBe(2);
  });

  it('two guests side by side, each in its own allocation, end as each does alone', () => {
    const cp = new ControlProgram(checked, [guest('supervisor'), guest('sum')], { strategy: 'trap-and-emulate' });
    cp.run(100_000, 7);
    expect(cp.guests.map((g) => g.outcome)).toEqual([
      { kind: 'halted', code: bare('supervisor') },
      { kind: 'halted', code: bare('sum') },
    ]);
    expect(cp.guests[1]!.allocation.realBase).toBe(cp.guests[0]!.allocation.size);
  });
});
