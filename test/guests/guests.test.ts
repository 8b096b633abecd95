/**
 * Differential test of the bare riscv32 machine against QEMU: every guest under guests/riscv32/
 * prints exactly the same bytes on isavirt as on `qemu-system-riscv32 -machine virt -bios none`,
 * and exits the same way. expected.txt records QEMU's output; when qemu is installed (always in
 * CI: .ci/run installs it) the guest is also run live on qemu.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/machine/machine.js';
import { loadGuestImage, placeImage } from '../../src/machine/image.js';
import { runMachine } from '../../src/machine/run.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';
import { qemuAvailable, runOnQemu } from './qemu.js';

const root = join(import.meta.dirname, '../../guests/riscv32');
const guests = readdirSync(root).filter((d) => existsSync(join(root, d, 'expected.txt')));
const checked = loadCheckedIsa(join(import.meta.dirname, '../../isas/riscv32.yaml'));

function runOnIsavirt(elf: string): { console: string; code: number | null } {
  let text = '';
  const machine = new Machine(checked, { console: (b) => { text += String.fromCharCode(b); } });
  const image = loadGuestImage(elf, checked.isa);
  placeImage(image, machine.ram);
  machine.pc = image.entry;
  const outcome = runMachine(machine, 50_000_000);
  return { console: text, code: outcome.kind === 'halted' ? outcome.code : null };
}

describe('riscv32 guests on the bare machine', () => {
  it('every guest directory has a built ELF', () => {
    expect(guests.length).toBeGreaterThanOrEqual(3);
    for (const g of guests) expect(existsSync(join(root, g, `${g}.elf`))).toBe(true);
  });

  for (const g of guests) {
    const elf = join(root, g, `${g}.elf`);
    it(`${g} prints what QEMU printed (expected.txt) and exits with success`, () => {
      const run = runOnIsavirt(elf);
      expect(run.console).toBe(readFileSync(join(root, g, 'expected.txt'), 'latin1'));
      expect(run.code).toBe(0);
    });
  }

  // CI must compare against live qemu, never skip it silently.
  it.runIf(Boolean(process.env['CI']))('qemu-system-riscv32 is installed in CI', () => {
    expect(qemuAvailable()).toBe(true);
  });

  for (const g of guests) {
    const elf = join(root, g, `${g}.elf`);
    it.runIf(qemuAvailable())(`${g} prints the same bytes on live qemu as on isavirt`, async () => {
      const q = await runOnQemu(elf, 30);
      const ours = runOnIsavirt(elf);
      expect(ours.console).toBe(q.console);
      expect(q.exitCode).toBe(0);
    });
  }
});
