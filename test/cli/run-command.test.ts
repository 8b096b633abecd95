/**
 * The command-line contract of `isavirt run` and of bad input everywhere (DESIGN.md §6): exit 0
 * when the guest passes, 1 when it fails, 2 for bad input with one diagnostic line and no stack
 * trace, 124 when --max-steps runs out. Runs `main()` in-process, capturing stdout and stderr.
 */
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const root = join(import.meta.dirname, '../..');
const riscv = join(root, 'isas/riscv32.yaml');
const hello = join(root, 'guests/riscv32/hello/hello.elf');
const tmp = mkdtempSync(join(tmpdir(), 'isavirt-cli-'));

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err += String(s); return true; });
});
afterEach(() => vi.restoreAllMocks());

/** A bad-input run: exit 2, every stderr line a diagnostic, no stack trace. */
async function expectBadInput(argv: string[], pattern: RegExp): Promise<void> {
  expect(await main(argv)).toBe(2);
  const lines = err.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(err).not.toMatch(/\n\s+at /);
}

describe('isavirt run', () => {
  it('exits 0 and prints the guest console when the guest passes', async () => {
    expect(await main(['run', riscv, hello])).toBe(0);
    expect(out).toBe(readFileSync(join(root, 'guests/riscv32/hello/expected.txt'), 'latin1'));
  });

  it('exits 124 when --max-steps runs out', async () => {
    expect(await main(['run', riscv, hello, '--max-steps', '1000'])).toBe(124);
    expect(err).toMatch(/--max-steps 1000/);
  });

  it('exits 1 and names the code when the guest reports failure', async () => {
    // A flat image storing (1 << 16) | 0x3333 to the sifive_test finisher: fail with code 1.
    const words = [
      0x00013537, // lui  a0, 0x13
      0x33350513, // addi a0, a0, 0x333
      0x001005b7, // lui  a1, 0x100
      0x00a5a023, // sw   a0, 0(a1)
    ];
    const image = join(tmp, 'fail.bin');
    writeFileSync(image, Buffer.from(new Uint32Array(words).buffer));
    expect(await main(['run', riscv, image])).toBe(1);
    expect(err).toMatch(/code 1/);
  });

  it('--stats json: per guest, exits and interpreted steps by reason that add up, the direct-execution ratio, its own seconds', async () => {
    const pg3 = join(root, 'isas/pg3.yaml');
    const guests = ['sum', 'supervisor'].map((g) => join(root, `guests/pg3/${g}.bin`));
    const begun = performance.now();
    // (Both halt with their result as the code, so the status is 1; the statistics are what count here.)
    await main(['run', pg3, ...guests, '--vmm', 'auto', '--slice', '7', '--stats', 'json']);
    const wall = (performance.now() - begun) / 1000;
    const stats = JSON.parse(err.split('\n').find((l) => l.startsWith('{'))!) as {
      strategy: string;
      guests: { steps: number; seconds: number; direct: number; exits: number; interpreted: number; directRatio: number; exitsBy: Record<string, number>; interpretedBy: Record<string, number> }[];
    };
    expect(stats.strategy).toBe('trap-and-emulate');
    expect(stats.guests).toHaveLength(2);
    const sum = (t: Record<string, number>): number => Object.values(t).reduce((a, b) => a + b, 0);
    for (const g of stats.guests) {
      expect(g.exits).toBeGreaterThan(0);
      expect(sum(g.exitsBy)).toBe(g.exits);
      expect(sum(g.interpretedBy)).toBe(g.interpreted);
      expect(g.direct + g.exits + g.interpreted).toBe(g.steps);
      expect(g.directRatio).toBeCloseTo(g.direct / g.steps, 5);
    }
    // Each guest is charged its own slices: together no more than the run took.
    expect(stats.guests[0]!.seconds + stats.guests[1]!.seconds).toBeLessThanOrEqual(wall);
  });

  it('a malformed ELF is one elf/invalid line, exit 2', async () => {
    const bad = join(tmp, 'bad.elf');
    writeFileSync(bad, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0, 0, 0]));
    await expectBadInput(['run', riscv, bad], /error elf\/invalid: .*bad\.elf/);
  });

  it('a missing guest is one io/read line, exit 2', async () => {
    await expectBadInput(['run', riscv, join(tmp, 'nope.elf')], /error io\/read: /);
  });

  it('a malformed ISA is one line with file:line:col, exit 2', async () => {
    const file = join(root, 'test/fixtures/isa/invalid/semantics-unknown-register.yaml');
    await expectBadInput(['run', file, hello], /semantics-unknown-register\.yaml:34:15: error semantics\/unknown-name: unknown name 'B'/);
  });

  it('a bad option value is a cli/usage line, exit 2', async () => {
    await expectBadInput(['run', riscv, hello, '--max-steps', 'lots'], /error cli\/usage: /);
  });

  it('an unknown command is a cli/usage line, exit 2', async () => {
    await expectBadInput(['frobnicate'], /error cli\/usage: /);
  });
});
