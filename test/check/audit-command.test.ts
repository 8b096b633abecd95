/** `isavirt audit` through `main`, as the shell sees it: output, files written and exit status. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { FIXTURE_NAMES, FIXTURES, fixturePath } from './fixtures.js';

let out: string[] = [];
let err: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'isavirt-audit-'));

beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true; });
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

  it('--require decides which theorem sets the exit status, --config over which states', async () => {
    expect(await main(['audit', '--require', 't3', fixturePath('supervisor-hole')])).toBe(0);
    expect(await main(['audit', '--require', 't3', fixturePath('mode-hole')])).toBe(0);
    expect(await main(['audit', '--require', 't3', fixturePath('user-hole')])).toBe(1);
    expect(await main(['audit', '--require', 'none', fixturePath('mode-hole')])).toBe(0);
    expect(await main(['audit', '--require', 't1', fixturePath('timing-hole')])).toBe(0);
    expect(await main(['audit', '--require', 't2', fixturePath('timing-hole')])).toBe(1);
    expect(await main(['audit', '--require', 't2', fixturePath('configured')])).toBe(1);
    expect(await main(['audit', '--require', 't2', '--config', 'vmm', fixturePath('configured')])).toBe(0);
    expect(await main(['audit', '--require', 't4', fixturePath('sealed')])).toBe(2);
    expect(await main(['audit', '--config', 'some', fixturePath('sealed')])).toBe(2);
  });

  it('--seed and --runs are used and recorded; --json prints the reports', async () => {
    expect(await main(['audit', '--json', '--seed', '1234', '--runs', '50', fixturePath('mode-hole')])).toBe(1);
    const results: unknown = JSON.parse(out.join(''));
    expect(results).toMatchObject([{
      isa: 'mode_hole', seed: 1234, runs: 50,
      theorems: { t1: { holds: false, offending: [{ instruction: 'getmode' }] } },
    }]);
  });

  it('audits every description in a directory', async () => {
    expect(await main(['audit', '--json', '--runs', '20', FIXTURES])).toBe(1);
    const results: unknown = JSON.parse(out.join(''));
    expect(Array.isArray(results) && results.map((r: { isa: string }) => r.isa)).toEqual(FIXTURE_NAMES.map((n) => n.replace('-', '_')));
  });

  it('--timings prints the time per instruction', async () => {
    expect(await main(['audit', '--timings', fixturePath('sealed')])).toBe(0);
    expect(out.join('')).toMatch(/Time per instruction, sealed \(total \d+ ms\):\n +[\d.]+ ms {2}\w+ \(\d+ rows?\)/);
  });

  it('--reports writes NAME.md and NAME.json; --sarif the findings; --replay confirms every recorded witness', async () => {
    const reports = join(dir, 'reports');
    const sarif = join(dir, 'audit.sarif');
    expect(await main(['audit', '--reports', reports, '--sarif', sarif, fixturePath('location-hole'), fixturePath('sealed')])).toBe(1);
    expect(readdirSync(reports).sort()).toEqual(['location_hole.json', 'location_hole.md', 'sealed.json', 'sealed.md']);
    const log: unknown = JSON.parse(readFileSync(sarif, 'utf8'));
    expect(log).toMatchObject({ version: '2.1.0', runs: [{ tool: { driver: { name: 'isavirt' } } }] });
    expect(JSON.stringify(log)).toContain('"ruleId":"location-sensitive-not-privileged"');

    out = [];
    expect(await main(['audit', '--replay', '--reports', reports, fixturePath('location-hole'), fixturePath('sealed')])).toBe(0);
    expect(out.join('')).toMatch(/^location_hole: (\d+) of \1 witnesses in .*location_hole\.json replayed and confirmed\n/);

    // A witness whose recorded result was edited no longer replays to what the report says.
    const file = join(reports, 'sealed.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"summary":"completes in user mode U"', '"summary":"edited"'));
    out = [];
    expect(await main(['audit', '--replay', '--reports', reports, fixturePath('sealed')])).toBe(1);
    expect(out.join('')).toMatch(/replays to a different witness: completes in user mode U/);
  });

  it('exits 2 for bad input, before auditing anything', async () => {
    expect(await main(['audit', fixturePath('sealed'), 'no/such.yaml'])).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('')).toMatch(/error io\/read: cannot read no\/such\.yaml/);
    expect(await main(['audit', '--seed', 'x', fixturePath('sealed')])).toBe(2);
    expect(await main(['audit', '--replay', '--reports', join(dir, 'none'), fixturePath('sealed')])).toBe(2);
    expect(err.join('')).toMatch(/no report to replay/);
  });
});
