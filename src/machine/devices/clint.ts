/**
 * SiFive CLINT (core-local interruptor) for one hart, with the layout of QEMU's `virt` board
 * (hw/intc/riscv_aclint.c; SiFive FU540-C000 Manual, chapter 9 "Core Local Interruptor"):
 *
 *   offset   register   width
 *   0x0000   msip       32 bits, only bit 0 implemented (machine software interrupt pending)
 *   0x4000   mtimecmp   64 bits (machine timer compare)
 *   0xbff8   mtime      64 bits (machine time)
 *
 * The registers are little-endian; a 64-bit register can be accessed whole or as two 32-bit
 * halves (RV32 guests), or by any smaller naturally aligned lane. Other offsets read 0 and
 * ignore writes.
 *
 * `mtime` is not stored here: it is the ISA's state register named by the board's `mtime` option,
 * which the machine counts up; the CLINT reads and writes it through the DeviceContext. After
 * every write and on every `tick()` the CLINT drives its interrupt lines (the board's `msip` and
 * `mtip` options, e.g. `mip.MSIP`, `mip.MTIP`): MSIP = msip bit 0, MTIP = (mtime ≥ mtimecmp)
 * (RISC-V privileged specification, section 3.2.1 "Machine Timer Registers").
 */
import type { StateElement } from '../../isa/model.js';
import type { Bits } from '../../semantics/values.js';
import { deposit, fromBigInt, maskOf, slice, toBigInt } from '../../semantics/values.js';
import type { DeviceContext, MmioDevice, StateLine } from './device.js';

const MSIP = 0x0000;
const MTIMECMP = 0x4000;
const MTIME = 0xbff8;

/** mtimecmp at reset: all ones, so no timer interrupt until the guest programs it. */
const MTIMECMP_RESET = 0xffff_ffff_ffff_ffffn;

/** Resolved board options of a CLINT. */
export interface ClintWiring {
  /** The ISA's time counter (the `mtime` option). */
  readonly mtime: StateElement;
  /** The software-interrupt line (the `msip` option), or null when not wired. */
  readonly msip: StateLine | null;
  /** The timer-interrupt line (the `mtip` option), or null when not wired. */
  readonly mtip: StateLine | null;
}

interface Register {
  /** Offset from the CLINT's base, in bytes. */
  readonly at: number;
  /** Width in bytes. */
  readonly size: number;
}

const REGISTERS: readonly Register[] = [
  { at: MSIP,     size: 4 },
  { at: MTIMECMP, size: 8 },
  { at: MTIME,    size: 8 },
];

/** The register holding bytes [offset, offset + bytes), or undefined outside the three. */
function registerAt(offset: number, bytes: number): Register | undefined {
  return REGISTERS.find((r) => offset >= r.at && offset + bytes <= r.at + r.size);
}

/**
 * `driveLine` (device.ts) for one line, with the line's two levels worked out once and, for a
 * line within bits 30..0, the line read as a number: it runs after every step.
 */
function lineDriver(ctx: DeviceContext, stateWord: (element: StateElement, word: number) => number, line: StateLine | null): (level: boolean) => void {
  if (line === null) return () => {};
  const { element, hi, lo } = line;
  const high = fromBigInt(-1n, hi - lo + 1);
  const low = fromBigInt(0n, hi - lo + 1);
  const drive = (level: boolean): void => {
    const current = ctx.readState(element);
    const wanted = level ? high : low;
    if (slice(element.width, current, hi, lo) === wanted) return;
    ctx.writeState(element, deposit(element.width, current, hi, lo, wanted));
  };
  if (hi > 30) return drive;
  const ones = 2 ** (hi - lo + 1) - 1;
  return (level) => {
    if (((stateWord(element, 0) >>> lo) & ones) !== (level ? ones : 0)) drive(level);
  };
}

export class Clint implements MmioDevice {
  readonly name = 'clint';
  /** The 64 KiB window of QEMU's virt board. */
  readonly size = 0x10000;
  /** msip bit 0 (bits 31:1 are hard-wired to zero). */
  private msip = 0;
  private mtimecmp = MTIMECMP_RESET;
  /** mtimecmp's two 32-bit halves, for the comparison after every step. */
  private mtimecmpLow = Number(MTIMECMP_RESET & 0xffff_ffffn);
  private mtimecmpHigh = Number(MTIMECMP_RESET >> 32n);
  /** A 32-bit word of a state register (`DeviceContext.readStateWord`, or from `readState`). */
  private readonly stateWord: (element: StateElement, word: number) => number;
  private readonly driveMsip: (level: boolean) => void;
  private readonly driveMtip: (level: boolean) => void;

  /** @param base physical address of msip */
  constructor(
    readonly base: number,
    private readonly ctx: DeviceContext,
    private readonly wiring: ClintWiring,
  ) {
    const readWord = ctx.readStateWord;
    this.stateWord = readWord !== undefined
      ? readWord.bind(ctx)
      : (element, word) => Number((toBigInt(ctx.readState(element)) >> BigInt(32 * word)) & 0xffff_ffffn);
    this.driveMsip = lineDriver(ctx, this.stateWord, wiring.msip);
    this.driveMtip = lineDriver(ctx, this.stateWord, wiring.mtip);
  }

  read(offset: number, bits: number): Bits {
    const reg = registerAt(offset, bits / 8);
    if (reg === undefined) return fromBigInt(0n, bits);
    const lane = BigInt(8 * (offset - reg.at));
    return fromBigInt(this.registerValue(reg.at) >> lane, bits);
  }

  write(offset: number, bits: number, value: Bits): void {
    const reg = registerAt(offset, bits / 8);
    if (reg !== undefined) {
      // Replace only the bytes written: bits lane .. lane+bits-1 of the register.
      const lane = BigInt(8 * (offset - reg.at));
      const mask = maskOf(bits) << lane;
      const next = (this.registerValue(reg.at) & ~mask) | ((toBigInt(value) << lane) & mask);
      switch (reg.at) {
        case MSIP: this.msip = Number(next & 1n); break;
        case MTIMECMP:
          this.mtimecmp = next & maskOf(64);
          this.mtimecmpLow = Number(this.mtimecmp & 0xffff_ffffn);
          this.mtimecmpHigh = Number(this.mtimecmp >> 32n);
          break;
        default: this.ctx.writeState(this.wiring.mtime, fromBigInt(next, this.wiring.mtime.width)); break;
      }
    }
    this.tick();
  }

  /** Drive MSIP and MTIP from the current msip, mtime and mtimecmp. */
  tick(): void {
    this.driveMsip(this.msip !== 0);
    if (this.wiring.mtip === null) return;
    // mtime ≥ mtimecmp, compared half by half (mtime is at most 64 bits wide).
    const { mtime } = this.wiring;
    const high = this.stateWord(mtime, 1);
    this.driveMtip(high > this.mtimecmpHigh || (high === this.mtimecmpHigh && this.stateWord(mtime, 0) >= this.mtimecmpLow));
  }

  /**
   * Steps until MTIP rises: mtimecmp − mtime while mtime < mtimecmp (mtime counts steps); one when
   * mtime has reached mtimecmp but the line is not yet driven high (mtime set directly); Infinity
   * when the line is high already or not wired.
   */
  stepsUntilInterrupt(): number {
    const line = this.wiring.mtip;
    if (line === null) return Infinity;
    const now = toBigInt(this.ctx.readState(this.wiring.mtime));
    if (now < this.mtimecmp) return Number(this.mtimecmp - now);
    const level = toBigInt(slice(line.element.width, this.ctx.readState(line.element), line.hi, line.lo));
    return level === 0n ? 1 : Infinity;
  }

  private registerValue(at: number): bigint {
    switch (at) {
      case MSIP: return BigInt(this.msip);
      case MTIMECMP: return this.mtimecmp;
      default: return toBigInt(this.ctx.readState(this.wiring.mtime));
    }
  }
}
