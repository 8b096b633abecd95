/**
 * Composition of the KA10's two-segment relocation (PDP-10 System Reference Manual §2.15; the
 * description's `translate`) with a guest's allocation of real storage (docs/vmm.md, "pdp10").
 *
 * In user mode a virtual address a ≥ 20 (octal) in block b = a / granule is in the low segment when
 * b ≤ PL and means a + RL blocks; otherwise, in the upper half of the address space, it is in the
 * high segment when b ≤ PH and means a + RH blocks (mod the address space), not writable when WPH
 * is set; anything else is a protection violation. The executive mode is not relocated.
 *
 * The real registers are chosen so that every address legal on the real machine is legal on the
 * guest's virtual machine and reaches the same word: real = allocation base + guest-physical. The
 * composition is exact only where the registers can say it; a virtual legal address that the real
 * registers cannot cover traps on the real machine, and the VMM interprets that one instruction on
 * the virtual machine, which does what the bare machine does. So each segment is cut down to the
 * blocks, counted from its first, that land inside the allocation without wrapping:
 *
 * - low: real RL = RL + A, real PL = min(PL, S − 1 − RL) (A, S: the allocation's first block and
 *   its size in blocks). The low segment always holds block 0 (PL ≥ 0), so when RL ≥ S no real
 *   registers confine the guest: `confines` says so and the guest's steps are interpreted.
 * - high: it begins at the first block above the real low segment in the upper half, h0; when that
 *   block is in the virtual high segment (above PL, at most PH) and lands in guest block
 *   g0 = (h0 + RH) mod 256 with 1 ≤ g0 < S, real RH = RH + A (mod 256), real PH = min(PH,
 *   h0 + S − 1 − g0), real WPH = WPH; otherwise the real high segment is empty (real PH = 0).
 *   Guest block 0 is never reached through the high segment: its first 16 words are the guest's
 *   accumulators, which live on the real machine while the guest runs (below).
 * - executive (only under trap-and-emulate, where virtual-executive code runs in real user mode):
 *   the identity, as the low segment of the whole allocation — real RL = A, PL = S − 1, PH = 0.
 *
 * The accumulators: user addresses below 20 (octal) are never relocated, so in real user mode they
 * are real words 0-17, the real machine's own fast registers, in no guest's allocation (`reserved`).
 * The guest's accumulators live at guest-physical 0-17 of its allocation; `compose` lends them to
 * the real machine (guest words 0-17 → real 0-17) and `release` takes them back and clears the
 * real ones, so that only the running guest's accumulators are ever in the real machine.
 */
import type { Isa, TwoSegmentSpec } from '../isa/model.js';
import type { Interpreter } from '../semantics/interpreter.js';
import * as V from '../semantics/values.js';
import type { Allocation, Composer } from './allocator.js';
import { readRef, writeRef } from './state-ref.js';

/** Values for the five KA10 registers, in blocks. */
interface Registers {
  readonly pl: number;
  readonly rl: number;
  readonly ph: number;
  readonly rh: number;
  readonly wph: number;
}

/**
 * The composer for a `two-segment` allocator. `isa` gives the mode (only its user mode is
 * relocated), the address width (blocks in the address space: 2^addressWidth / granule) and the
 * memory unit (one accumulator). Throws (a bug) when asked to compose a state it does not confine.
 */
export function twoSegment(spec: TwoSegmentSpec, isa: Isa): Composer {
  const g = spec.granule;
  const space = Math.floor(2 ** isa.addressWidth / g);
  // The high segment lives in the upper half of the address space (KA10: from 400000 octal).
  const upper = space / 2;
  const userMode = isa.userMode.value;
  const acs = spec.accumulators;

  /** The real registers for the guest's virtual state, or null when none confine it. */
  function registers(virtual: Interpreter, allocation: Allocation): Registers | null {
    const a = Math.floor(allocation.realBase / g);
    const s = Math.floor(allocation.size / g);
    if (V.toNumber(virtual.readReg(isa.mode)) !== userMode) return { pl: s - 1, rl: a, ph: 0, rh: 0, wph: 0 };
    const pl = readRef(virtual, spec.low.bound);
    const rl = readRef(virtual, spec.low.base);
    if (rl >= s) return null;
    const realPl = Math.min(pl, s - 1 - rl);
    const ph = readRef(virtual, spec.high.bound);
    const rh = readRef(virtual, spec.high.base);
    const h0 = Math.max(upper, realPl + 1);
    const g0 = (h0 + rh) % space;
    if (h0 > pl && h0 <= ph && g0 >= 1 && g0 < s) {
      const wph = spec.high.writeProtect === null ? 0 : readRef(virtual, spec.high.writeProtect);
      return { pl: realPl, rl: rl + a, ph: Math.min(ph, h0 + s - 1 - g0), rh: (rh + a) % space, wph };
    }
    return { pl: realPl, rl: rl + a, ph: 0, rh: 0, wph: 0 };
  }

  /** Copy the `acs` words at physical 0 of one machine's storage to the other's. */
  function moveAccumulators(from: Interpreter, to: Interpreter): void {
    for (let i = 0; i < acs; i++) to.bus.write(i, isa.unit, from.bus.read(i, isa.unit, 'load') ?? 0, 'store');
  }

  return {
    reserved: acs,
    confines: (virtual, allocation) => registers(virtual, allocation) !== null,
    compose(virtual, real, allocation) {
      const r = registers(virtual, allocation);
      if (r === null) throw new Error('two-segment: compose called for a guest whose relocation no real registers confine');
      writeRef(real, spec.low.bound, r.pl);
      writeRef(real, spec.low.base, r.rl);
      writeRef(real, spec.high.bound, r.ph);
      writeRef(real, spec.high.base, r.rh);
      if (spec.high.writeProtect !== null) writeRef(real, spec.high.writeProtect, r.wph);
      if (spec.low.writeProtect !== null) writeRef(real, spec.low.writeProtect, readRef(virtual, spec.low.writeProtect));
      moveAccumulators(virtual, real);
    },
    afterExit(virtual, _real, allocation, exit) {
      // A protection violation on the real machine that the guest's own step completed is allocator
      // work only where the composed registers cannot express the address (see above); an address
      // they do cover should never have trapped, and the VMM owns up to nothing for it.
      if (!exit.cause.memory || exit.step.kind === 'trap') return null;
      const r = registers(virtual, allocation);
      if (r === null) return { kind: 'uncovered' };
      const va = V.toNumber(exit.tval);
      const block = Math.floor(va / g);
      const covered = va < acs || block <= r.pl || (block >= upper && block <= r.ph);
      return covered ? null : { kind: 'uncovered' };
    },
    release(virtual, real) {
      moveAccumulators(real, virtual);
      const zero = V.fromBigInt(0n, isa.unit);
      for (let i = 0; i < acs; i++) real.bus.write(i, isa.unit, zero, 'store');
    },
  };
}
