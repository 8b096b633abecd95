/**
 * The committed guest binaries are what their committed sources build to. Guests built by real
 * toolchains: each guest directory's `make verify` rebuilds them into a temporary directory with
 * the Debian tools its Makefile names and compares the bytes; CI installs those tools (.ci/run),
 * so there these checks must run, not be skipped. Guests of the ISAs without a real assembler (pg3,
 * pdp10): the assembler derived from the description, in process.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleFile, flatImage } from '../../src/isa/assembler.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';

/** Guest directory → the assembler its Makefile uses (from the Debian package in .ci/run). */
const GUESTS: readonly (readonly [string, string])[] = [
  ['riscv32', 'riscv64-unknown-elf-gcc'],   // gcc-riscv64-unknown-elf
  ['x86-32', 'nasm'],                       // nasm, binutils (ld -m elf_i386)
  ['armv7a', 'arm-none-eabi-as'],           // binutils-arm-none-eabi
  ['m68k', 'm68k-linux-gnu-as'],            // binutils-m68k-linux-gnu
];

function has(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('guests rebuild byte for byte from their sources (make verify)', () => {
  it.runIf(Boolean(process.env['CI']))('CI has every guest toolchain', () => {
    expect(GUESTS.filter(([, tool]) => !has(tool)).map(([, tool]) => tool)).toEqual([]);
  });

  for (const [guest, tool] of GUESTS) {
    it.runIf(has(tool))(`guests/${guest}`, () => {
      const dir = join(import.meta.dirname, '../../guests', guest);
      expect(() => execFileSync('make', ['-s', '-C', dir, 'verify'], { stdio: 'pipe' })).not.toThrow();
    });
  }
});

describe('guests of the derived assembler are what their sources assemble to', () => {
  for (const [guest, isa] of [['pg3', 'pg3'], ['pdp10', 'pdp10']] as const) {
    const dir = join(import.meta.dirname, '../../guests', guest);
    const checked = loadCheckedIsa(join(import.meta.dirname, '../../isas', `${isa}.yaml`));
    for (const source of readdirSync(dir).filter((f) => f.endsWith('.s'))) {
      it(`guests/${guest}/${source}`, () => {
        const image = flatImage(checked.isa, assembleFile(checked.isa, join(dir, source)));
        expect(Buffer.from(image).equals(readFileSync(join(dir, source.replace(/\.s$/, '.bin'))))).toBe(true);
      });
    }
  }
});
