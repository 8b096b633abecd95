/** The verdict table: rows per instruction, variants under their instruction, the theorem lines. */
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import { renderJson } from '../../src/report/json.js';
import { renderTable } from '../../src/report/table.js';
import { loadFixture } from './fixtures.js';

describe('the verdict table', () => {
  it('lists variants indented under their instruction, each class with its evidence', () => {
    const text = renderTable(auditIsa(loadFixture('sealed')));
    const lines = text.split('\n');
    expect(lines).toContain('csrw');
    expect(lines.find((l) => l.startsWith('  csr=CSR_STATUS'))).toMatch(/^ {2}csr=CSR_STATUS +yes ✓ +yes w +no {2}✓ +no {2}✓ +privileged, sensitive$/);
    expect(lines.find((l) => l.startsWith('add '))).toMatch(/no {2}w +no {2}✓ +no {2}✓ +no {2}✓ +innocuous$/);
    expect(text).toContain('Theorem 1 (sensitive ⊆ privileged): holds, proven — a trap-and-emulate VMM can be built.');
    expect(text).toMatch(/seed \d+ · 300 runs per search/);
  });

  it('says what failing Theorem 1 means, names the offenders and shows their witnesses', () => {
    const text = renderTable(auditIsa(loadFixture('control-hole')));
    expect(text).toContain('Theorem 1 (sensitive ⊆ privileged): FAILS — sensitive but not privileged: setie');
    expect(text).toContain('no trap-and-emulate VMM by this construction (Theorem 1 is sufficient, not necessary)');
    expect(text).toMatch(/setie +no {2}w +yes w .* ✗ sensitive, not privileged \(T1, T3\)/);
    expect(text).toMatch(/ {2}setie: changes status without trapping in mode U\n/);
    expect(text).toMatch(/replay: search controlSensitive, seed \d+, path [\d:]+/);
  });

  it('JSON keeps every witness, bigints as hex strings', () => {
    const r = auditIsa(loadFixture('mode-hole'));
    const parsed: unknown = JSON.parse(renderJson([r]));
    expect(Array.isArray(parsed)).toBe(true);
    expect(JSON.stringify(parsed)).toContain('"search":"modeSensitive"');
    expect(JSON.stringify(parsed)).toMatch(/"values":\["0x0"/);
  });
});
