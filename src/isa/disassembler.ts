/**
 * The disassembler, derived from the description: an instruction word is decoded (decoder.ts)
 * and shown through its instruction's `syntax` template, each `{field}` written as the field's
 * `operands` entry says — a register by its file's `names` (or `x3`-style), a signed immediate in
 * decimal, an unsigned one in decimal when narrow and in hex when wide. The assembler
 * (assembler.ts) reads the same templates back, so disassembly followed by assembly gives the
 * word again.
 */
import { createDecoder, type Decoded } from './decoder.js';
import type { EncodingField, Instruction, Isa, Operand } from './model.js';

/** One piece of a syntax template: literal text, or a field shown as an operand. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'field'; readonly field: EncodingField; readonly operand: Operand };

/** Unsigned fields up to this many bits are shown in decimal, wider ones in hex. */
const DECIMAL_BITS = 8;

/**
 * An instruction's syntax as parts. The loader has checked that every `{name}` is a field of the
 * instruction's encoding; a field without an `operands` entry is unsigned.
 */
export function syntaxTemplate(isa: Isa, instruction: Instruction): readonly TemplatePart[] {
  const parts: TemplatePart[] = [];
  let at = 0;
  for (const m of instruction.syntax.matchAll(/\{([^{}]*)\}/g)) {
    if (m.index > at) parts.push({ kind: 'text', text: instruction.syntax.slice(at, m.index) });
    const field = instruction.encoding.fields.find((f) => f.name === m[1]);
    if (field === undefined) throw new Error(`syntax of '${instruction.name}': {${m[1]}} is not a field (the loader checks this)`);
    parts.push({ kind: 'field', field, operand: isa.operands.get(field.name) ?? { kind: 'unsigned' } });
    at = m.index + m[0].length;
  }
  if (at < instruction.syntax.length) parts.push({ kind: 'text', text: instruction.syntax.slice(at) });
  return parts;
}

/** The assembly name of element `index` of register file `file`: its `names` entry, else `x3`-style. */
export function registerName(isa: Isa, file: string, index: number): string {
  const element = isa.state.get(file);
  return element?.names[index] ?? `${file.toLowerCase()}${index}`;
}

/** A field's value (its raw bits, `field.width` wide) as assembly text. */
export function formatOperand(isa: Isa, field: EncodingField, operand: Operand, value: bigint): string {
  switch (operand.kind) {
    case 'register':
      return registerName(isa, operand.file, Number(value));
    case 'signed':
      return BigInt.asIntN(field.width, value).toString(10);
    case 'unsigned':
      return field.width <= DECIMAL_BITS ? value.toString(10) : `0x${value.toString(16)}`;
    default: {
      const unreachable: never = operand;
      return unreachable;
    }
  }
}

export interface Disassembler {
  /** The word as assembly text, or null when it decodes to no instruction. Needs no `this`. */
  readonly disassemble: (word: number | bigint) => string | null;
  /**
   * The instruction starting at parcel 0 of `read` (see Decoder.decodeStream): its text, word and
   * length in bits; null when the parcels start no instruction or run out.
   */
  readonly disassembleStream: (read: (index: number) => bigint | null) => { text: string; word: bigint; width: number } | null;
}

export function createDisassembler(isa: Isa): Disassembler {
  const { decode, decodeStream } = createDecoder(isa);
  const templates = isa.instructions.map((i) => syntaxTemplate(isa, i));
  const render = (decoded: Decoded): string => {
    const fields = decoded.instruction.encoding.fields;
    return (templates[decoded.index] ?? []).map((part) => {
      if (part.kind === 'text') return part.text;
      const value = decoded.fields[fields.indexOf(part.field)] ?? 0;
      return formatOperand(isa, part.field, part.operand, BigInt(value));
    }).join('');
  };
  return {
    disassemble: (word) => {
      const decoded = decode(word);
      return decoded === null ? null : render(decoded);
    },
    disassembleStream: (read) => {
      const r = decodeStream(read);
      return r === null || r === 'fault' ? null : { text: render(r.decoded), word: r.word, width: r.width };
    },
  };
}

/** Bytes a memory unit takes in a flat image: the unit rounded up to whole bytes. */
export function bytesPerUnit(isa: Pick<Isa, 'unit'>): number {
  return Math.ceil(isa.unit / 8);
}

/** A flat image's bytes as memory units, each `bytesPerUnit` bytes in the ISA's byte order; a partial unit at the end is dropped. */
export function unitsOfImage(isa: Pick<Isa, 'unit' | 'endian'>, bytes: Uint8Array): bigint[] {
  const size = bytesPerUnit(isa);
  const units: bigint[] = [];
  for (let at = 0; at + size <= bytes.length; at += size) {
    let v = 0n;
    for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(bytes[isa.endian === 'big' ? at + i : at + size - 1 - i] ?? 0);
    units.push(BigInt.asUintN(isa.unit, v));
  }
  return units;
}

/**
 * Consecutive units combined into one instruction word, as memory combines a wider access: the
 * unit at the lowest address is the most significant when big-endian, the least when little.
 */
export function wordOfUnits(isa: Pick<Isa, 'unit' | 'endian'>, units: readonly bigint[]): bigint {
  const shift = BigInt(isa.unit);
  const ordered = isa.endian === 'big' ? units : [...units].reverse();
  return ordered.reduce((word, u) => (word << shift) | u, 0n);
}

/**
 * An instruction word of `width` bits (default instructionWidth) split into memory units, lowest
 * address first (the inverse of wordOfUnits). A variable-length instruction is its parcels in
 * fetch order, the first parcel (the most significant bits of the word) at the lowest address,
 * each parcel's units in the ISA's byte order.
 */
export function unitsOfWord(isa: Pick<Isa, 'unit' | 'endian' | 'instructionWidth'>, word: bigint, width = isa.instructionWidth): bigint[] {
  const perParcel = isa.instructionWidth / isa.unit;
  const shift = BigInt(isa.unit);
  const units: bigint[] = [];
  for (let p = width / isa.instructionWidth - 1; p >= 0; p--) {
    const parcel = word >> BigInt(p * isa.instructionWidth);
    const inParcel: bigint[] = [];
    for (let i = 0; i < perParcel; i++) inParcel.push(BigInt.asUintN(isa.unit, parcel >> (shift * BigInt(i))));
    units.push(...(isa.endian === 'big' ? inParcel.reverse() : inParcel));
  }
  return units;
}
