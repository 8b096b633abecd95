import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../src/isa/decoder.js';
import { extractField, fieldBits, insertField } from '../../src/isa/encoding.js';
import { loadIsa, loadIsaText } from '../../src/isa/load.js';
import type { Instruction, Isa } from '../../src/isa/model.js';
import { TINY, fixture } from './fixtures.js';

const tiny = loadIsa(TINY);

/** A 48-bit machine, so words and one field are wider than 32 bits. */
const WIDE = `
format: 1
name: wide
title: a 48-bit machine
source: [{ manual: isavirt test fixture, edition: "1" }]
endian: big
unit: 8
instructionWidth: 48
addressWidth: 32
state:
  pc:   { role: pc, width: 32 }
  mode: { role: mode, width: 1, modes: { U: 0, S: 1 }, user: U }
  A:    { role: general, width: 64 }
traps:
  illegal: Illegal
  causes:
    Illegal: { code: 0 }
    Fault:   { code: 1, memory: true }
  entry: pc = 0;
memory:
  accessFault: { fetch: Fault, load: Fault, store: Fault }
instructions:
  - name: li
    encoding: 00000001 imm:40
    syntax: li {imm}
    semantics: A = zext(imm, 64);
  - name: split
    encoding: 00000010 x[31:16] 00000000 x[15:0]
    syntax: split {x}
    semantics: A = zext(x, 64);
`;
const wide = loadIsaText(WIDE, 'wide.yaml');

/** An arbitrary word for `instruction` with its fields drawn at random. */
function wordFor(isa: Isa, instruction: Instruction): fc.Arbitrary<{ word: bigint; values: bigint[] }> {
  const fields = instruction.encoding.fields;
  return fc.tuple(...fields.map((f) => fc.bigInt({ min: 0n, max: (1n << BigInt(f.width)) - 1n }))).map((drawn) => {
    const values = fields.map((f, i) => (drawn[i] ?? 0n) & fieldBits(f));
    let word = instruction.encoding.match;
    fields.forEach((f, i) => { word = insertField(word, f, values[i] ?? 0n); });
    expect(word >> BigInt(isa.instructionWidth)).toBe(0n);
    return { word, values };
  });
}

function asFieldValue(width: number, v: bigint): number | bigint {
  return width > 32 ? v : Number(v);
}

for (const isa of [tiny, wide]) {
  describe(`createDecoder (${isa.name}, ${isa.instructionWidth}-bit words)`, () => {
    const { decode } = createDecoder(isa);

    it('decodes every instruction from its fixed bits alone', () => {
      isa.instructions.forEach((instruction, index) => {
        const d = decode(instruction.encoding.match);
        expect(d?.instruction.name).toBe(instruction.name);
        expect(d?.index).toBe(index);
        expect(d?.fields.every((v) => v === 0 || v === 0n)).toBe(true);
      });
    });

    it('decode(insert(fields)) gives the same instruction and fields back', () => {
      for (const [index, instruction] of isa.instructions.entries()) {
        fc.assert(fc.property(wordFor(isa, instruction), ({ word, values }) => {
          const d = decode(isa.instructionWidth <= 32 ? Number(word) : word);
          expect(d?.index).toBe(index);
          expect(d?.fields).toEqual(instruction.encoding.fields.map((f, i) => asFieldValue(f.width, values[i] ?? 0n)));
          instruction.encoding.fields.forEach((f, i) => expect(BigInt(d?.fields[i] ?? -1)).toBe(extractField(word, f)));
        }), { numRuns: 50 });
      }
    });

    it('agrees with a linear search of the encodings on any word', () => {
      const word = fc.bigInt({ min: 0n, max: (1n << BigInt(isa.instructionWidth)) - 1n });
      fc.assert(fc.property(word, (w) => {
        const index = isa.instructions.findIndex((i) => (w & i.encoding.mask) === i.encoding.match);
        expect(decode(w)?.index ?? -1).toBe(index);
      }));
    });

    it('takes a word as number or bigint alike, ignoring bits above instructionWidth', () => {
      const w = isa.instructions[0]?.encoding.match ?? 0n;
      expect(decode(w)).toBe(decode(w | (1n << BigInt(isa.instructionWidth))));
      if (isa.instructionWidth <= 32) expect(decode(Number(w))).toBe(decode(w));
    });
  });
}

describe('createDecoder details', () => {
  const { decode } = createDecoder(tiny);

  it('returns null for a word no instruction matches', () => {
    expect(decode(0x7000)).toBeNull(); // opcode 0111 is unassigned
    expect(decode(0xf002)).toBeNull(); // neither sys, rti nor halt
  });

  it('gives field values as numbers up to 32 bits and as bigints above', () => {
    const { decode: decodeWide } = createDecoder(wide);
    expect(decodeWide(0x01_ff_ff_ff_ff_ffn)?.fields).toEqual([0xff_ffff_ffffn]);
    expect(decodeWide(0x02_ab_cd_00_12_34n)?.fields).toEqual([0xabcd1234]);
  });

  it('decodes a scattered field into one value', () => {
    // beq a1, a2, -2: off = 0b1111110 → off[6] = 1 at bit 11, off[5:1] = 11111 at bits 4:0
    const d = decode(0b0100_1_001_010_11111);
    expect(d?.instruction.name).toBe('beq');
    expect(d?.fields).toEqual([0b1111110, 1, 2]);
  });

  it('keeps answering correctly after its memo starts over', () => {
    const { decode: decodeWide } = createDecoder(wide);
    const first = decodeWide(0x01_00_00_00_00_00n);
    for (let i = 0n; i < 70_000n; i++) decodeWide(0x01_00_00_00_00_00n + i); // more words than the memo keeps
    expect(decodeWide(0x01_00_00_00_00_00n)).toEqual(first);
    expect(decodeWide(0x01_00_00_01_00_00n)?.fields).toEqual([0x10000n]);
  });
});

describe('variable-length instructions decode parcel by parcel', () => {
  const isa = loadIsa(fixture('varlen.yaml'));
  const { decodeStream } = createDecoder(isa);
  /** A reader over `bytes` that records which parcels were read. */
  const reader = (bytes: readonly number[], seen: number[]) => (i: number): bigint | null => {
    seen.push(i);
    const b = bytes[i];
    return b === undefined ? null : BigInt(b);
  };

  it('a one-byte instruction reads one parcel', () => {
    const seen: number[] = [];
    const r = decodeStream(reader([0x43, 0xff, 0xff], seen));
    expect(r !== null && r !== 'fault' && r.decoded.instruction.name).toBe('inc');
    expect(seen).toEqual([0]);
  });

  it('a five-byte instruction gathers its little-endian immediate from the stream', () => {
    const r = decodeStream(reader([0xb9, 0x78, 0x56, 0x34, 0x12], []));
    if (r === null || r === 'fault') throw new Error('no decode');
    expect(r.decoded.instruction.name).toBe('movi');
    expect(r.width).toBe(40);
    expect(r.decoded.fields).toEqual([1, 0x12345678]);
  });

  it('a parcel that cannot be fetched is a fault, only when the instruction needs it', () => {
    expect(decodeStream(reader([0xb9, 0x78], []))).toBe('fault');
    const r = decodeStream(reader([0xf4], []));
    expect(r !== null && r !== 'fault' && r.decoded.instruction.name).toBe('hlt');
  });

  it('decoding one parcel alone finds only the one-parcel instructions', () => {
    const { decode } = createDecoder(isa);
    expect(decode(0x41)?.instruction.name).toBe('inc');
    expect(decode(0xb9)).toBeNull();
  });

  it('a stream that starts no instruction is null, read no further than needed', () => {
    const seen: number[] = [];
    expect(decodeStream(reader([0x02, 0x00], seen))).toBeNull();
    expect(seen).toEqual([0]);
    expect(decodeStream(reader([0x01, 0x00], []))).toBeNull();
  });
});
