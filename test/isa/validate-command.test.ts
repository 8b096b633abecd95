/** `isavirt validate` through `main`, as the shell sees it: output lines and exit status. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { TINY, fixture } from './fixtures.js';

let out: string[] = [];
let err: string[] = [];

beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true; });
});
afterEach(() => vi.restoreAllMocks());

function lines(chunks: string[]): string[] {
  return chunks.join('').split('\n').filter((l) => l !== '');
}

describe('isavirt validate', () => {
  it('prints FILE: ok (N instructions) and exits 0 for a valid description', async () => {
    expect(await main(['validate', TINY])).toBe(0);
    expect(lines(out)).toEqual([`${TINY}: ok (11 instructions)`]);
    expect(err).toEqual([]);
  });

  it('prints each diagnostic as one line on stderr and exits 2', async () => {
    const bad = fixture('invalid/encoding-overlap.yaml');
    expect(await main(['validate', TINY, bad])).toBe(2);
    expect(lines(out)).toEqual([`${TINY}: ok (11 instructions)`]);
    expect(lines(err)).toEqual([`${bad}:29:15: error encoding/overlap: the encoding of 'dec' overlaps 'inc' (line 25): 0x01 matches both`]);
  });

  it('prints { file, ok, diagnostics } per file with --json', async () => {
    const bad = fixture('invalid/schema-width.yaml');
    expect(await main(['validate', '--json', TINY, bad])).toBe(2);
    const results: unknown[] = lines(out).map((l) => JSON.parse(l));
    expect(results).toEqual([
      { file: TINY, ok: true, instructions: 11, diagnostics: [] },
      {
        file: bad, ok: false,
        diagnostics: [{ code: 'schema/invalid', message: 'state.A.width: must be an integer from 1 to 64 (got 99)', pos: { file: bad, line: 14, col: 33 } }],
      },
    ]);
    expect(err).toEqual([]);
  });

  it('reports a missing file as io/read, exit 2', async () => {
    expect(await main(['validate', 'no/such.yaml'])).toBe(2);
    expect(lines(err)).toEqual([expect.stringMatching(/^error io\/read: cannot read no\/such\.yaml: /)]);
  });
});

describe('isavirt usage', () => {
  it('a usage error is one line, error cli/usage, exit 2', async () => {
    expect(await main(['validate', '--no-such-option', TINY])).toBe(2);
    expect(lines(err)).toEqual(["error cli/usage: unknown option '--no-such-option'"]);
    expect(await main(['valdate'])).toBe(2);
    expect(lines(err)[1]).toMatch(/^error cli\/usage: unknown command 'valdate'/);
  });

  it('a missing argument is a usage error', async () => {
    expect(await main(['validate'])).toBe(2);
    expect(lines(err)).toEqual(["error cli/usage: missing required argument 'file'"]);
  });

  it('--help exits 0', async () => {
    expect(await main(['--help'])).toBe(0);
    expect(out.join('')).toContain('validate');
    expect(await main(['validate', '--help'])).toBe(0);
    expect(out.join('')).toContain('--json');
  });

  it('leaves process.exitCode as it found it', async () => {
    await main(['validate', fixture('invalid/schema-width.yaml')]);
    expect(process.exitCode).toBeUndefined();
  });
});
