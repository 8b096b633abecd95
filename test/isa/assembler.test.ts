import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/diagnostic.js';
import { assemble, createAssembler, flatImage } from '../../src/isa/assembler.js';
import { createDecoder } from '../../src/isa/decoder.js';
import { insertField } from '../../src/isa/encoding.js';
import { createDisassembler, unitsOfImage, unitsOfWord, wordOfUnits } from '../../src/isa/disassembler.js';
import { loadIsa } from '../../src/isa/load.js';
import type { Isa } from '../../src/isa/model.js';
import { checkIsa } from '../../src/semantics/check-isa.js';

const isas = join(import.meta.dirname, '../../isas');
const pg3 = checkIsa(loadIsa(join(isas, 'pg3.yaml'))).isa;
const riscv32 = checkIsa(loadIsa(join(isas, 'riscv32.yaml'))).isa;

/**
 * Bits of an instruction's fields that its syntax does not show (riscv32's AMO `aq` and `rl`,
 * which GNU as writes as mnemonic suffixes the template language cannot express, and fence's
 * reserved fields): a word with any of them set cannot survive disassembly.
 */
function hiddenBits(isa: Isa, index: number): bigint {
  const { syntax, encoding } = isa.instructions[index]!;
  const hidden = encoding.fields.filter((f) => !syntax.includes(`{${f.name}}`));
  return hidden.reduce((bits, f) => insertField(bits, f, (1n << BigInt(f.width)) - 1n), 0n);
}

/** Words that decode: an instruction's fixed bits with random bits in every field its syntax shows. */
function decodableWord(isa: Isa): fc.Arbitrary<bigint> {
  const width = isa.instructionWidth;
  return fc.tuple(fc.integer({ min: 0, max: isa.instructions.length - 1 }), fc.bigInt({ min: 0n, max: (1n << BigInt(width)) - 1n }))
    .map(([i, bits]) => {
      const { mask, match } = isa.instructions[i]!.encoding;
      return match | (bits & ~mask & ~hiddenBits(isa, i));
    });
}

/** The diagnostics an assembly raises, as `line:col code` strings. */
function errors(isa: Isa, source: string): string[] {
  try {
    assemble(isa, source, 'test.s');
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return e.diagnostics.map((d) => `${d.pos?.line}:${d.pos?.col} ${d.code}`);
  }
  return [];
}

function message(isa: Isa, source: string): string {
  try {
    assemble(isa, source, 'test.s');
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  return '';
}

describe.each([
  ['pg3', pg3],
  ['riscv32', riscv32],
])('the %s assembler and disassembler, derived from the description', (_, isa) => {
  const { disassemble } = createDisassembler(isa);
  const { encode } = createAssembler(isa);
  const { decode } = createDecoder(isa);

  it('disassembling a word that decodes, then assembling the text, gives the word back', () => {
    fc.assert(fc.property(decodableWord(isa), (word) => {
      expect(decode(word)).not.toBeNull();
      const text = disassemble(word);
      expect(text).not.toBeNull();
      expect(encode(text ?? '')).toBe(word);
    }), { numRuns: 2000 });
  });

  it('random words: those that decode round-trip, the others disassemble to null', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << BigInt(isa.instructionWidth)) - 1n }), (word) => {
      const text = disassemble(word);
      const decoded = decode(word);
      if (decoded === null) expect(text).toBeNull();
      else if ((word & hiddenBits(isa, decoded.index)) === 0n) expect(encode(text ?? '')).toBe(word);
    }), { numRuns: 2000 });
  });

  it('lists the instructions whose syntax leaves out a field', () => {
    const hidden = isa.instructions.filter((_, i) => hiddenBits(isa, i) !== 0n).map((i) => i.name);
    if (isa === pg3) expect(hidden).toEqual([]);
    // riscv32: fence's fm/rs1/rd and fence.i's imm/rs1/rd (reserved, ignored by hardware), the AMOs' aq/rl.
    else expect(hidden.filter((name) => !/^(fence|lr\.|sc\.|amo)/.test(name))).toEqual([]);
  });

  it('a word split into memory units and joined again is the same word', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << BigInt(isa.instructionWidth)) - 1n }), (word) => {
      expect(wordOfUnits(isa, unitsOfWord(isa, word))).toBe(word);
    }));
  });
});

describe('assembling pg3 source', () => {
  it('places labels, .org and .word in memory units and resolves forward labels', () => {
    const p = assemble(pg3, [
      'start: jmp end          # forward reference',
      '       .org 0x10',
      'data:  .word 1, -1, data, end - start ; four words',
      'end:   halt r0',
    ].join('\n'), 'test.s');
    expect(p.origin).toBe(0);
    expect(p.units).toHaveLength(0x15);
    expect(p.symbols).toEqual(new Map([['start', 0], ['data', 0x10], ['end', 0x14]]));
    expect(p.units[0]).toBe(createAssembler(pg3).encode('jmp 0x14'));
    expect(p.units.slice(1, 0x10).every((u) => u === 0n)).toBe(true);
    expect(p.units.slice(0x10, 0x14)).toEqual([1n, 0xffffffffn, 0x10n, 0x14n]);
  });

  it('accepts any case for mnemonics, no or extra space around punctuation, and x-style register names', () => {
    const { encode } = createAssembler(pg3);
    const word = encode('load r1, -5(r2)');
    expect(encode('LOAD r1,-5(r2)')).toBe(word);
    expect(encode('  load   r1 ,  -5 ( r2 )  ')).toBe(word);
    expect(encode('load gr1, -0x5(gr2)')).toBe(word);
    expect(encode('load r1, 1 - 6(r2)')).toBe(word);
  });

  it('writes a flat image from the RAM base, each 32-bit unit as 4 bytes, big-endian', () => {
    const p = assemble(pg3, '.org 2\n.word 0x11223344\n', 'test.s');
    expect(p.origin).toBe(2);
    const bytes = flatImage(pg3, p);
    expect([...bytes]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0x11, 0x22, 0x33, 0x44]);
    expect(unitsOfImage(pg3, bytes)).toEqual([0n, 0n, 0x11223344n]);
  });

  it('on riscv32 (8-bit units, little-endian) a word is four bytes, least significant first', () => {
    const p = assemble(riscv32, 'addi a0, zero, 1\n', 'test.s');
    expect(p.origin).toBe(0x80000000);
    expect(p.units).toEqual([0x13n, 0x05n, 0x10n, 0x00n]); // addi a0, zero, 1 = 0x00100513
    expect([...flatImage(riscv32, p)]).toEqual([0x13, 0x05, 0x10, 0x00]);
  });
});

describe('assembly errors carry file:line:col of the offending text', () => {
  it('an unknown instruction, at its mnemonic', () => {
    expect(message(pg3, 'add r0, r0\n  frob r1, r2')).toBe("test.s:2:3: error asm/syntax: unknown instruction 'frob'");
  });

  it('operands that fit no template of the mnemonic, at the operands', () => {
    expect(message(pg3, 'add r1')).toBe("test.s:1:5: error asm/syntax: operands do not match 'add {r}, {x}'");
  });

  it('a register the file does not have, at the register', () => {
    expect(message(pg3, 'loop: load r1, 4(r8)')).toBe("test.s:1:18: error asm/syntax: 'r8' is not a register of GR");
  });

  it('an immediate that does not fit its field, at the immediate', () => {
    expect(errors(pg3, 'shl r1, 32')).toEqual(['1:9 asm/syntax']);
    expect(errors(pg3, 'loadi r1, -524289')).toEqual(['1:11 asm/syntax']);
    expect(errors(pg3, 'jmp -1')).toEqual(['1:5 asm/syntax']);
    expect(message(pg3, 'shl r1, 32')).toContain('does not fit the 5-bit unsigned field sh: 0..31');
  });

  it('a branch offset the encoding cannot hold (riscv32 B-type imm has no bit 0)', () => {
    expect(message(riscv32, 'beq a0, a1, 3')).toBe('test.s:1:13: error asm/syntax: 3 must be a multiple of 2: field imm has no bit 0');
  });

  it('undefined and duplicate labels, unknown directives and overlapping .org, every one reported', () => {
    expect(errors(pg3, [
      'a:  jmp nowhere',
      'a:  .word 1',
      '    .align 4',
      '    .org 0',
      '    .word 2',
      '    .word b +',
    ].join('\n'))).toEqual(['1:9 asm/syntax', '2:1 asm/syntax', '3:5 asm/syntax', '5:11 asm/syntax', '6:11 asm/syntax']);
  });
});

describe('variable-length instructions (test/fixtures/isa/varlen.yaml)', () => {
  const isa = loadIsa(join(import.meta.dirname, '../fixtures/isa/varlen.yaml'));

  it('each instruction takes its own length, so labels after it land right', () => {
    const program = assemble(isa, 'start: movi r1, 0x12345678\n inc r1\n add r2, r1\nend: hlt\n', 'v.s');
    expect(program.symbols.get('end')).toBe(8);
    expect(program.units).toEqual([0xb9n, 0x78n, 0x56n, 0x34n, 0x12n, 0x41n, 0x01n, 0xcan, 0xf4n]);
  });

  it('disassembling the stream gives the source back, one instruction per line', () => {
    const program = assemble(isa, 'movi r3, -2\ninc r0\nadd r7, r6\nhlt\n', 'v.s');
    const { disassembleStream } = createDisassembler(isa);
    const texts: string[] = [];
    for (let at = 0; at < program.units.length;) {
      const found = disassembleStream((k) => program.units[at + k] ?? null);
      if (found === null) throw new Error(`no instruction at ${at}`);
      texts.push(found.text);
      at += found.width / 8;
    }
    expect(texts).toEqual(['movi r3, -2', 'inc r0', 'add r7, r6', 'hlt']);
  });
});
