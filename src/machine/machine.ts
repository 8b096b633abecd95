/**
 * The ISA executed bare (DESIGN.md §2): state, memory, devices, and `step()`, which returns what
 * happened as a value — retired, trap (cause), or halt. A guest never makes the host throw: its
 * faults become the ISA's traps, its loops are bounded by the caller's step budget.
 *
 * One step: take a pending interrupt (the ISA's `interrupts` body), else fetch through the ISA's
 * translation, decode, and run the instruction's semantics; a trap runs the ISA's trap entry.
 */
import type { Cause, Isa, StateElement } from '../isa/model.js';
import { createDecoder, type Decoded, type Decoder, type StreamDecoded } from '../isa/decoder.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import type { Body } from '../semantics/ir.js';
import { CompiledSemantics, type Executor } from '../semantics/compiler.js';
import { Interpreter, Status, type StateStore } from '../semantics/interpreter.js';
import type { TranslationCache } from '../semantics/translation-cache.js';
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
  /**
   * How semantics run: compiled to closures (the default), or by the tree-walking reference
   * interpreter, which the compiled form is tested against.
   */
  readonly engine?: 'compiled' | 'reference';
  /**
   * The RAM to use instead of a fresh one for the board (a VMM's virtual machine gets a window
   * onto the guest's allocation of real storage).
   */
  readonly ram?: Ram;
  /**
   * Return a trap from `step()` without delivering it: no trap entry runs and the state stays as
   * it was before the trapping instruction (pc at it). A VMM's real machine exits to the VMM so.
   */
  readonly exitOnTrap?: boolean;
  /**
   * Keep successful translations in this cache (a TLB) instead of walking `translate` on every
   * access; the owner flushes it whenever it changes what translation depends on. A VMM's real
   * machine only: the bare machine walks every time.
   */
  readonly translations?: TranslationCache;
}

/** Runs one body on the machine's state with the given frame; the body's status at the end. */
type Runner = (frame: Bits[]) => Status;

/** Is this host little-endian (a BigUint64Array element's low 32 bits come first)? */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The wide state as 32-bit words, element i's low half at 2i and high half at 2i + 1; null on a
 * big-endian host, where the halves are the other way round.
 */
function wideWords(state: StateStore): Uint32Array | null {
  return LITTLE_ENDIAN_HOST ? new Uint32Array(state.wide.buffer, state.wide.byteOffset, state.wide.length * 2) : null;
}

/** `DeviceContext.readStateWord`: a 32-bit word of a scalar element without making a bigint. */
function stateWordReader(state: StateStore, words: Uint32Array | null): (element: StateElement, word: number) => number {
  return (element, word) => {
    if (!element.wide) return word === 0 ? state.narrow[element.slot]! : 0;
    if (words !== null) return word > 1 ? 0 : words[2 * element.slot + word]!;
    return Number((state.wide[element.slot]! >> BigInt(32 * word)) & 0xffff_ffffn);
  };
}

/**
 * Advance element 0 of every `tick: step` element by one, modulo 2^width. A wide counter is
 * counted in its two 32-bit halves, in place, so that a step makes no bigint.
 */
function counterTicker(elements: readonly StateElement[], state: StateStore, words: Uint32Array | null): () => void {
  const one = elements.map((e): (() => void) => {
    const slot = e.slot;
    if (!e.wide) {
      const mask = e.width === 32 ? 0xffffffff : 2 ** e.width - 1;
      return () => { state.narrow[slot] = (state.narrow[slot]! + 1) & mask; };
    }
    if (words === null) return () => { state.wide[slot] = BigInt.asUintN(e.width, state.wide[slot]! + 1n); };
    const lo = 2 * slot;
    const hi = lo + 1;
    const hiMask = e.width === 64 ? 0xffffffff : 2 ** (e.width - 32) - 1;
    return () => {
      const low = words[lo]! + 1;
      if (low <= 0xffffffff) {
        words[lo] = low;
      } else {
        words[lo] = 0;
        words[hi] = (words[hi]! + 1) & hiMask;
      }
    };
  });
  return () => { for (let i = 0; i < one.length; i++) one[i]!(); };
}

export class Machine {
  readonly isa: Isa;
  readonly state: StateStore;
  readonly interp: Interpreter;
  /** Runs the semantics against `interp`'s state: `interp` itself, or its compiled form. */
  readonly executor: Executor;
  readonly ram: Ram;
  readonly bus: Bus;
  readonly devices: readonly MmioDevice[];
  /** Steps taken since reset. */
  steps = 0;
  /**
   * The cause of the last step's trap when its delivery failed (the trap entry itself trapped or
   * halted, and the step returned a halt with code −1); null otherwise.
   */
  undelivered: Cause | null = null;
  /** Set by a device (finisher, HTIF) when the guest asks to stop; taken at the end of the step. */
  private haltRequest: number | null = null;
  private readonly decode: (word: Bits) => Decoded | null;
  /** Variable-length instructions: decoded parcel by parcel (null for fixed-length ISAs). */
  private readonly decodeStream: Decoder['decodeStream'] | null;
  private readonly exitOnTrap: boolean;
  private readonly tickCounters: () => void;
  private readonly frame: Bits[];
  private readonly prepare: (body: Body) => Runner;
  /** The runner of each instruction (by index in `isa.instructions`), made on first use. */
  private readonly runners: (Runner | undefined)[];
  private readonly interrupts: Runner | null;
  private readonly trapEntry: Runner;
  /** The pc of the next instruction in sequence. */
  private readonly advance: (pc: Bits) => Bits;
  private readonly readPc: () => Bits;
  private readonly writePc: (pc: Bits) => void;

  constructor(readonly checked: CheckedIsa, options: MachineOptions = {}) {
    const isa = checked.isa;
    this.isa = isa;
    this.state = { narrow: new Uint32Array(isa.narrowSlots), wide: new BigUint64Array(isa.wideSlots) };
    const board = isa.board ?? { ram: { base: 0, size: 1 << 16 }, devices: [], htif: false };
    this.ram = options.ram ?? new Ram(board.ram.base, board.ram.size, isa.unit, isa.endian);
    this.exitOnTrap = options.exitOnTrap ?? false;
    this.bus = new Bus(this.ram, []);
    const interp = new Interpreter(checked, this.state, this.bus);
    this.interp = interp;
    if (options.engine === 'reference') {
      this.executor = interp;
      this.prepare = (body) => (frame) => interp.run(body, frame);
    } else {
      const compiled = new CompiledSemantics(interp, options.translations ?? null);
      this.executor = compiled;
      this.prepare = (body) => compiled.runner(body);
    }
    const words = wideWords(this.state);
    const ctx: DeviceContext = {
      console: options.console ?? (() => {}),
      halt: (code) => { this.haltRequest = code; },
      readState: (elem, index) => this.interp.readReg(elem, index),
      writeState: (elem, value) => this.interp.writeReg(elem, value),
      readStateWord: stateWordReader(this.state, words),
    };
    this.devices = board.devices.map((d) => createDevice(d, isa, ctx));
    for (const d of this.devices) this.bus.addDevice(d);
    const decoder = createDecoder(isa);
    this.decode = decoder.decode;
    this.decodeStream = isa.maxInstructionWidth > isa.instructionWidth ? decoder.decodeStream : null;
    this.tickCounters = counterTicker([...isa.state.values()].filter((e) => e.tick), this.state, words);
    this.frame = new Array<Bits>(Math.max(1, ...checked.instructions.map((b) => b.frameSize), checked.interrupts?.frameSize ?? 0));
    this.runners = new Array<Runner | undefined>(checked.instructions.length);
    this.interrupts = checked.interrupts === null ? null : this.prepare(checked.interrupts);
    this.trapEntry = this.prepare(checked.trapEntry);
    const units = isa.instructionWidth / isa.unit;
    const step: Bits = isa.pc.wide ? BigInt(units) : units;
    const aw = isa.addressWidth;
    this.advance = (pc) => V.add(aw, pc, step);
    const { narrow, wide } = this.state;
    const pcSlot = isa.pc.slot;
    this.readPc = isa.pc.wide ? () => wide[pcSlot]! : () => narrow[pcSlot]!;
    this.writePc = isa.pc.wide ? (pc) => { wide[pcSlot] = V.toBigInt(pc); } : (pc) => { narrow[pcSlot] = V.toNumber(pc); };
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

  /**
   * Let `n` steps pass without running any: every `tick: step` counter advances by `n` and the
   * devices take one tick (a VMM credits a guest's virtual machine with the steps it ran directly).
   */
  advanceTime(n: number): void {
    for (const e of this.isa.state.values()) {
      if (e.tick) this.interp.writeReg(e, V.add(e.width, this.interp.readReg(e), e.wide ? BigInt(n) : n));
    }
    this.bus.tick();
  }

  /**
   * Steps this machine can take before one of its devices raises an interrupt line of its own
   * accord as time passes (the CLINT's timer, when mtime reaches mtimecmp); Infinity when none
   * will. A VMM ends a guest's direct run there, so that the guest's virtual interrupt is taken
   * at the step where the bare machine takes it.
   */
  stepsUntilDeviceEvent(): number {
    let steps = Infinity;
    for (const d of this.devices) if (d.stepsUntilInterrupt !== undefined) steps = Math.min(steps, d.stepsUntilInterrupt());
    return steps;
  }

  step(): StepResult {
    this.undelivered = null;
    const result = this.execute();
    this.steps++;
    this.tickCounters();
    this.bus.tick();
    if (this.haltRequest !== null && result.kind !== 'halt') return { kind: 'halt', code: this.haltRequest };
    return result;
  }

  private execute(): StepResult {
    const interp = this.interp;
    const pc = this.readPc();
    if (this.interrupts !== null) {
      const st = this.interrupts(this.frame);
      if (st === Status.Trap) return this.enterTrap(pc);
      if (st === Status.Halt) return { kind: 'halt', code: interp.haltCode };
    }
    interp.begin();
    let decoded: Decoded;
    if (this.decodeStream !== null) {
      const found = this.fetchStream(pc);
      if (found === null) return this.enterTrap(pc);
      decoded = found.decoded;
      interp.instruction = V.fromBigInt(found.word, found.width);
      interp.nextPc = V.add(this.isa.addressWidth, pc, this.unitsOf(found.width / this.isa.unit));
    } else {
      const pa = this.executor.translate(pc, 'fetch');
      if (interp.status === Status.Trap) return this.enterTrap(pc);
      const word = this.bus.read(pa, this.isa.instructionWidth, 'fetch');
      if (word === null) {
        interp.raise(this.isa.accessFault.fetch, pc);
        return this.enterTrap(pc);
      }
      const found = this.decode(word);
      interp.instruction = word;
      if (found === null) {
        interp.raise(this.isa.illegalInstruction, V.fromBigInt(V.toBigInt(word), this.isa.addressWidth));
        return this.enterTrap(pc);
      }
      decoded = found;
      interp.nextPc = this.advance(pc);
    }
    const frame = this.frame;
    const fields = decoded.fields;
    for (let i = 0; i < fields.length; i++) frame[i] = fields[i]!;
    const run = this.runners[decoded.index] ?? this.prepareInstruction(decoded.index);
    const st = run(frame);
    if (st === Status.Running) {
      this.writePc(interp.nextPc);
      return RETIRED;
    }
    if (st === Status.Halt) return { kind: 'halt', code: interp.haltCode };
    return this.enterTrap(pc);
  }

  /** `n` memory units as a pc increment. */
  private unitsOf(n: number): Bits {
    return this.isa.pc.wide ? BigInt(n) : n;
  }

  /**
   * Fetch and decode a variable-length instruction at `pc`, parcel by parcel through the
   * translation; null with the trap pending when a parcel faults or no instruction matches
   * (illegal instruction, its trap value the first parcel).
   */
  private fetchStream(pc: Bits): StreamDecoded | null {
    const interp = this.interp;
    const isa = this.isa;
    const parcelUnits = isa.instructionWidth / isa.unit;
    let first: bigint = 0n;
    const read = (i: number): bigint | null => {
      const va = V.add(isa.addressWidth, pc, this.unitsOf(i * parcelUnits));
      const pa = this.executor.translate(va, 'fetch');
      if (interp.status === Status.Trap) return null;
      const parcel = this.bus.read(pa, isa.instructionWidth, 'fetch');
      if (parcel === null) {
        interp.raise(isa.accessFault.fetch, va);
        return null;
      }
      if (i === 0) first = V.toBigInt(parcel);
      return V.toBigInt(parcel);
    };
    const found = this.decodeStream!(read);
    if (found === 'fault') return null;
    if (found === null) {
      interp.instruction = 0;
      interp.raise(isa.illegalInstruction, V.fromBigInt(first, isa.addressWidth));
      return null;
    }
    return found;
  }

  private prepareInstruction(index: number): Runner {
    const run = this.prepare(this.checked.instructions[index]!);
    this.runners[index] = run;
    return run;
  }

  /** Deliver the pending trap through the ISA's trap-entry semantics; `pc` is the trapping pc. */
  private enterTrap(pc: Bits): StepResult {
    const interp = this.interp;
    const { cause, tval } = interp.trap;
    if (this.exitOnTrap) return { kind: 'trap', cause, tval, pc };
    const w = this.isa.addressWidth;
    interp.nextPc = pc;
    interp.instruction = 0;
    const st = this.trapEntry([V.fromBigInt(BigInt(cause.code), w), cause.interrupt ? 1 : 0, tval]);
    if (st !== Status.Running) {
      // A trap inside trap entry (e.g. a fault storing the old PSW) has no further handler.
      this.undelivered = cause;
      return { kind: 'halt', code: -1 };
    }
    this.pc = interp.nextPc;
    return { kind: 'trap', cause, tval, pc };
  }
}
