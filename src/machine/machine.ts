/**
 * The ISA executed bare (DESIGN.md §2): state, memory, devices, and `step()`, which returns what
 * happened as a value — retired, trap (cause), or halt. A guest never makes the host throw: its
 * faults become the ISA's traps, its loops are bounded by the caller's step budget.
 *
 * One step: take a pending interrupt (the ISA's `interrupts` body), else fetch through the ISA's
 * translation, decode, and run the instruction's semantics; a trap runs the ISA's trap entry.
 */
import type { Cause, Isa, StateElement } from '../isa/model.js';
import { createDecoder, type Decoded } from '../isa/decoder.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import { Interpreter, Status, type StateStore } from '../semantics/interpreter.js';
import * as V from '../semantics/values.js';
import type { Bits } from '../semantics/values.js';
import { Bus } from './bus.js';
import type { DeviceContext, MmioDevice } from './devices/device.js';
import { createDevice } from './devices/registry.js';
import { Ram } from './memory.js';

export type StepResult =
  | { readonly kind: 'retired' }
  | { readonly kind: 'trap'; readonly cause: Cause; readonly tval: Bits; readonly pc: Bits }
  | { readonly kind: 'halt'; readonly code: number };

const RETIRED: StepResult = { kind: 'retired' };

export interface MachineOptions {
  /** Receives every byte a console device emits. */
  readonly console?: (byte: number) => void;
}

export class Machine {
  readonly isa: Isa;
  readonly state: StateStore;
  readonly interp: Interpreter;
  readonly ram: Ram;
  readonly bus: Bus;
  readonly devices: readonly MmioDevice[];
  /** Steps taken since reset. */
  steps = 0;
  /** Set by a device (finisher, HTIF) when the guest asks to stop; taken at the end of the step. */
  private haltRequest: number | null = null;
  private readonly decode: (word: Bits) => Decoded | null;
  private readonly ticking: readonly StateElement[];
  private readonly frame: Bits[];
  private readonly pcUnits: number;

  constructor(readonly checked: CheckedIsa, options: MachineOptions = {}) {
    const isa = checked.isa;
    this.isa = isa;
    this.state = { narrow: new Uint32Array(isa.narrowSlots), wide: new BigUint64Array(isa.wideSlots) };
    const board = isa.board ?? { ram: { base: 0, size: 1 << 16 }, devices: [], htif: false };
    this.ram = new Ram(board.ram.base, board.ram.size, isa.unit, isa.endian);
    this.bus = new Bus(this.ram, []);
    this.interp = new Interpreter(checked, this.state, this.bus);
    const ctx: DeviceContext = {
      console: options.console ?? (() => {}),
      halt: (code) => { this.haltRequest = code; },
      readState: (elem, index) => this.interp.readReg(elem, index),
      writeState: (elem, value) => this.interp.writeReg(elem, value),
    };
    this.devices = board.devices.map((d) => createDevice(d, isa, ctx));
    for (const d of this.devices) this.bus.addDevice(d);
    this.decode = createDecoder(isa).decode;
    this.ticking = [...isa.state.values()].filter((e) => e.tick);
    this.frame = new Array<Bits>(Math.max(1, ...checked.instructions.map((b) => b.frameSize)));
    this.pcUnits = isa.instructionWidth / isa.unit;
    this.reset();
  }

  /** Every state element to its reset value; memory is left alone. */
  reset(): void {
    for (const e of this.isa.state.values()) {
      for (let i = 0; i < e.count; i++) this.interp.writeReg(e, V.fromBigInt(e.reset, e.width), i);
    }
    this.steps = 0;
    this.haltRequest = null;
  }

  get pc(): Bits {
    return this.interp.readReg(this.isa.pc);
  }

  set pc(value: Bits) {
    this.interp.writeReg(this.isa.pc, value);
  }

  /** Make a store to physical address `pa` end the run (HTIF `tohost`, riscv-tests convention). */
  watchToHost(pa: number): void {
    this.bus.watchToHost(pa, (value) => {
      // tohost = 1: pass; (n << 1) | 1: fail with code n; an even value is a syscall we do not serve.
      this.haltRequest = value === 1n ? 0 : (value & 1n) === 1n ? Number(value >> 1n) : -1;
    });
  }

  step(): StepResult {
    const result = this.execute();
    this.steps++;
    for (const e of this.ticking) this.interp.writeReg(e, V.add(e.width, this.interp.readReg(e), e.wide ? 1n : 1));
    for (const d of this.devices) d.tick?.();
    if (this.haltRequest !== null && result.kind !== 'halt') return { kind: 'halt', code: this.haltRequest };
    return result;
  }

  private execute(): StepResult {
    const interp = this.interp;
    const pc = this.pc;
    if (this.checked.interrupts !== null) {
      const st = interp.run(this.checked.interrupts, this.frame);
      if (st === Status.Trap) return this.enterTrap(pc);
      if (st === Status.Halt) return { kind: 'halt', code: interp.haltCode };
    }
    interp.begin();
    const pa = interp.translate(pc, 'fetch');
    if (interp.status === Status.Trap) return this.enterTrap(pc);
    const word = this.bus.read(pa, this.isa.instructionWidth, 'fetch');
    if (word === null) {
      interp.raise(this.isa.accessFault.fetch, pc);
      return this.enterTrap(pc);
    }
    const decoded = this.decode(word);
    interp.instruction = word;
    if (decoded === null) {
      interp.raise(this.isa.illegalInstruction, V.fromBigInt(V.toBigInt(word), this.isa.addressWidth));
      return this.enterTrap(pc);
    }
    const frame = this.frame;
    for (let i = 0; i < decoded.fields.length; i++) frame[i] = decoded.fields[i]!;
    interp.nextPc = V.add(this.isa.addressWidth, pc, this.isa.pc.wide ? BigInt(this.pcUnits) : this.pcUnits);
    const st = interp.run(this.checked.instructions[decoded.index]!, frame);
    if (st === Status.Running) {
      this.pc = interp.nextPc;
      return RETIRED;
    }
    if (st === Status.Halt) return { kind: 'halt', code: interp.haltCode };
    return this.enterTrap(pc);
  }

  /** Deliver the pending trap through the ISA's trap-entry semantics; `pc` is the trapping pc. */
  private enterTrap(pc: Bits): StepResult {
    const interp = this.interp;
    const { cause, tval } = interp.trap;
    const w = this.isa.addressWidth;
    interp.nextPc = pc;
    interp.instruction = 0;
    const st = interp.run(this.checked.trapEntry, [V.fromBigInt(BigInt(cause.code), w), cause.interrupt ? 1 : 0, tval]);
    if (st !== Status.Running) {
      // A trap inside trap entry (e.g. a fault storing the old PSW) has no further handler.
      return { kind: 'halt', code: -1 };
    }
    this.pc = interp.nextPc;
    return { kind: 'trap', cause, tval, pc };
  }
}
