import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/diagnostic.js';
import type { Board } from '../../src/isa/model.js';
import { parseElf } from '../../src/machine/elf.js';
import { loadGuestImage, placeImage, type GuestImage } from '../../src/machine/image.js';
import { Ram } from '../../src/machine/memory.js';
import { diagnosticOf } from '../support/diagnostic.js';

const HELLO = join(import.meta.dirname, '../../guests/riscv32/hello/hello.elf');
const FIXTURES = join(import.meta.dirname, '../fixtures/elf');
const hello = new Uint8Array(readFileSync(HELLO));
const tinyLe = new Uint8Array(readFileSync(join(FIXTURES, 'tiny-le.elf')));
const tinyBe = new Uint8Array(readFileSync(join(FIXTURES, 'tiny-be.elf')));
const tiny64 = new Uint8Array(readFileSync(join(FIXTURES, 'tiny-64.elf')));

const EM_RISCV = 243;
const PT_LOAD = 1;


/** The elf/invalid message for `bytes`, or a failure when it parses. */
function rejection(bytes: Uint8Array): string {
  const d = diagnosticOf(() => parseElf(bytes, 'bad.elf'));
  expect(d?.code).toBe('elf/invalid');
  expect(d?.pos).toBeUndefined();
  return d?.message ?? '';
}

/** A copy of a little-endian ELF32 with `edit` applied through a DataView. */
function patched(bytes: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer));
  return copy;
}

/** Byte offset of the first PT_LOAD program header of a little-endian ELF32. */
function firstLoadHeader(view: DataView): number {
  const phoff = view.getUint32(28, true);
  for (let i = 0; i < view.getUint16(44, true); i++) {
    if (view.getUint32(phoff + 32 * i, true) === PT_LOAD) return phoff + 32 * i;
  }
  throw new Error('no PT_LOAD');
}

describe('parseElf', () => {
  it("reads hello.elf's entry, its loadable segment and its tohost symbol", () => {
    const elf = parseElf(hello, HELLO);
    expect(elf.entry).toBe(0x8000_0000);
    expect(elf.machine).toBe(EM_RISCV);
    expect(elf.endian).toBe('little');
    expect(elf.segments.map((s) => [s.paddr, s.vaddr, s.data.length, s.memsz])).toEqual([[0x8000_0000, 0x8000_0000, 0x6d8, 0x10af0]]);
    expect(elf.symbols.get('tohost')).toBe(0x8000_06c8);
    expect(elf.symbols.get('fromhost')).toBe(0x8000_06d0);
    expect(elf.symbols.get('main')).toBe(0x8000_0200);
  });

  it('the little- and big-endian builds of one program give the same layout, data in their own byte order', () => {
    const le = parseElf(tinyLe, 'tiny-le.elf');
    const be = parseElf(tinyBe, 'tiny-be.elf');
    expect(be.endian).toBe('big');
    expect(be.machine).toBe(EM_RISCV);
    expect(be.entry).toBe(le.entry);
    expect([...be.symbols]).toEqual([...le.symbols]);
    const layout = (s: (typeof le.segments)[number]): number[] => [s.paddr, s.data.length, s.memsz];
    expect(be.segments.map(layout)).toEqual(le.segments.map(layout));
    expect(le.segments.map(layout)).toEqual([[0x8000_0000, 0x14, 0x14], [0x8000_1000, 0x18, 0x58]]);
    // .data starts with `.word 0x11223344` (the symbol `message`).
    expect(be.symbols.get('message')).toBe(0x8000_1000);
    expect([...be.segments[1]!.data.subarray(0, 4)]).toEqual([0x11, 0x22, 0x33, 0x44]);
    expect([...le.segments[1]!.data.subarray(0, 4)]).toEqual([0x44, 0x33, 0x22, 0x11]);
  });

  it('leaves section and file symbols out, and keeps the defined names', () => {
    const elf = parseElf(tinyLe, 'tiny-le.elf');
    expect([...elf.symbols.keys()].sort()).toEqual(['$xrv32i2p1', '_start', 'fromhost', 'message', 'scratch', 'tohost']);
  });

  it('rejects a 64-bit ELF with a clear message', () => {
    expect(rejection(tiny64)).toMatch(/^bad\.elf: is a 64-bit ELF file/);
  });

  it.each([
    ['bad magic', Uint8Array.from('MZ\x90\x00 not an ELF file', (c) => c.charCodeAt(0)), /not an ELF file/],
    ['a truncated identification', hello.slice(0, 10), /truncated/],
    ['a truncated header', hello.slice(0, 40), /the ELF header .* beyond the end of the file/],
    ['an unknown class', patched(hello, (v) => v.setUint8(4, 3)), /unknown ELF class 3/],
    ['an unknown byte order', patched(hello, (v) => v.setUint8(5, 0)), /unknown byte order 0/],
    ['a relocatable object', patched(hello, (v) => v.setUint16(16, 1, true)), /relocatable object .* not an executable/],
    ['a program header table beyond the file', patched(hello, (v) => v.setUint32(28, hello.length - 8, true)), /program header table .* beyond the end/],
    ['a segment beyond the file', patched(hello, (v) => v.setUint32(firstLoadHeader(v) + 4, hello.length - 4, true)), /segment 1 .* beyond the end/],
    ['filesz above memsz', patched(hello, (v) => v.setUint32(firstLoadHeader(v) + 20, 4, true)), /more file bytes/],
    ['a segment past 4 GiB', patched(hello, (v) => v.setUint32(firstLoadHeader(v) + 12, 0xffff_fff0, true)), /32-bit address space/],
    ['no loadable segment', patched(hello, (v) => v.setUint32(firstLoadHeader(v), 6, true)), /no loadable/],
    ['a section header table beyond the file', patched(hello, (v) => v.setUint32(32, hello.length - 40, true)), /section header table/],
  ])('rejects %s as elf/invalid, naming the file first', (_what, bytes, message) => {
    expect(rejection(bytes)).toMatch(/^bad\.elf: /);
    expect(rejection(bytes)).toMatch(message);
  });

  it('malformed ELF → InputError elf/invalid, never another exception (random bytes)', () => {
    const ident = [0x7f, 0x45, 0x4c, 0x46, 1, 1, 1];
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((tail) => Uint8Array.from([...ident, ...tail])),
    );
    fc.assert(fc.property(bytes, (b) => parsesOrRejects(b)), { numRuns: 2000 });
  });

  it('malformed ELF → InputError elf/invalid, never another exception (mutations of hello.elf)', () => {
    const byteEdit = fc.record({ at: fc.nat({ max: hello.length - 1 }), byte: fc.nat({ max: 255 }) });
    // Header and table fields are 16- and 32-bit words; extreme values find the overflow bugs.
    const wordEdit = fc.record({
      at: fc.nat({ max: hello.length - 4 }),
      word: fc.oneof(fc.constantFrom(0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff), fc.nat({ max: 0xffff_ffff })),
    });
    const mutation = fc.record({
      bytes: fc.array(byteEdit, { maxLength: 6 }),
      words: fc.array(wordEdit, { maxLength: 4 }),
      headerWords: fc.array(fc.record({ at: fc.nat({ max: 48 }), word: fc.nat({ max: 0xffff_ffff }) }), { maxLength: 3 }),
      length: fc.option(fc.nat({ max: hello.length }), { nil: undefined }),
    });
    fc.assert(fc.property(mutation, (m) => {
      const copy = hello.slice(0, m.length ?? hello.length);
      const view = new DataView(copy.buffer);
      for (const e of m.bytes) if (e.at < copy.length) copy[e.at] = e.byte;
      for (const e of [...m.words, ...m.headerWords]) if (e.at + 4 <= copy.length) view.setUint32(e.at, e.word, true);
      parsesOrRejects(copy);
    }), { numRuns: 3000 });
  });
});

/** The fuzz law: parseElf returns an image or throws InputError elf/invalid — nothing else. */
function parsesOrRejects(bytes: Uint8Array): void {
  try {
    const elf = parseElf(bytes, 'fuzz.elf');
    for (const s of elf.segments) expect(s.data.length).toBeLessThanOrEqual(s.memsz);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    if (e instanceof InputError) {
      expect(e.diagnostics.map((d) => d.code)).toEqual(['elf/invalid']);
      expect(e.diagnostics[0]?.message.startsWith('fuzz.elf: ')).toBe(true);
    }
  }
}

describe('guest images', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isavirt-image-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const virt: Board = { ram: { base: 0x8000_0000, size: 0x80_0000 }, devices: [], htif: true };
  const riscv = { unit: 8, board: virt };

  it('an ELF guest loads at its physical addresses, with its entry and symbols', () => {
    const image = loadGuestImage(HELLO, riscv);
    expect(image.format).toBe('elf');
    expect(image.entry).toBe(0x8000_0000);
    expect(image.machine).toBe(EM_RISCV);
    expect(image.symbols.get('tohost')).toBe(0x8000_06c8);
    const ram = new Ram(virt.ram.base, virt.ram.size, 8, 'little');
    placeImage(image, ram);
    expect(ram.read(0x8000_0000, 32)).toBe(new DataView(hello.buffer).getUint32(0x1000, true));
  });

  it('placing a segment copies its data and zero-fills up to memsz', () => {
    const ram = new Ram(0x8000_0000, 0x2000, 8, 'big');
    for (let a = 0x8000_1000; a < 0x8000_1060; a += 4) ram.write(a, 32, 0xffff_ffff);
    placeImage(loadGuestImage(join(FIXTURES, 'tiny-be.elf'), riscv), ram);
    expect(ram.read(0x8000_1000, 32)).toBe(0x1122_3344);
    expect(ram.read(0x8000_1018, 64)).toBe(0n); // .bss, beyond filesz
    expect(ram.read(0x8000_1050, 64)).toBe(0n); // last bytes of memsz
    expect(ram.read(0x8000_1058, 32)).toBe(0xffff_ffff); // beyond memsz: untouched
  });

  it('any other file is a flat binary entered at the RAM base', () => {
    const file = join(dir, 'flat.bin');
    writeFileSync(file, Uint8Array.of(0x13, 0x00, 0x00, 0x00));
    const image = loadGuestImage(file, riscv);
    expect([image.format, image.entry, image.machine, image.symbols.size]).toEqual(['flat', 0x8000_0000, null, 0]);
    const ram = new Ram(virt.ram.base, virt.ram.size, 8, 'little');
    placeImage(image, ram);
    expect(ram.read(0x8000_0000, 32)).toBe(0x13);
  });

  it('a flat image on a word-addressed machine is packed into units in the ISA\'s byte order', () => {
    const file = join(dir, 'words.bin');
    writeFileSync(file, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    const image = loadGuestImage(file, { unit: 32, board: { ram: { base: 0x100, size: 16 }, devices: [], htif: false } });
    const ram = new Ram(0x100, 16, 32, 'big');
    placeImage(image, ram);
    expect([ram.read(0x100, 32), ram.read(0x101, 32)]).toEqual([0x0102_0304, 0x0506_0708]);
  });

  it('a missing file is io/read; an empty one, or a segment outside RAM, image/invalid', () => {
    expect(diagnosticOf(() => loadGuestImage(join(dir, 'missing.elf'), riscv))?.code).toBe('io/read');
    const empty = join(dir, 'empty.bin');
    writeFileSync(empty, new Uint8Array(0));
    expect(diagnosticOf(() => loadGuestImage(empty, riscv))?.code).toBe('image/invalid');
    const small = new Ram(0x8000_0000, 0x1000, 8, 'little');
    const outside = diagnosticOf(() => placeImage(loadGuestImage(HELLO, riscv), small));
    expect(outside?.code).toBe('image/invalid');
    expect(outside?.message).toMatch(/hello\.elf: the segment at 0x80000000 .* outside RAM/);
  });

  it('an image whose bytes are not whole units is image/invalid', () => {
    const image: GuestImage = { file: 'odd.bin', format: 'flat', entry: 0, machine: null, symbols: new Map(), segments: [{ address: 0, data: Uint8Array.of(1, 2, 3), memsz: 3 }] };
    expect(diagnosticOf(() => placeImage(image, new Ram(0, 16, 32, 'little')))?.message).toMatch(/whole number of 32-bit/);
    expect(diagnosticOf(() => placeImage(image, new Ram(0, 16, 36, 'big')))?.code).toBe('image/invalid');
  });

  it('a flat image for 36-bit words holds each word in five bytes, as the assembler writes it', () => {
    const data = Uint8Array.of(0x0f, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x2a);
    const image: GuestImage = { file: 'pdp.bin', format: 'flat', entry: 0, machine: null, symbols: new Map(), segments: [{ address: 0o20, data, memsz: 10 }] };
    const ram = new Ram(0, 64, 36, 'big');
    placeImage(image, ram);
    expect(ram.read(0o20, 36)).toBe(0xfffffffffn);
    expect(ram.read(0o21, 36)).toBe(0x2an);
  });
});
