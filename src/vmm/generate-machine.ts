/**
 * The generated module's virtual machine (generate.ts): the decode table, cut from the encodings,
 * and the `VirtualMachine` class — the guest's full state over its guest-physical bus, whose
 * `step()` is one step of the bare machine (src/machine/machine.ts `step`) made of the emitted
 * routines, translation, trap entry and interrupt check.
 */
import type { EncodingField, StateElement } from '../isa/model.js';
import { numberLiteral, bigintLiteral, propertyKey } from '../semantics/emit-text.js';
import * as V from '../semantics/values.js';
import { interruptInputs } from './virtual-interrupts.js';
import { stateAt, translateCall, valueLiteral, type ModuleFacts } from './generate-facts.js';

/** Hexadecimal, zero-padded to the word's width. */
function hexWord(v: bigint, width: number, big: boolean): string {
  return `0x${v.toString(16).padStart(Math.ceil(width / 4), '0')}${big ? 'n' : ''}`;
}

/** A field's value cut from the word `w` (pieces at their bit positions), in the field's representation. */
function fieldText(field: EncodingField, wordWidth: number, wideWord: boolean): string {
  if (!wideWord) {
    const terms = field.pieces.map((p) => {
      const pw = p.hi - p.lo + 1;
      const shifted = p.at === 0 ? 'w' : `(w >>> ${p.at})`;
      // The top bits of the word need no mask once shifted down.
      const piece = p.at + pw === wordWidth ? shifted : `${shifted} & ${numberLiteral(2 ** pw - 1)}`;
      return p.lo === 0 ? piece : `((${piece}) << ${p.lo})`;
    });
    if (terms.length === 1) return terms[0]!.startsWith('((') ? terms[0]!.slice(1, -1) : terms[0]!;
    return `(${terms.join(' | ')})${field.width === 32 ? ' >>> 0' : ''}`;
  }
  const terms = field.pieces.map((p) => {
    const pw = p.hi - p.lo + 1;
    const piece = `((w >> ${p.at}n) & ${bigintLiteral(V.maskOf(pw))})`;
    return p.lo === 0 ? piece : `(${piece} << ${p.lo}n)`;
  });
  const big = terms.length === 1 ? terms[0]! : `(${terms.join(' | ')})`;
  return field.width > V.NARROW ? big : `Number(${big})`;
}

/** The decode table and its lookup, as module text. */
export function decodeTableText(facts: ModuleFacts): string {
  const { isa, emitter } = facts;
  const wide = facts.word === 'bigint';
  const width = isa.instructionWidth;
  const type = wide ? 'bigint' : 'number';
  const nameWidth = Math.max(...isa.instructions.map((i) => i.name.length)) + 2;
  const rows = isa.instructions.map((instruction, index) => {
    const { mask, match, fields } = instruction.encoding;
    const args = ['vm', ...fields.map((f) => fieldText(f, width, wide))].join(', ');
    const name = `'${instruction.name}',`.padEnd(nameWidth + 1);
    return `  { name: ${name} mask: ${hexWord(mask, width, wide)}, match: ${hexWord(match, width, wide)}, run: (vm${fields.length === 0 ? '' : ', w'}) => ${emitter.routineIds[index]}(${args}) }, // ${instruction.encoding.text}`;
  });
  const masked = wide ? '(word & r.mask) === r.match' : '((word & r.mask) >>> 0) === r.match';
  return `/** One row of the decode table: an instruction's fixed bits, and its routine with the fields cut from the word. */
export interface DecodeRow {
  readonly name: string;
  readonly mask: ${type};
  readonly match: ${type};
  readonly run: (vm: VirtualMachine, w: ${type}) => Status;
}

/** The decode table, from the encodings: a word matches at most one row (encodings never overlap). */
export const DECODE: readonly DecodeRow[] = [
${rows.join('\n')}
];

const decoded = new Map<${type}, DecodeRow | null>();

/** The row \`word\` matches, or null (an illegal instruction); memoised per word, up to 65536 words. */
export function decode(word: ${type}): DecodeRow | null {
  let row = decoded.get(word);
  if (row === undefined) {
    row = DECODE.find((r) => ${masked}) ?? null;
    if (decoded.size >= 65536) decoded.clear();
    decoded.set(word, row);
  }
  return row;
}`;
}

/** `elem[i] = reset` for every element whose reset value is not zero. */
function resetLines(facts: ModuleFacts): string[] {
  const lines: string[] = [];
  for (const e of facts.isa.state.values()) {
    const v = V.fromBigInt(e.reset, e.width);
    if (!V.truthy(v)) continue;
    const lit = valueLiteral(e.reset, e.width);
    if (!e.isFile) {
      const mode = e === facts.isa.mode ? facts.isa.modes.find((m) => BigInt(m.value) === e.reset) : undefined;
      lines.push(`${stateAt('s', e)} = ${lit}${mode === undefined ? '' : ` /* ${mode.name} */`};`);
      continue;
    }
    lines.push(`s.${e.wide ? 'wide' : 'narrow'}.fill(${lit}, ${e.slot}, ${e.slot + e.count}); // ${e.name}`);
    for (const z of e.zero) lines.push(`${stateAt('s', e, z)} = ${e.wide ? '0n' : '0'}; // hard-wired to zero`);
  }
  return lines;
}

/** `elem = elem + n`, modulo 2^width, for every `tick: step` counter (`n` a number). */
function tickLines(facts: ModuleFacts, n: string): string[] {
  return [...facts.isa.state.values()].filter((e) => e.tick).map((e) => {
    const at = stateAt('s', e);
    if (e.wide) return `${at} = BigInt.asUintN(${e.width}, ${at} + ${n === '1' ? '1n' : `BigInt(${n})`});`;
    return e.width === 32 ? `${at} = (${at} + ${n}) >>> 0;` : `${at} = (${at} + ${n}) & ${numberLiteral(2 ** e.width - 1)};`;
  });
}

/** Lines at an indentation, each ending in a newline (none at all for no lines). */
function indent(lines: readonly string[], depth: number): string {
  return lines.map((l) => `${l === '' ? '' : '  '.repeat(depth) + l}\n`).join('');
}

/** The VirtualMachine class, as module text. */
export function virtualMachineText(facts: ModuleFacts): string {
  const { isa, emitter } = facts;
  const pc: StateElement = isa.pc;
  const aw = isa.addressWidth;
  const big = facts.address === 'bigint';
  const zero = big ? '0n' : '0';
  const units = isa.instructionWidth / isa.unit;
  const pcAt = stateAt('s', pc);
  const advance = big ? `BigInt.asUintN(${aw}, pc + ${units}n)` : aw === 32 ? `(pc + ${units}) >>> 0` : `(pc + ${units}) & ${numberLiteral(2 ** aw - 1)}`;
  const wordValue = facts.word === 'bigint' ? "typeof word === 'bigint' ? word : BigInt(word)" : "typeof word === 'number' ? word : Number(word)";
  // The illegal instruction's trap value: the word, as an address-width value.
  const illegalTval = facts.word === 'bigint'
    ? (big ? `BigInt.asUintN(${aw}, w)` : `Number(BigInt.asUintN(${aw}, w))`)
    : big ? 'BigInt(w)' : aw >= 32 ? 'w' : `w & ${numberLiteral(2 ** aw - 1)}`;
  const addressValue = big ? `BigInt.asUintN(${aw}, BigInt(pa))` : `pa % ${numberLiteral(2 ** aw)}`;
  const interrupts = emitter.interruptsId === null ? [] : [
    `const irq = ${emitter.interruptsId}(this);`,
    "if (irq === 'trap') return this.enterTrap(pc);",
    "if (irq === 'halt') return 'halt';",
    "this.status = 'running';",
  ];
  const codeArg = big ? 'BigInt(cause.code)' : 'cause.code';
  const ticks = tickLines(facts, '1');
  const advanceTicks = tickLines(facts, 'n');
  const resets = resetLines(facts);
  const illegal = emitter.cause(isa.illegalInstruction);
  const firstCause = emitter.cause([...isa.causes.values()][0]!);
  return `/**
 * The guest's virtual machine: the ISA's full state — virtual mode, control and relocation
 * registers, timing counters — over its guest-physical bus (its allocation of real storage, and
 * its own virtual devices). \`step()\` is one step of the bare machine on that state, made of the
 * routines below: a pending interrupt, else fetch through the guest's translation, decode, and
 * the instruction's routine; a trap runs the trap entry on the virtual state.
 */
export class VirtualMachine {
  /** The state: elements of at most 32 bits in \`narrow\`, wider ones in \`wide\`, at the slots named where they are used. */
  readonly s: StateStore = { narrow: new Uint32Array(${isa.narrowSlots}), wide: new BigUint64Array(${isa.wideSlots}) };
  readonly bus: Bus;
  readonly devices: readonly MmioDevice[];
  /** The same state and bus as the composers read them (no semantics runs through it). */
  readonly view: Interpreter;
  status: Status = 'running';
  /** The last trap: its cause and trap value. */
  cause: Cause = ${firstCause};
  tval: Address = ${zero};
  /** The pc of the instruction (or interrupted step) that trapped last. */
  trapPc: Address = ${zero};
  /** Set when a step halts. */
  haltCode = 0;
  /** The cause of the last step's trap when its delivery failed (the step halted with code −1), else null. */
  undelivered: Cause | null = null;
  /** The pc the instruction being executed continues at (its \`pc = ...\` sets it). */
  nextPc: Address = ${zero};
  /** The word of the instruction being executed (0 outside an instruction). */
  instruction: Word = ${facts.word === 'bigint' ? '0n' : '0'};
  /** Steps taken since reset. */
  steps = 0;
  /** Set by a device (a finisher) when the guest asks to stop; taken at the end of the step. */
  private haltRequest: number | null = null;

  /**
   * @param checked the description this module was generated from (its board's devices)
   * @param ram the guest's storage: a window onto its allocation of real storage
   * @param console receives every byte the guest's console device writes
   */
  constructor(checked: CheckedIsa, ram: Ram, console: (byte: number) => void = () => {}) {
    this.bus = new Bus(ram);
    this.view = new Interpreter(checked, this.s, this.bus);
    const ctx: DeviceContext = {
      console,
      halt: (code) => { this.haltRequest = code; },
      readState: (element, index) => this.view.readReg(element, index),
      writeState: (element, value) => this.view.writeReg(element, value),
    };
    this.devices = (checked.isa.board?.devices ?? []).map((d) => createDevice(d, checked.isa, ctx));
    for (const d of this.devices) this.bus.addDevice(d);
    this.reset();
  }

  /** Every state element to its reset value; storage is left alone. */
  reset(): void {
    const s = this.s;
    s.narrow.fill(0);
    s.wide.fill(0n);
${indent(resets.map((l) => l), 2)}    this.steps = 0;
    this.haltRequest = null;
  }

  get pc(): Address {
    return this.s.${pc.wide ? 'wide' : 'narrow'}[${pc.slot} /* pc */];
  }

  set pc(value: Address) {
    this.s.${pc.wide ? 'wide' : 'narrow'}[${pc.slot} /* pc */] = value;
  }

  /** One step; its status, with the halt code in \`haltCode\` and a trap's cause and value in \`cause\`, \`tval\`. */
  step(): Status {
    this.undelivered = null;
    const st = this.execute();
    this.steps++;
${indent(ticks.length === 0 ? [] : ['const s = this.s;', ...ticks], 2)}    this.bus.tick();
    if (this.haltRequest !== null && st !== 'halt') return this.halt(this.haltRequest);
    return st;
  }

  /**
   * Let \`n\` steps pass without running any: every \`tick: step\` counter advances by \`n\` and the
   * devices take one tick (the guest ran \`n\` steps directly on the real machine).
   */
  advanceTime(n: number): void {
${indent(advanceTicks.length === 0 ? ['void n;'] : ['const s = this.s;', ...advanceTicks], 2)}    this.bus.tick();
  }

  /** Steps until a device raises an interrupt line of its own accord (a timer's deadline); Infinity when none will. */
  stepsUntilDeviceEvent(): number {
    let steps = Infinity;
    for (const d of this.devices) if (d.stepsUntilInterrupt !== undefined) steps = Math.min(steps, d.stepsUntilInterrupt());
    return steps;
  }

  /**
   * Would the machine take an interrupt (or stop) before its next instruction? Asked outside a
   * step only when the interrupt check writes no state or storage and never halts (then asking
   * leaves the machine as it was); otherwise never, as if the ISA had no interrupts.
   */
  interruptPending(): boolean {
${indent(emitter.interruptsId === null || !interruptInputs(facts.checked).pure ? [`return false; // ${emitter.interruptsId === null ? 'no interrupts' : 'the interrupt check has effects'}`] : [
    "this.status = 'running';",
    `const st = ${emitter.interruptsId}(this);`,
    "this.status = 'running';",
    "return st !== 'running';",
  ], 2)}  }

  private execute(): Status {
    const s = this.s;
    const pc = ${pcAt};
    this.status = 'running';
${indent(interrupts, 2)}    const pa = ${translateCall(facts, 'this', 'pc', 'fetch')};
    if (this.status !== 'running') return this.enterTrap(pc);
    const word = this.bus.read(pa, ${isa.instructionWidth}, 'fetch');
    if (word === null) {
      this.trap(ACCESS_FAULT.fetch, pc);
      return this.enterTrap(pc);
    }
    const w = ${wordValue};
    this.instruction = w;
    const row = decode(w);
    if (row === null) {
      this.trap(${illegal}, ${illegalTval});
      return this.enterTrap(pc);
    }
    // The next instruction in sequence, ${units} unit${units === 1 ? '' : 's'} on.
    this.nextPc = ${advance};
    const st = row.run(this, w);
    if (st === 'running') {
      ${pcAt} = this.nextPc;
      return 'running';
    }
    if (st === 'halt') return 'halt';
    return this.enterTrap(pc);
  }

  /** Deliver the pending trap through the trap entry; \`pc\` is the trapping instruction's. */
  private enterTrap(pc: Address): Status {
    const { cause, tval } = this;
    this.nextPc = pc;
    this.instruction = ${facts.word === 'bigint' ? '0n' : '0'};
    this.status = 'running';
    if (${emitter.trapEntryId}(this, ${codeArg}, cause.interrupt ? 1 : 0, tval) !== 'running') {
      // A trap inside trap entry (a fault storing the old state) has no further handler.
      this.undelivered = cause;
      this.haltCode = -1;
      this.status = 'halt';
      return 'halt';
    }
    this.s.${pc.wide ? 'wide' : 'narrow'}[${pc.slot} /* pc */] = this.nextPc;
    this.trapPc = pc;
    this.cause = cause;
    this.tval = tval;
    this.status = 'trap';
    return 'trap';
  }

  /** Raise \`cause\` with trap value \`tval\`: the status is \`'trap'\` until the trap entry runs. */
  trap(cause: Cause, tval: Address): 'trap' {
    this.cause = cause;
    this.tval = tval;
    this.status = 'trap';
    return 'trap';
  }

  /** Stop the machine with exit code \`code\`. */
  halt(code: number): 'halt' {
    this.haltCode = code;
    this.status = 'halt';
    return 'halt';
  }

  /** \`load(va, bits)\`, at most 32 bits: the guest's translation (access load), then its bus; a refused read is the load access fault. */
  loadNumber(va: Address, bits: number): number {
    const v = this.load(va, bits);
    return v === null ? 0 : typeof v === 'number' ? v : Number(v);
  }

  /** \`load(va, bits)\`, more than 32 bits. */
  loadBig(va: Address, bits: number): bigint {
    const v = this.load(va, bits);
    return v === null ? 0n : typeof v === 'bigint' ? v : BigInt(v);
  }

  /** \`loadPhys(pa, bits, access)\`, at most 32 bits: the bus at a physical address; a refused read is \`access\`'s fault. */
  loadPhysNumber(pa: number, bits: number, access: AccessKind): number {
    const v = this.loadPhys(pa, bits, access);
    return v === null ? 0 : typeof v === 'number' ? v : Number(v);
  }

  /** \`loadPhys(pa, bits, access)\`, more than 32 bits. */
  loadPhysBig(pa: number, bits: number, access: AccessKind): bigint {
    const v = this.loadPhys(pa, bits, access);
    return v === null ? 0n : typeof v === 'bigint' ? v : BigInt(v);
  }

  /** \`store(va, bits, value)\`: the guest's translation (access store), then its bus; a refused write is the store access fault. */
  store(va: Address, bits: number, value: Bits): void {
    const pa = ${translateCall(facts, 'this', 'va', 'store')};
    if (this.status !== 'running') return;
    if (!this.bus.write(pa, bits, value, 'store')) this.trap(ACCESS_FAULT.store, va);
  }

  /** \`storePhys(pa, bits, value, access)\`. */
  storePhys(pa: number, bits: number, value: Bits, access: AccessKind): void {
    if (!this.bus.write(pa, bits, value, access)) this.trap(ACCESS_FAULT[access], addressValue(pa));
  }

  private load(va: Address, bits: number): Bits | null {
    const pa = ${translateCall(facts, 'this', 'va', 'load')};
    if (this.status !== 'running') return null;
    const v = this.bus.read(pa, bits, 'load');
    if (v === null) this.trap(ACCESS_FAULT.load, va);
    return v;
  }

  private loadPhys(pa: number, bits: number, access: AccessKind): Bits | null {
    const v = this.bus.read(pa, bits, access);
    if (v === null) this.trap(ACCESS_FAULT[access], addressValue(pa));
    return v;
  }
}

/** A physical address as a trap value: its low ${aw} bits (the address width). */
function addressValue(pa: number): Address {
  return ${addressValue};
}`;
}

/** The \`CAUSE\` table and the access faults, as module text. */
export function causesText(facts: ModuleFacts): string {
  const { isa, emitter } = facts;
  const width = Math.max(...[...isa.causes.keys()].map((n) => propertyKey(n).length)) + 1;
  const rows = [...isa.causes.values()].map((c) =>
    `  ${`${propertyKey(c.name)}:`.padEnd(width)} { name: '${c.name}', code: ${c.code}, interrupt: ${c.interrupt} },`);
  const fault = (k: 'fetch' | 'load' | 'store'): string => `${k}: ${emitter.cause(isa.accessFault[k])}`;
  return `/** A trap cause: its name, its code (what the trap entry receives), and whether it is an interrupt. */
export interface Cause {
  readonly name: string;
  readonly code: number;
  readonly interrupt: boolean;
}

/** The trap causes (traps.causes). */
export const CAUSE = {
${rows.join('\n')}
} as const satisfies Record<string, Cause>;

/** The cause of a refused access, by kind (memory.accessFault). */
const ACCESS_FAULT: Readonly<Record<AccessKind, Cause>> = { ${fault('fetch')}, ${fault('load')}, ${fault('store')} };`;
}
