/**
 * Instruction encodings (docs/description-format.md, "Instructions"): the word from its most
 * significant bit down, `0`/`1` runs for fixed bits, `name:W` for a whole field, `name[H:L]` and
 * `name[I]` for pieces of a scattered field. A field's width is its highest bit + 1; bits no piece
 * supplies are 0 (so a B-type `imm` is the byte offset).
 */
import { InputError, type Diagnostic, type SourcePos } from '../diagnostic.js';
import type { Encoding, EncodingField, FieldPiece, SourceText } from './model.js';

const BITS = /^[01]+$/;
const WHOLE = /^([A-Za-z_][A-Za-z0-9_]*):([0-9]+)$/;
const PIECE = /^([A-Za-z_][A-Za-z0-9_]*)\[([0-9]+)(?::([0-9]+))?\]$/;

/** Bits 0..n-1 set. */
function ones(n: number): bigint {
  return (1n << BigInt(n)) - 1n;
}

/**
 * Parses an encoding string; an error is `encoding/invalid` at the offending token. The encoding
 * is `parcel` bits long, or — when `maxWidth` > `parcel` (variable-length instructions) — any
 * multiple of `parcel` up to `maxWidth`, written in fetch order (the first parcel most significant).
 */
export function parseEncoding(source: SourceText, parcel: number, maxWidth: number = parcel): Encoding {
  const fail = (message: string, offset: number): never => {
    throw new InputError([{ code: 'encoding/invalid', message, pos: source.locate(offset) }]);
  };
  const instructionWidth = maxWidth === parcel ? parcel : encodedWidth(source.text);
  if (maxWidth !== parcel && (instructionWidth % parcel !== 0 || instructionWidth > maxWidth || instructionWidth === 0)) {
    fail(`the encoding has ${instructionWidth} bits: it must be a multiple of the ${parcel}-bit parcel, at most ${maxWidth}`, 0);
  }
  let mask = 0n;
  let match = 0n;
  /** The next bit to fill, counting down from the top: everything at or above `next` is done. */
  let next = instructionWidth;
  const fields = new Map<string, { pieces: FieldPiece[]; supplied: bigint }>();

  for (const token of source.text.matchAll(/\S+/g)) {
    const text = token[0];
    const offset = token.index;
    if (BITS.test(text)) {
      if (text.length > next) fail(`'${text}' goes past bit 0: the encoding has more than ${instructionWidth} bits`, offset);
      for (const c of text) {
        next -= 1;
        mask |= 1n << BigInt(next);
        if (c === '1') match |= 1n << BigInt(next);
      }
      continue;
    }
    const whole = WHOLE.exec(text);
    const piece = PIECE.exec(text);
    let name: string;
    let hi: number;
    let lo: number;
    if (whole) {
      name = whole[1] ?? '';
      const width = Number(whole[2]);
      if (width < 1 || width > 64) fail(`field '${name}' must be 1 to 64 bits wide, not ${width}`, offset);
      hi = width - 1;
      lo = 0;
    } else if (piece) {
      name = piece[1] ?? '';
      hi = Number(piece[2]);
      lo = piece[3] === undefined ? hi : Number(piece[3]);
      if (hi < lo) fail(`'${text}': write the high bit first (${name}[${lo}:${hi}])`, offset);
      if (hi > 63) fail(`'${text}': a field has at most 64 bits (bits 63..0)`, offset);
    } else {
      return fail(`unexpected '${text}': expected fixed bits (0110), a field (name:W) or a field piece (name[H:L], name[I])`, offset);
    }
    const width = hi - lo + 1;
    if (width > next) fail(`'${text}' goes past bit 0: the encoding has more than ${instructionWidth} bits`, offset);
    next -= width;
    const bits = ones(width) << BigInt(lo);
    const field = fields.get(name) ?? { pieces: [], supplied: 0n };
    const twice = field.supplied & bits;
    if (twice !== 0n) {
      const bit = twice.toString(2).length - 1;
      fail(`bit ${bit} of field '${name}' is supplied twice`, offset);
    }
    field.pieces.push({ hi, lo, at: next });
    field.supplied |= bits;
    fields.set(name, field);
  }
  if (next !== 0) {
    fail(`the encoding has ${instructionWidth - next} bits; instructionWidth is ${instructionWidth}`, 0);
  }
  return {
    width: instructionWidth,
    mask,
    match,
    fields: [...fields].map(([name, f]) => ({ name, width: f.supplied.toString(2).length, pieces: f.pieces })),
    text: source.text,
  };
}

/** Bits of an encoding string, counted token by token (malformed tokens are reported by the parse). */
function encodedWidth(text: string): number {
  let bits = 0;
  for (const [token] of text.matchAll(/\S+/g)) {
    const whole = WHOLE.exec(token);
    const piece = PIECE.exec(token);
    if (BITS.test(token)) bits += token.length;
    else if (whole) bits += Number(whole[2]);
    else if (piece) bits += piece[3] === undefined ? 1 : Number(piece[2]) - Number(piece[3]) + 1;
  }
  return bits;
}

/**
 * Two encodings overlap iff some instruction stream matches both: their fixed bits agree wherever
 * both are fixed, over the shorter one's length (compared from the first parcel).
 */
export function encodingsOverlap(a: Encoding, b: Encoding): boolean {
  const [short, long] = a.width <= b.width ? [a, b] : [b, a];
  const shift = BigInt(long.width - short.width);
  return (short.mask & (long.mask >> shift) & (short.match ^ (long.match >> shift))) === 0n;
}

export interface PlacedEncoding {
  readonly name: string;
  readonly encoding: Encoding;
  /** Where the encoding is written. */
  readonly pos: SourcePos;
}

/** `encoding/overlap` for every pair of instructions one word can match, at the later one's encoding. */
export function checkOverlaps(list: readonly PlacedEncoding[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  list.forEach((b, j) => {
    for (const a of list.slice(0, j)) {
      if (!encodingsOverlap(a.encoding, b.encoding)) continue;
      const [short, long] = a.encoding.width <= b.encoding.width ? [a.encoding, b.encoding] : [b.encoding, a.encoding];
      const word = ((short.match << BigInt(long.width - short.width)) | long.match).toString(16).padStart(Math.ceil(long.width / 4), '0');
      out.push({
        code: 'encoding/overlap',
        message: `the encoding of '${b.name}' overlaps '${a.name}' (line ${a.pos.line}): 0x${word} matches both`,
        pos: b.pos,
      });
    }
  });
  return out;
}

/** The value of `field` in instruction word `word`. */
export function extractField(word: bigint, field: EncodingField): bigint {
  let value = 0n;
  for (const p of field.pieces) {
    const width = p.hi - p.lo + 1;
    value |= ((word >> BigInt(p.at)) & ones(width)) << BigInt(p.lo);
  }
  return value;
}

/** `word` with `field` set to `value`; bits of `value` that no piece carries are dropped (see fieldBits). */
export function insertField(word: bigint, field: EncodingField, value: bigint): bigint {
  let out = word;
  for (const p of field.pieces) {
    const width = p.hi - p.lo + 1;
    const at = BigInt(p.at);
    out = (out & ~(ones(width) << at)) | (((value >> BigInt(p.lo)) & ones(width)) << at);
  }
  return out;
}

/** The bits of a field's value that its pieces carry (B-type `imm` lacks bit 0): an assembler checks against it. */
export function fieldBits(field: EncodingField): bigint {
  let bits = 0n;
  for (const p of field.pieces) bits |= ones(p.hi - p.lo + 1) << BigInt(p.lo);
  return bits;
}
