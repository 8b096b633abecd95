/**
 * A small ISA built by hand (not through the loader) as the scope for the language's golden
 * cases: pc, a two-level mode, a file R of eight 32-bit registers with R[0] hard-wired to zero,
 * a flags register with fields, a 64-bit accumulator, one function, and RAM at 0..0xfff.
 */
import type { SourcePos } from '../../src/diagnostic.js';
import type { Cause, Isa, SourceText, StateElement } from '../../src/isa/model.js';
import type { PhysicalBus } from '../../src/semantics/interpreter.js';
import * as V from '../../src/semantics/values.js';

const at: SourcePos = { file: 'toy', line: 1, col: 1 };

/** A SourceText whose positions are line:col inside `text`, file `name`. */
export function sourceText(text: string, name = 'case'): SourceText {
  return {
    text,
    locate: (offset) => {
      const before = text.slice(0, offset).split('\n');
      return { file: name, line: before.length, col: before[before.length - 1]!.length + 1 };
    },
  };
}

let narrow = 0;
let wide = 0;
function element(name: string, role: StateElement['role'], width: number, extra: Partial<StateElement> = {}): StateElement {
  const count = extra.count ?? 1;
  const isWide = width > 32;
  const slot = isWide ? wide : narrow;
  if (isWide) wide += count; else narrow += count;
  return { name, role, width, count, isFile: false, slot, wide: isWide, fields: new Map(), reset: 0n, zero: [], names: [], tick: false, pos: at, ...extra };
}

const pc = element('pc', 'pc', 32);
const mode = element('mode', 'mode', 1);
const R = element('R', 'general', 32, { count: 8, isFile: true, zero: [0] });
const flags = element('flags', 'control', 32, {
  fields: new Map([['Z', { name: 'Z', hi: 0, lo: 0 }], ['N', { name: 'N', hi: 1, lo: 1 }], ['KEY', { name: 'KEY', hi: 7, lo: 4 }]]),
});
const acc = element('acc', 'general', 64);

const cause = (name: string, code: number, memory = false): Cause => ({ name, code, interrupt: false, memory, pos: at });
const Illegal = cause('Illegal', 2);
const Fault = cause('Fault', 5, true);

export const toyIsa: Isa = {
  name: 'toy', title: 'golden-case scope', file: 'toy', hash: '', sources: [],
  endian: 'little', unit: 8, instructionWidth: 32, maxInstructionWidth: 32, addressWidth: 32, physicalAddressWidth: 32,
  state: new Map([pc, mode, R, flags, acc].map((e) => [e.name, e])),
  narrowSlots: narrow, wideSlots: wide, pc, mode,
  modes: [{ name: 'U', value: 0 }, { name: 'S', value: 1 }], userMode: { name: 'U', value: 0 },
  constants: new Map([['CSR_X', { name: 'CSR_X', width: 12, value: 0x300n }]]),
  operands: new Map(),
  functions: new Map([
    ['double', { name: 'double', params: [{ name: 'x', width: 32 }], returns: 32, body: sourceText('return x + x;', 'double'), pos: at }],
  ]),
  causes: new Map([Illegal, Fault].map((c) => [c.name, c])),
  trapEntry: sourceText('pc = 0x100;', 'entry'),
  illegalInstruction: Illegal,
  translate: null,
  accessFault: { fetch: Fault, load: Fault, store: Fault },
  interrupts: null, board: null, vmm: null, instructions: [],
};

/** 4 KiB of little-endian RAM at physical address 0; nothing else is mapped. */
export function toyBus(): PhysicalBus & { bytes: Uint8Array } {
  const bytes = new Uint8Array(0x1000);
  const view = new DataView(bytes.buffer);
  const inside = (pa: number, bits: number): boolean => pa >= 0 && pa + bits / 8 <= bytes.length;
  return {
    bytes,
    read(pa, bits) {
      if (!inside(pa, bits)) return null;
      if (bits === 8) return view.getUint8(pa);
      if (bits === 16) return view.getUint16(pa, true);
      if (bits === 32) return view.getUint32(pa, true);
      return view.getBigUint64(pa, true);
    },
    write(pa, bits, value) {
      if (!inside(pa, bits)) return false;
      if (bits === 8) view.setUint8(pa, V.toNumber(value));
      else if (bits === 16) view.setUint16(pa, V.toNumber(value), true);
      else if (bits === 32) view.setUint32(pa, V.toNumber(value), true);
      else view.setBigUint64(pa, V.toBigInt(value), true);
      return true;
    },
  };
}
