/** The verdict table: rows per instruction, variants under their instruction, the theorem lines, the vmm: column. */
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import { renderTable } from '../../src/report/table.js';
import { loadFixture } from '../check/fixtures.js';

describe('the verdict table', () => {
  it('lists variants indented under their instruction, each class with its evidence', () => {
    const text = renderTable(auditIsa(loadFixture('sealed')));
    const lines = text.split('\n');
    expect(lines).toContain('csrw');
    expect(lines.find((l) => l.startsWith('instruction'))).toMatch(/^instruction +P +CS +MS +LS +RS +US +TD +verdict$/);
    expect(lines.find((l) => l.startsWith('  csr=CSR_STATUS'))).toMatch(/^ {2}csr=CSR_STATUS +yes ✓ +yes w +(no {2}✓ +){5}privileged, sensitive$/);
    expect(lines.find((l) => l.startsWith('getbase '))).toMatch(/^getbase +yes ✓ +no {2}✓ +no {2}✓ +yes w +no {2}✓ +no {2}✓ +no {2}✓ +privileged, sensitive$/);
    expect(lines.find((l) => l.startsWith('add '))).toMatch(/no {2}w +(no {2}✓ +){6}innocuous$/);
    expect(text).toContain('Theorem 1 (sensitive ⊆ privileged): holds, proven — a trap-and-emulate VMM can be built.');
    expect(text).toContain('Theorem 2 (Theorem 1, and no timing dependency in user mode): holds, proven');
    expect(text).toMatch(/seed \d+ · 300 runs per search/);
    expect(text).toContain('Unknown: 0 rows over all states.');
  });

  it('says what failing Theorem 1 means, names the offenders and shows their witnesses', () => {
    const text = renderTable(auditIsa(loadFixture('control-hole')));
    expect(text).toContain('Theorem 1 (sensitive ⊆ privileged): FAILS — sensitive but not privileged: setie');
    expect(text).toContain('no trap-and-emulate VMM by this construction (Theorem 1 is sufficient, not necessary)');
    expect(text).toMatch(/setie +no {2}w +yes w .* ✗ sensitive, not privileged \(T1, T2, T3\)/);
    expect(text).toMatch(/ {2}setie: changes status without trapping in mode U\n/);
    expect(text).toMatch(/replay: search controlSensitive, seed \d+, path [\d:]+/);
  });

  it('shows what the vmm: configuration changes, and the theorems under it', () => {
    const text = renderTable(auditIsa(loadFixture('configured')));
    expect(text).toContain('vmm: A VMM hides the cycle counter from its guests (counteren.CY = 0x0, in every mode but S)');
    expect(text).toMatch(/^rdcycle +no {2}w .* yes w +✗ timing-dependent, not privileged \(T2\) +P yes ✓, TD no ✓: privileged$/m);
    expect(text).toContain('Theorem 2 (Theorem 1, and no timing dependency in user mode) under vmm:: holds, proven');
  });
});
