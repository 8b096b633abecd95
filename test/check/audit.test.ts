/** The audit on the fixture ISAs: what it decides, how it records it, and that it is deterministic. */
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import type { AuditResult, VariantAudit } from '../../src/check/result.js';
import { loadFixture, withProbe } from './fixtures.js';

function only(result: AuditResult, name: string): VariantAudit {
  const i = result.instructions.find((x) => x.name === name);
  if (!i || i.variants.length !== 1) throw new Error(`${name} is not one whole instruction`);
  return i.variants[0]!;
}

describe('the audit', () => {
  it('holds Theorems 1, 2 and 3, proven, when every sensitive instruction is privileged', () => {
    const r = auditIsa(loadFixture('sealed'));
    for (const t of [r.theorems.t1, r.theorems.t2, r.theorems.t3]) {
      expect(t).toEqual({ holds: true, evidence: 'proven', offending: [], unresolved: [] });
    }
    expect(only(r, 'setie').privileged).toMatchObject({ value: true, evidence: 'proven' });
    expect(only(r, 'setie').controlSensitive).toMatchObject({ value: true, evidence: 'witnessed' });
    expect(only(r, 'getbase').locationSensitive).toMatchObject({ value: true, evidence: 'witnessed' });
    expect(only(r, 'getie').resourceSensitive).toMatchObject({ value: true, evidence: 'witnessed' });
  });

  it('without a vmm: section, the verdict under the configuration is the verdict over all states', () => {
    const r = auditIsa(loadFixture('sealed'));
    expect(r.vmm).toBeNull();
    expect(r.underVmmConfig).toEqual(r.theorems);
    expect(r.instructions.every((i) => i.variants.every((v) => v.underVmmConfig.privileged === v.privileged))).toBe(true);
  });

  it('says why each offender breaks a theorem, with its line', () => {
    const r = auditIsa(loadFixture('location-hole'));
    expect(r.theorems.t1.offending).toHaveLength(1);
    const o = r.theorems.t1.offending[0]!;
    expect(o.instruction).toBe('getbase');
    expect(o.line).toBe(r.instructions.find((i) => i.name === 'getbase')!.line);
    expect(o.why).toMatch(/^location-sensitive \(witnessed\); not privileged \(witnessed: completes in user mode U\)$/);
  });

  it('classifies each selection of a selecting field on its own, and every other value as one', () => {
    const r = auditIsa(loadFixture('sealed'));
    const csrw = r.instructions.find((i) => i.name === 'csrw')!;
    expect(csrw.variants.map((v) => v.label)).toEqual(['csr=CSR_VECTOR', 'csr=CSR_STATUS', 'csr=CSR_BASE', 'csr=CSR_BOUND', 'csr=other']);
    const other = csrw.variants[4]!;
    // Every unnamed CSR traps in every mode: not privileged (nothing completes in supervisor
    // mode, proven), and not sensitive either.
    expect(other.privileged).toMatchObject({ value: false, evidence: 'proven' });
    expect(other.innocuous).toMatchObject({ value: true, evidence: 'proven' });
    expect(csrw.variants.slice(0, 4).every((v) => v.privileged.value && v.controlSensitive.value)).toBe(true);
  });

  it('is deterministic for a seed, and the seed is recorded', () => {
    const checked = loadFixture('control-hole');
    const strip = (r: AuditResult): AuditResult => ({ ...r, seconds: 0, instructions: r.instructions.map((i) => ({ ...i, seconds: 0 })) });
    const a = auditIsa(checked, { seed: 7 });
    expect(a.seed).toBe(7);
    expect(strip(auditIsa(checked, { seed: 7 }))).toEqual(strip(a));
    expect(auditIsa(checked).seed).toBe(auditIsa(checked).seed);
  });

  it('checks expect: claims and reports the ones it contradicts at the claim\'s line', () => {
    const checked = withProbe('vector = R[rs1];', '{ privileged: true, controlSensitive: true, innocuous: false }');
    const r = auditIsa(checked);
    const probe = r.instructions.find((i) => i.name === 'probe')!;
    expect(probe.mismatches).toEqual([{
      claim: 'privileged', claimed: true, found: false, evidence: 'witnessed',
      line: checked.isa.instructions.find((i) => i.name === 'probe')!.expectPos.get('privileged')!.line,
      selection: '', witness: probe.variants[0]!.privileged.witness,
    }]);
  });

  it('checks location- and resource-sensitivity claims too', () => {
    const r = auditIsa(withProbe('R[rd] = base;', '{ locationSensitive: false, resourceSensitive: true }'));
    const probe = r.instructions.find((i) => i.name === 'probe')!;
    expect(probe.mismatches.map((m) => [m.claim, m.claimed, m.found])).toEqual([
      ['locationSensitive', false, true], ['resourceSensitive', true, false],
    ]);
  });
});
