/**
 * The guests built by real toolchains are what their committed sources build to: each guest
 * directory's `make verify` rebuilds them into a temporary directory with the Debian tools its
 * Makefile names and compares the bytes with the committed binaries. CI installs those tools
 * (.ci/run), so there these checks must run, not be skipped.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Guest directory → the assembler its Makefile uses (from the Debian package in .ci/run). */
const GUESTS: readonly (readonly [string, string])[] = [
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
