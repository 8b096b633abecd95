/**
 * NS16550A UART, output only — as QEMU's `virt` board has it at 0x10000000 (register shift 0,
 * one byte per register). Register map from the datasheet (National Semiconductor / TI
 * "PC16550D Universal Asynchronous Receiver/Transmitter with FIFOs", Table II, register summary):
 *
 *   offset  DLAB=0 read   DLAB=0 write   DLAB=1
 *   0       RBR           THR            DLL
 *   1       IER           IER            DLM
 *   2       IIR           FCR
 *   3       LCR (bit 7 is DLAB)
 *   4       MCR
 *   5       LSR (read only)
 *   6       MSR (read only)
 *   7       SCR
 *
 * The transmitter is always ready and infinitely fast: a THR write goes straight to the console
 * and LSR always reads THRE | TEMT. There is no input in this version: RBR reads 0, LSR.DR is 0,
 * and no interrupt is ever pending (IIR bit 0 set). Loopback (MCR bit 4) is stored but not
 * modelled. A wider access reads or writes the one register at its offset, zero-extended, as
 * QEMU's serial_mm does.
 */
import type { Bits } from '../../semantics/values.js';
import type { DeviceContext, MmioDevice } from './device.js';

/** Register offsets (datasheet names). */
const RBR_THR_DLL = 0;
const IER_DLM = 1;
const IIR_FCR = 2;
const LCR = 3;
const MCR = 4;
const LSR = 5;
const MSR = 6;
const SCR = 7;

/** LCR bit 7: Divisor Latch Access Bit — offsets 0 and 1 address DLL and DLM. */
const LCR_DLAB = 0x80;
/** LSR bit 5 THRE (transmitter holding register empty) | bit 6 TEMT (transmitter empty). */
const LSR_THRE_TEMT = 0x60;
/** IIR bit 0 set: no interrupt pending. */
const IIR_NO_INTERRUPT = 0x01;
/** IIR bits 7:6 read 11 while the FIFOs are enabled (FCR bit 0). */
const IIR_FIFOS_ENABLED = 0xc0;
const FCR_FIFO_ENABLE = 0x01;
/** IER bits 7:4 are always 0. */
const IER_MASK = 0x0f;
/** MCR bits 7:5 are always 0. */
const MCR_MASK = 0x1f;
/** MSR with no modem attached, as QEMU resets it: DCD | DSR | CTS. */
const MSR_IDLE = 0xb0;

export class Ns16550a implements MmioDevice {
  readonly name = 'ns16550a';
  /** Eight byte-wide registers. */
  readonly size = 8;
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  private fcr = 0;

  /** @param base physical address of register 0 */
  constructor(
    readonly base: number,
    private readonly ctx: DeviceContext,
  ) {}

  read(offset: number, bits: number): Bits {
    const value = this.readRegister(offset);
    return bits <= 32 ? value : BigInt(value);
  }

  write(offset: number, _bits: number, value: Bits): void {
    const byte = typeof value === 'number' ? value & 0xff : Number(value & 0xffn);
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case RBR_THR_DLL:
        if (dlab) this.dll = byte;
        else this.ctx.console(byte);
        return;
      case IER_DLM:
        if (dlab) this.dlm = byte;
        else this.ier = byte & IER_MASK;
        return;
      case IIR_FCR: this.fcr = byte; return; // FIFO reset bits are accepted; the FIFOs are always empty.
      case LCR: this.lcr = byte; return;
      case MCR: this.mcr = byte & MCR_MASK; return;
      case SCR: this.scr = byte; return;
      default: return; // LSR and MSR are read only.
    }
  }

  private readRegister(offset: number): number {
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case RBR_THR_DLL: return dlab ? this.dll : 0; // no received data
      case IER_DLM: return dlab ? this.dlm : this.ier;
      case IIR_FCR: return IIR_NO_INTERRUPT | ((this.fcr & FCR_FIFO_ENABLE) !== 0 ? IIR_FIFOS_ENABLED : 0);
      case LCR: return this.lcr;
      case MCR: return this.mcr;
      case LSR: return LSR_THRE_TEMT; // DR (bit 0) clear: nothing received
      case MSR: return MSR_IDLE;
      case SCR: return this.scr;
      default: return 0;
    }
  }
}
