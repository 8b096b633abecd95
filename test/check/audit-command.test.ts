/** `isavirt audit` through `main`, as the shell sees it: output and exit status. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { FIXTURES, fixturePath } from './fixtures.js';

let out: string[] = [];
let err: string[] = [];

beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true; });
});
afterEach(() => vi.restoreAllMocks());

describe('isavirt audit', () => {
  it('exits 0 when Theorem 1 holds, and prints the table with its seed', async () => {
    expect(await main(['audit', fixturePath('sealed')])).toBe(0);
    expect(out.join('')).toMatch(/^sealed — .*\n.* · seed \d+ · 300 runs per search/);
    expect(err).toEqual([]);
  });

  it('exits 1 when Theorem 1 fails for one of the ISAs', async () => {
    expect(await main(['audit', fixturePath('sealed'), fixturePath('control-hole')])).toBe(1);
    expect(out.join('')).toContain('Theorem 1 (sensitive ⊆ privileged): FAILS');
  });

  it('--require decides which theorem sets the exit status', async () => {
    expect(await main(['audit', '--require', 't3', fixturePath('supervisor-hole')])).toBe(0);
    expect(await main(['audit', '--require', 't3', fixturePath('mode-hole')])).toBe(1);
    expect(await main(['audit', '--require', 'none', fixturePath('mode-hole')])).toBe(0);
    expect(await main(['audit', '--require', 't2', fixturePath('sealed')])).toBe(2);
  });

  it('--seed and --runs are used and recorded; --json prints the results', async () => {
    expect(await main(['audit', '--json', '--seed', '1234', '--runs', '50', fixturePath('mode-hole')])).toBe(1);
    const results: unknown = JSON.parse(out.join(''));
    expect(results).toMatchObject([{ isa: 'mode_hole', seed: 1234, runs: 50, theorem1: { holds: false, offending: ['getmode'] } }]);
  });

  it('audits every description in a directory', async () => {
    expect(await main(['audit', '--json', '--runs', '20', FIXTURES])).toBe(1);
    const results: unknown = JSON.parse(out.join(''));
    expect(Array.isArray(results) && results.map((r: { isa: string }) => r.isa)).toEqual(['control_hole', 'mode_hole', 'sealed', 'supervisor_hole']);
  });

  it('exits 2 for bad input, before auditing anything', async () => {
    expect(await main(['audit', fixturePath('sealed'), 'no/such.yaml'])).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('')).toMatch(/error io\/read: cannot read no\/such\.yaml/);
    expect(await main(['audit', '--seed', 'x', fixturePath('sealed')])).toBe(2);
  });
});
