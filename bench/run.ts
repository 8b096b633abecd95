/**
 * `npm run bench`: measured, side by side, in one run — never asserted in tests.
 *
 * 1. The bare riscv32 machine on the compute-bound guest (guests/riscv32/compute): guest
 *    instructions per second (best of several runs).
 * 2. The same guest on qemu-system-riscv32 (TCG), wall-clock time of the whole process, when qemu
 *    is installed: the ratio isavirt / qemu.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Machine } from '../src/machine/machine.js';
import { loadGuestImage, placeImage } from '../src/machine/image.js';
import { runMachine } from '../src/machine/run.js';
import { loadCheckedIsa } from '../src/semantics/check-isa.js';
import { qemuArguments, qemuAvailable } from '../test/guests/qemu.js';

const ISA = 'isas/riscv32.yaml';
const GUEST = 'guests/riscv32/compute/compute.elf';
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);

function bare(): { steps: number; seconds: number } {
  const checked = loadCheckedIsa(ISA);
  let best = { steps: 0, seconds: Infinity };
  for (let i = 0; i < RUNS; i++) {
    const machine = new Machine(checked);
    const image = loadGuestImage(GUEST, checked.isa);
    placeImage(image, machine.ram);
    machine.pc = image.entry;
    const outcome = runMachine(machine, 1e9);
    if (outcome.kind !== 'halted' || outcome.code !== 0) throw new Error(`compute guest did not pass: ${JSON.stringify(outcome)}`);
    if (outcome.seconds < best.seconds) best = { steps: outcome.steps, seconds: outcome.seconds };
  }
  return best;
}

function qemu(): number | null {
  if (!qemuAvailable()) return null;
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync('qemu-system-riscv32', qemuArguments(GUEST), { stdio: ['ignore', 'ignore', 'ignore'], timeout: 120_000 });
    if (r.status !== 0) throw new Error(`qemu exited with ${r.status}`);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

const b = bare();
const mips = b.steps / b.seconds / 1e6;
console.log(`bare riscv32, ${GUEST}: ${b.steps} guest instructions in ${b.seconds.toFixed(3)} s = ${mips.toFixed(2)} MIPS (best of ${RUNS})`);
const q = qemu();
if (q === null) {
  console.log('qemu-system-riscv32 not installed: no qemu comparison');
} else {
  console.log(`qemu-system-riscv32 (TCG, whole process): ${q.toFixed(3)} s (best of ${RUNS})`);
  console.log(`ratio isavirt / qemu wall time: ${(b.seconds / q).toFixed(1)}x`);
}
