/**
 * `npm run bench`: measured side by side in one run, printed, never asserted in tests.
 *
 * 1. The bare riscv32 machine on the compute-bound guest: guest instructions per second.
 * 2. The same guest on qemu-system-riscv32 (TCG), whole-process wall time, when qemu is installed.
 * 3. The generated VMM (trap-and-emulate) against the bare machine on the compute-bound guest and
 *    on the trap-heavy guest (one privileged instruction in every ~110), and the cost of one
 *    trap-and-emulate round trip: the extra time per exit on a loop where every third instruction
 *    is privileged, against the same loop bare.
 *
 * Each figure is the best of BENCH_RUNS runs (default 3).
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Machine } from '../src/machine/machine.js';
import { assemble, flatImage } from '../src/isa/assembler.js';
import { loadGuestImage, placeImage, type GuestImage } from '../src/machine/image.js';
import { runMachine } from '../src/machine/run.js';
import { loadCheckedIsa, type CheckedIsa } from '../src/semantics/check-isa.js';
import { runVmm } from '../src/vmm/run.js';
import { qemuArguments, qemuAvailable } from '../test/guests/qemu.js';

const ISA = 'isas/riscv32.yaml';
const COMPUTE = 'guests/riscv32/compute/compute.elf';
const TRAPHEAVY = 'guests/riscv32/trapheavy/trapheavy.elf';
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
/** Iterations of the round-trip loop (a multiple of 4096: one `lui`). */
const DENSE_ITERATIONS = 0x31000;

/**
 * The round-trip guest, assembled in memory by the assembler derived from the description: in
 * M-mode, DENSE_ITERATIONS times `csrw mscratch` (privileged: an exit under the VMM), `addi`,
 * `bne`; then the sifive_test finisher's pass value (0x5555 at 0x100000).
 */
function denseGuest(c: CheckedIsa): GuestImage {
  const source = [
    `lui x5, ${DENSE_ITERATIONS}`,
    'csrrw x0, 0x340, x5', 'addi x5, x5, -1', 'bne x5, x0, -8',
    'lui x6, 0x100000', 'lui x7, 0x5000', 'addi x7, x7, 0x555', 'sw x7, 0(x6)',
  ].join('\n');
  const data = flatImage(c.isa, assemble(c.isa, source, 'round-trip loop'));
  const base = c.isa.board?.ram.base ?? 0;
  return { file: 'round-trip loop', format: 'flat', entry: base, machine: null, segments: [{ address: base, data, memsz: data.length }], symbols: new Map() };
}

interface Timing { steps: number; seconds: number; exits: number; direct: number }

function best(f: () => Timing): Timing {
  let b: Timing = { steps: 0, seconds: Infinity, exits: 0, direct: 0 };
  for (let i = 0; i < RUNS; i++) {
    const t = f();
    if (t.seconds < b.seconds) b = t;
  }
  return b;
}

function bare(checked: CheckedIsa, guest: string | GuestImage): Timing {
  const machine = new Machine(checked);
  const image = typeof guest === 'string' ? loadGuestImage(guest, checked.isa) : guest;
  placeImage(image, machine.ram);
  machine.pc = image.entry;
  const outcome = runMachine(machine, 1e9);
  if (outcome.kind !== 'halted' || outcome.code !== 0) throw new Error(`${image.file} did not pass bare: ${JSON.stringify(outcome)}`);
  return { steps: outcome.steps, seconds: outcome.seconds, exits: 0, direct: outcome.steps };
}

function underVmm(checked: CheckedIsa, guest: string | GuestImage): Timing {
  const image = typeof guest === 'string' ? loadGuestImage(guest, checked.isa) : guest;
  const report = runVmm(checked, [image], { strategy: 'trap-and-emulate', maxSteps: 1e9, slice: 1e9, names: null, console: () => {} });
  const o = report.outcomes[0]!;
  if (o.kind !== 'halted' || o.code !== 0) throw new Error(`${image.file} did not pass under the VMM: ${JSON.stringify(o)}`);
  return { steps: o.steps, seconds: o.seconds, exits: report.counters[0]!.exits, direct: report.counters[0]!.direct };
}

function qemu(guest: string): number {
  let b = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync('qemu-system-riscv32', qemuArguments(guest), { stdio: ['ignore', 'ignore', 'ignore'], timeout: 120_000 });
    if (r.status !== 0) throw new Error(`qemu exited with ${r.status}`);
    b = Math.min(b, (performance.now() - t0) / 1000);
  }
  return b;
}

const mips = (t: Timing): string => (t.steps / t.seconds / 1e6).toFixed(2);
const checked = loadCheckedIsa(ISA);

const compute = best(() => bare(checked, COMPUTE));
console.log(`bare riscv32, ${COMPUTE}: ${compute.steps} instructions in ${compute.seconds.toFixed(3)} s = ${mips(compute)} MIPS (best of ${RUNS})`);
if (qemuAvailable()) {
  const q = qemu(COMPUTE);
  console.log(`qemu-system-riscv32 (TCG, whole process) on the same guest: ${q.toFixed(3)} s; isavirt / qemu = ${(compute.seconds / q).toFixed(1)}x`);
} else {
  console.log('qemu-system-riscv32 not installed: no qemu comparison');
}

if (checked.isa.vmm?.allocator) {
  const vmmCompute = best(() => underVmm(checked, COMPUTE));
  console.log(`VMM (trap-and-emulate), ${COMPUTE}: ${mips(vmmCompute)} MIPS, ${vmmCompute.exits} exits; slowdown against bare ${(vmmCompute.seconds / compute.seconds).toFixed(2)}x`);
  const heavyBare = best(() => bare(checked, TRAPHEAVY));
  const heavyVmm = best(() => underVmm(checked, TRAPHEAVY));
  console.log(`bare riscv32, ${TRAPHEAVY}: ${mips(heavyBare)} MIPS`);
  console.log(`VMM (trap-and-emulate), ${TRAPHEAVY}: ${mips(heavyVmm)} MIPS, ${heavyVmm.exits} exits; slowdown against bare ${(heavyVmm.seconds / heavyBare.seconds).toFixed(2)}x`);
  // The round trip, on a loop where every third instruction is privileged, so the exits dominate:
  // the time under the VMM less the time of the same instructions bare, per exit.
  const dense = denseGuest(checked);
  const denseBare = best(() => bare(checked, dense));
  const denseVmm = best(() => underVmm(checked, dense));
  const perExit = ((denseVmm.seconds - denseBare.seconds) / denseVmm.exits) * 1e9;
  const perBare = (denseBare.seconds / denseBare.steps) * 1e9;
  console.log(`one trap-and-emulate round trip (exit, interpreter routine, resume), ${DENSE_ITERATIONS} csrw mscratch in a 3-instruction loop: `
    + `${perExit.toFixed(0)} ns beyond running it bare (${(perExit / perBare).toFixed(0)} bare instructions' worth; ${denseVmm.exits} exits)`);
  console.log('note: the real machine under the VMM caches translations (a TLB the VMM keeps coherent: it alone writes the shadow tables); the bare machine walks translate on every access, so direct execution under the VMM can outrun bare');
} else {
  console.log(`${ISA} declares no vmm.allocator yet: no VMM figures`);
}
