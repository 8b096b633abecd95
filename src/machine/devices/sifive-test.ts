/**
 * QEMU's SiFive test finisher (hw/misc/sifive_test.c), at 0x100000 on the `virt` board: a write
 * to offset 0 ends the run. Its low 16 bits select the action, bits 31:16 carry a code:
 *
 *   value                    action
 *   0x5555                   pass: halt(0)          (FINISHER_PASS, qemu exits 0)
 *   (code << 16) | 0x3333    fail: halt(code)       (FINISHER_FAIL, qemu exits `code`)
 *   0x7777                   reset: halt(0)         (FINISHER_RESET; we stop instead of rebooting)
 *
 * Any other value, and writes at other offsets, are ignored; every read returns 0.
 */
import type { Bits } from '../../semantics/values.js';
import { fromBigInt } from '../../semantics/values.js';
import type { DeviceContext, MmioDevice } from './device.js';

const FINISHER_FAIL = 0x3333;
const FINISHER_PASS = 0x5555;
const FINISHER_RESET = 0x7777;

export class SifiveTest implements MmioDevice {
  readonly name = 'sifive-test';
  /** The 4 KiB window of QEMU's virt board. */
  readonly size = 0x1000;

  /** @param base physical address of the finisher register */
  constructor(
    readonly base: number,
    private readonly ctx: DeviceContext,
  ) {}

  read(_offset: number, bits: number): Bits {
    return fromBigInt(0n, bits);
  }

  write(offset: number, _bits: number, value: Bits): void {
    if (offset !== 0) return;
    const word = typeof value === 'number' ? value : Number(value & 0xffffffffn);
    const status = word & 0xffff;
    const code = word >>> 16;
    switch (status) {
      case FINISHER_PASS: this.ctx.halt(0); return;
      case FINISHER_FAIL: this.ctx.halt(code); return;
      case FINISHER_RESET: this.ctx.halt(0); return;
      default: return;
    }
  }
}
