import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError, type Diagnostic } from '../../src/diagnostic.js';
import {
  checkOverlaps, encodingsOverlap, extractField, fieldBits, insertField, parseEncoding,
} from '../../src/isa/encoding.js';
import type { Encoding, EncodingField, SourceText } from '../../src/isa/model.js';

/** An encoding written on line 1 of enc.yaml, starting at column 1. */
function text(s: string): SourceText {
  return { text: s, locate: (offset) => ({ file: 'enc.yaml', line: 1, col: offset + 1 }) };
}

function parse(s: string, width = 32): Encoding {
  return parseEncoding(text(s), width);
}

function problem(s: string, width = 32): Diagnostic | undefined {
  try {
    parse(s, width);
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics[0];
    throw e;
  }
  return undefined;
}

function field(e: Encoding, name: string): EncodingField {
  const f = e.fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name}`);
  return f;
}

// RISC-V B-type: the branch offset is scattered and its bit 0 is not encoded.
const BEQ = 'imm[12] imm[10:5] rs2:5 rs1:5 000 imm[4:1] imm[11] 1100011';

describe('parseEncoding', () => {
  it('reads fixed bits from the most significant bit down into mask and match', () => {
    const e = parse('0000000 rs2:5 rs1:5 000 rd:5 0110011');
    expect(e.mask).toBe(0xfe00707fn);
    expect(e.match).toBe(0x00000033n);
    expect(e.fields.map((f) => [f.name, f.width, f.pieces])).toEqual([
      ['rs2', 5, [{ hi: 4, lo: 0, at: 20 }]],
      ['rs1', 5, [{ hi: 4, lo: 0, at: 15 }]],
      ['rd', 5, [{ hi: 4, lo: 0, at: 7 }]],
    ]);
    expect(e.text).toBe('0000000 rs2:5 rs1:5 000 rd:5 0110011');
  });

  it('gathers a scattered field from its pieces; its width is its highest bit + 1', () => {
    const imm = field(parse(BEQ), 'imm');
    expect(imm.width).toBe(13);
    expect(imm.pieces).toEqual([
      { hi: 12, lo: 12, at: 31 }, { hi: 10, lo: 5, at: 25 }, { hi: 4, lo: 1, at: 8 }, { hi: 11, lo: 11, at: 7 },
    ]);
    expect(fieldBits(imm)).toBe(0x1ffen);
  });

  it('leaves bits no piece supplies at 0 (a B-type offset is even)', () => {
    const imm = field(parse(BEQ), 'imm');
    // beq x0, x0, -2 in its every-bit-set form: 0xfe000fe3
    expect(extractField(0xfe000fe3n, imm)).toBe(0x1ffen);
  });

  const errors: [string, string, number, string, number?][] = [
    ['a token that is no bits, field or piece', '0000000 rs2:5 rs1:5 00x rd:5 0110011', 21, "unexpected '00x'"],
    ['pieces adding up to less than instructionWidth', '0000000 rs2:5 rs1:5 000 rd:5 011001', 1, 'the encoding has 31 bits; instructionWidth is 32'],
    ['pieces going past bit 0', '0000000 rs2:5 rs1:5 000 rd:5 0110011 1', 38, 'more than 32 bits'],
    ['a field bit supplied twice', 'imm[4:0] imm[2] 0000000000000000000000000', 10, "bit 2 of field 'imm' is supplied twice"],
    ['a piece written low bit first', 'imm[0:4] 000000000000000000000000000', 1, 'write the high bit first'],
    ['a field wider than 64 bits', 'imm:65', 1, "field 'imm' must be 1 to 64 bits wide", 65],
  ];
  for (const [law, encoding, col, message, width] of errors) {
    it(`reports ${law} as encoding/invalid at the offending token`, () => {
      const d = problem(encoding, width ?? 32);
      expect(d?.code).toBe('encoding/invalid');
      expect(d?.pos?.col).toBe(col);
      expect(d?.message).toContain(message);
    });
  }
});

describe('overlap', () => {
  it('two encodings overlap iff some word matches both (checked on every 8-bit word)', () => {
    const encoding = fc.array(fc.constantFrom('0', '1', 'x'), { minLength: 8, maxLength: 8 }).map((bits) => {
      const mask = BigInt(`0b${bits.map((b) => (b === 'x' ? '0' : '1')).join('')}`);
      const match = BigInt(`0b${bits.map((b) => (b === '1' ? '1' : '0')).join('')}`);
      return { width: 8, mask, match, fields: [], text: bits.join('') };
    });
    fc.assert(fc.property(encoding, encoding, (a, b) => {
      let both = false;
      for (let w = 0n; w < 256n && !both; w++) both = (w & a.mask) === a.match && (w & b.mask) === b.match;
      expect(encodingsOverlap(a, b)).toBe(both);
    }));
  });

  it('reports each overlapping pair once, naming both, at the later encoding', () => {
    const at = (line: number) => ({ file: 'enc.yaml', line, col: 15 });
    const list = [
      { name: 'add', encoding: parse('0000000 rs2:5 rs1:5 000 rd:5 0110011'), pos: at(10) },
      { name: 'sub', encoding: parse('0100000 rs2:5 rs1:5 000 rd:5 0110011'), pos: at(20) },
      { name: 'nop', encoding: parse('00000000000000000000000000110011'), pos: at(30) },
    ];
    expect(checkOverlaps(list)).toEqual([{
      code: 'encoding/overlap',
      message: "the encoding of 'nop' overlaps 'add' (line 10): 0x00000033 matches both",
      pos: at(30),
    }]);
  });
});

describe('extractField and insertField', () => {
  const beq = parse(BEQ);
  const word = fc.bigInt({ min: 0n, max: 0xffff_ffffn });
  const value = fc.bigInt({ min: -(1n << 20n), max: 1n << 20n });
  const anyField = fc.constantFrom(...beq.fields);

  it('extract(insert(w, f, v)) is v restricted to the bits the field carries', () => {
    fc.assert(fc.property(word, anyField, value, (w, f, v) => {
      expect(extractField(insertField(w, f, v), f)).toBe(v & fieldBits(f));
    }));
  });

  it('insert changes no bit outside the field', () => {
    fc.assert(fc.property(word, anyField, value, (w, f, v) => {
      const inWord = insertField(0n, f, -1n);
      expect((insertField(w, f, v) ^ w) & ~inWord).toBe(0n);
    }));
  });

  it('inserting what was extracted gives the word back', () => {
    fc.assert(fc.property(word, anyField, (w, f) => {
      expect(insertField(w, f, extractField(w, f))).toBe(w);
    }));
  });

  it('variable-length encodings overlap when one stream of parcels matches both, compared from the first parcel', () => {
    const vparse = (source: string) => parseEncoding(text(source), 8, 64);
    const inc = vparse('01000 reg:3');
    const movImm = vparse('10111 reg:3 imm[7:0] imm[15:8] imm[23:16] imm[31:24]');
    const longInc = vparse('01000 reg:3 00000000');
    expect(inc.width).toBe(8);
    expect(movImm.width).toBe(40);
    expect(encodingsOverlap(inc, movImm)).toBe(false);
    expect(encodingsOverlap(inc, longInc)).toBe(true);
  });

  it('a variable-length encoding must be whole parcels, no longer than the longest instruction', () => {
    expect(() => parseEncoding(text('0100 reg:3'), 8, 32)).toThrow(/multiple of the 8-bit parcel/);
    expect(() => parseEncoding(text('imm:32 00000000'), 8, 32)).toThrow(/at most 32/);
  });
});
