/**
 * The decoder, derived from the encodings: an instruction word (or, for variable-length ISAs, a
 * stream of parcels) → the instruction whose fixed bits it matches, with its field values. Words of up to 32 bits are decoded with number arithmetic;
 * candidates are bucketed by the bits every encoding fixes (RISC-V's opcode), and results are
 * memoised per word.
 */
import { extractField } from './encoding.js';
import type { Encoding, EncodingField, Instruction, Isa } from './model.js';

export interface Decoded {
  readonly instruction: Instruction;
  /** Index of the instruction in `isa.instructions`. */
  readonly index: number;
  /** Field values in the order of `instruction.encoding.fields`: a number for fields ≤ 32 bits, else a bigint. */
  readonly fields: readonly (number | bigint)[];
}

/** An instruction decoded from a stream of parcels. */
export interface StreamDecoded {
  readonly decoded: Decoded;
  /** The whole instruction, first parcel most significant. */
  readonly word: bigint;
  /** Its length in bits (a multiple of instructionWidth). */
  readonly width: number;
}

export interface Decoder {
  /**
   * Decodes one instruction word (bits above instructionWidth are ignored); null if no instruction
   * matches. Returns the same object for the same word while it is memoised. Needs no `this`.
   * For fixed-length instructions.
   */
  readonly decode: (word: number | bigint) => Decoded | null;
  /**
   * Decodes a variable-length instruction parcel by parcel: `read(i)` gives the i-th parcel
   * (instructionWidth bits) or null when it cannot be fetched. Reads only the parcels the
   * instruction needs. Returns null when no instruction matches, 'fault' when a needed parcel
   * could not be read. Works for fixed-length ISAs too (one parcel).
   */
  readonly decodeStream: (read: (index: number) => bigint | null) => StreamDecoded | null | 'fault';
}

/** Memoised words, at most; past this the memo starts over. */
const MEMO_LIMIT = 1 << 16;

export function createDecoder(isa: Isa): Decoder {
  // `decode` takes one parcel: on a variable-length ISA, only the one-parcel instructions.
  const oneParcel = isa.instructions.map((i) => i.encoding.width === isa.instructionWidth);
  const fixed = isa.instructionWidth <= 32 ? narrowDecoder(isa, oneParcel) : wideDecoder(isa, oneParcel);
  return { decode: fixed, decodeStream: streamDecoder(isa) };
}

interface StreamEntry extends Encoding {
  readonly instruction: Instruction;
  readonly index: number;
  readonly parcels: number;
}

/**
 * Parcel by parcel: after n parcels, an instruction n parcels long that matches wins (encodings
 * never overlap). Candidates are narrowed once per first parcel, and the lists memoised.
 */
function streamDecoder(isa: Isa): Decoder['decodeStream'] {
  const parcel = BigInt(isa.instructionWidth);
  const entries: StreamEntry[] = isa.instructions.map((instruction, index) => ({
    instruction, index, parcels: instruction.encoding.width / isa.instructionWidth, ...instruction.encoding,
  }));
  const most = Math.max(1, ...entries.map((e) => e.parcels));
  const firstOf = (e: StreamEntry): { mask: bigint; match: bigint } => {
    const shift = BigInt(e.width) - parcel;
    return { mask: e.mask >> shift, match: e.match >> shift };
  };
  const firsts = entries.map(firstOf);
  const byFirst = new Map<bigint, StreamEntry[]>();
  const candidates = (first: bigint): StreamEntry[] => {
    let list = byFirst.get(first);
    if (list === undefined) {
      list = entries.filter((_, i) => (first & firsts[i]!.mask) === firsts[i]!.match);
      if (byFirst.size >= MEMO_LIMIT) byFirst.clear();
      byFirst.set(first, list);
    }
    return list;
  };
  return (read) => {
    let word = 0n;
    let live: StreamEntry[] = entries;
    for (let n = 1; n <= most; n++) {
      const p = read(n - 1);
      if (p === null) return 'fault';
      word = (word << parcel) | p;
      if (n === 1) live = candidates(p);
      let longer = false;
      for (const e of live) {
        if (e.parcels === n) {
          if ((word & e.mask) === e.match) {
            const fields = e.fields.map((f) => {
              const value = extractField(word, f);
              return f.width > 32 ? value : Number(value);
            });
            return { decoded: { instruction: e.instruction, index: e.index, fields }, word, width: e.width };
          }
        } else if (e.parcels > n && !longer) {
          const shift = BigInt(e.width) - BigInt(n) * parcel;
          longer = (word & (e.mask >> shift)) === e.match >> shift;
        }
      }
      if (!longer) return null;
    }
    return null;
  };
}

function memoise<W>(decode: (word: W) => Decoded | null): (word: W) => Decoded | null {
  const memo = new Map<W, Decoded | null>();
  return (word) => {
    const known = memo.get(word);
    if (known !== undefined) return known;
    const decoded = decode(word);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(word, decoded);
    return decoded;
  };
}

/** Groups candidates by the bits `common` that every encoding fixes. */
function bucket<T, K>(entries: readonly T[], key: (e: T) => K): Map<K, T[]> {
  const buckets = new Map<K, T[]>();
  for (const e of entries) {
    const k = key(e);
    const list = buckets.get(k);
    if (list) list.push(e);
    else buckets.set(k, [e]);
  }
  return buckets;
}

interface NarrowEntry {
  readonly mask: number;
  readonly match: number;
  readonly index: number;
  readonly instruction: Instruction;
  readonly extract: readonly ((word: number) => number | bigint)[];
}

/** A field of a ≤ 32-bit word, computed on numbers (a field wider than 32 bits still comes out as bigint). */
function narrowExtractor(field: EncodingField): (word: number) => number | bigint {
  if (field.width > 32) return (word) => extractField(BigInt(word), field);
  const pieces = field.pieces.map((p) => ({ at: p.at, mask: 2 ** (p.hi - p.lo + 1) - 1, scale: 2 ** p.lo }));
  if (pieces.length === 1 && pieces[0] !== undefined && pieces[0].scale === 1) {
    const { at, mask } = pieces[0];
    return (word) => ((word >>> at) & mask) >>> 0;
  }
  return (word) => {
    let value = 0;
    for (const p of pieces) value += (((word >>> p.at) & p.mask) >>> 0) * p.scale;
    return value;
  };
}

function narrowDecoder(isa: Isa, include: readonly boolean[]): Decoder['decode'] {
  const width = isa.instructionWidth;
  const entries: NarrowEntry[] = isa.instructions.flatMap((instruction, index) => include[index] ? [{
    mask: Number(instruction.encoding.mask),
    match: Number(instruction.encoding.match),
    index,
    instruction,
    extract: instruction.encoding.fields.map(narrowExtractor),
  }] : []);
  const common = entries.reduce((bits, e) => (bits & e.mask) >>> 0, 2 ** width - 1);
  const buckets = bucket(entries, (e) => (e.match & common) >>> 0);
  const decode = memoise((word: number): Decoded | null => {
    for (const e of buckets.get((word & common) >>> 0) ?? []) {
      if (((word & e.mask) >>> 0) === e.match) {
        return { instruction: e.instruction, index: e.index, fields: e.extract.map((f) => f(word)) };
      }
    }
    return null;
  });
  const wordMask = 2 ** width - 1;
  return (word) => decode(typeof word === 'bigint' ? Number(BigInt.asUintN(width, word)) : (word & wordMask) >>> 0);
}

function wideDecoder(isa: Isa, include: readonly boolean[]): Decoder['decode'] {
  const width = isa.instructionWidth;
  const entries = isa.instructions.flatMap((instruction, index) => include[index] ? [{ instruction, index, ...instruction.encoding }] : []);
  const common = entries.reduce((bits, e) => bits & e.mask, (1n << BigInt(width)) - 1n);
  const buckets = bucket(entries, (e) => e.match & common);
  const decode = memoise((word: bigint): Decoded | null => {
    for (const e of buckets.get(word & common) ?? []) {
      if ((word & e.mask) === e.match) {
        const fields = e.fields.map((f) => {
          const value = extractField(word, f);
          return f.width > 32 ? value : Number(value);
        });
        return { instruction: e.instruction, index: e.index, fields };
      }
    }
    return null;
  });
  return (word) => decode(BigInt.asUintN(width, BigInt(word)));
}
