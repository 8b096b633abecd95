/**
 * `npm run bench`: measured side by side in one run, printed, never asserted in tests.
 *
 * 1. The bare riscv32 machine on the compute-bound guest: guest instructions per second.
 * 2. The same guest on qemu-system-riscv32 (TCG), whole-process wall time, when qemu is installed.
 * 3. The generated VMM (trap-and-emulate) against the bare machine on the compute-bound guest and
 *    on the trap-heavy guest (one privileged instruction in every ~110), and the cost of one
 *    trap-and-emulate round trip: the extra time per exit.
 *
 * Each figure is the best of BENCH_RUNS runs (default 3).
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Machine } from '../src/machine/machine.js';
import { loadGuestImage, placeImage } from '../src/machine/image.js';
import { runMachine } from '../src/machine/run.js';
import { loadCheckedIsa, type CheckedIsa } from '../src/semantics/check-isa.js';
import { runVmm } from '../src/vmm/run.js';
import { qemuArguments, qemuAvailable } from '../test/guests/qemu.js';

const ISA = 'isas/riscv32.yaml';
const COMPUTE = 'guests/riscv32/compute/compute.elf';
const TRAPHEAVY = 'guests/riscv32/trapheavy/trapheavy.elf';
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);

interface Timing { steps: number; seconds: number; exits: number; direct: number }

function best(f: () => Timing): Timing {
  let b: Timing = { steps: 0, seconds: Infinity, exits: 0, direct: 0 };
  for (let i = 0; i < RUNS; i++) {
    const t = f();
    if (t.seconds < b.seconds) b = t;
  }
  return b;
}

function bare(checked: CheckedIsa, guest: string): Timing {
  const machine = new Machine(checked);
  const image = loadGuestImage(guest, checked.isa);
  placeImage(image, machine.ram);
  machine.pc = image.entry;
  const outcome = runMachine(machine, 1e9);
  if (outcome.kind !== 'halted' || outcome.code !== 0) throw new Error(`${guest} did not pass bare: ${JSON.stringify(outcome)}`);
  return { steps: outcome.steps, seconds: outcome.seconds, exits: 0, direct: outcome.steps };
}

function underVmm(checked: CheckedIsa, guest: string): Timing {
  const image = loadGuestImage(guest, checked.isa);
  const report = runVmm(checked, [image], { strategy: 'trap-and-emulate', maxSteps: 1e9, slice: 1e9, names: null, console: () => {} });
  const o = report.outcomes[0]!;
  if (o.kind !== 'halted' || o.code !== 0) throw new Error(`${guest} did not pass under the VMM: ${JSON.stringify(o)}`);
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
  // The round trip, measured within the VMM: the trap-heavy run's time less what its directly
  // executed instructions cost at the compute-bound guest's direct rate, per exit.
  const perDirect = vmmCompute.seconds / vmmCompute.steps;
  const perExit = ((heavyVmm.seconds - heavyVmm.direct * perDirect) / heavyVmm.exits) * 1e9;
  console.log(`bare riscv32, ${TRAPHEAVY}: ${mips(heavyBare)} MIPS`);
  console.log(`VMM (trap-and-emulate), ${TRAPHEAVY}: ${mips(heavyVmm)} MIPS, ${heavyVmm.exits} exits; slowdown against bare ${(heavyVmm.seconds / heavyBare.seconds).toFixed(2)}x`);
  console.log(`one trap-and-emulate round trip (exit, interpreter routine, resume): ${perExit.toFixed(0)} ns (${(perExit / (perDirect * 1e9)).toFixed(0)} directly executed instructions' worth)`);
  console.log('note: the real machine under the VMM caches translations (a TLB the VMM keeps coherent: it alone writes the shadow tables); the bare machine walks translate on every access, so direct execution under the VMM can outrun bare');
} else {
  console.log(`${ISA} declares no vmm.allocator yet: no VMM figures`);
}
