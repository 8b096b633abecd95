/**
 * The audit of the ISAs shipped in isas/: what Popek & Goldberg's theorems predict for them, with
 * no class left unknown, and in seconds, not minutes.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import { AUDIT_CLASSES, type AuditResult, type Classification } from '../../src/check/result.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';

function variant(r: AuditResult, name: string, label = '') {
  const v = r.instructions.find((i) => i.name === name)?.variants.find((x) => x.label === label);
  if (!v) throw new Error(`no ${name} ${label}`);
  return v;
}

/** `name label: class` for every class left unknown, over all states and under the configuration. */
function unknowns(r: AuditResult): string[] {
  const of = (c: Classification, where: string, item: string) => AUDIT_CLASSES.filter((k) => c[k].evidence === 'unknown').map((k) => `${item}: ${k}${where}`);
  return r.instructions.flatMap((i) => i.variants.flatMap((v) => [
    ...of(v, '', `${i.name} ${v.label}`), ...of(v.underVmmConfig, ' (vmm)', `${i.name} ${v.label}`),
  ]));
}

describe.runIf(existsSync('isas/pg3.yaml'))('pg3, the paper\'s machine', () => {
  const r = auditIsa(loadCheckedIsa('isas/pg3.yaml'));

  it('satisfies Theorems 1, 2 and 3, proven, with nothing left unknown', () => {
    for (const t of ['t1', 't2', 't3'] as const) expect(r.theorems[t]).toMatchObject({ holds: true, evidence: 'proven' });
    expect(unknowns(r)).toEqual([]);
  });

  it('has the paper\'s sensitive instructions: lpsw control-sensitive, rpsw location-sensitive, both privileged', () => {
    expect(variant(r, 'lpsw')).toMatchObject({ privileged: { value: true, evidence: 'proven' }, controlSensitive: { value: true, evidence: 'witnessed' } });
    expect(variant(r, 'rpsw')).toMatchObject({ privileged: { value: true, evidence: 'proven' }, locationSensitive: { value: true, evidence: 'witnessed' } });
    expect(variant(r, 'load').innocuous).toMatchObject({ value: true, evidence: 'proven' });
    expect(variant(r, 'load').locationSensitive).toMatchObject({ value: false, evidence: 'proven' });
  });

  it('agrees with every expect: claim in the description', () => {
    expect(r.instructions.flatMap((i) => i.mismatches)).toEqual([]);
  });
});

describe.runIf(existsSync('isas/riscv32.yaml'))('riscv32', () => {
  const r = auditIsa(loadCheckedIsa('isas/riscv32.yaml'));

  it('satisfies Theorems 1 and 3, proven, with nothing left unknown anywhere, in seconds', () => {
    expect(r.theorems.t1).toMatchObject({ holds: true, evidence: 'proven' });
    expect(r.theorems.t3).toMatchObject({ holds: true, evidence: 'proven' });
    expect(unknowns(r)).toEqual([]);
    expect(r.seconds).toBeLessThan(20);
  });

  it('fails Theorem 2 over all states by the counters user mode may read, and holds it under mcounteren = 0', () => {
    const offenders = r.theorems.t2.offending.map((o) => o.instruction);
    expect(offenders).toContain('csrrs csr=CSR_CYCLE');
    expect(offenders.every((o) => /^csrr[sc]i? csr=CSR_(CYCLE|TIME|INSTRET)H?$/.test(o))).toBe(true);
    expect(r.underVmmConfig.t2).toMatchObject({ holds: true, evidence: 'proven' });
    const cycle = variant(r, 'csrrs', 'csr=CSR_CYCLE');
    expect(cycle.timingDependent).toMatchObject({ value: true, evidence: 'witnessed' });
    expect(cycle.underVmmConfig.timingDependent).toMatchObject({ value: false, evidence: 'proven' });
  });

  it('classifies each CSR on its own', () => {
    expect(variant(r, 'csrrw', 'csr=CSR_MSTATUS')).toMatchObject({
      privileged: { value: true, evidence: 'proven' }, controlSensitive: { value: true }, resourceSensitive: { value: true },
    });
    expect(variant(r, 'csrrs', 'csr=CSR_SATP').locationSensitive).toMatchObject({ value: true, evidence: 'witnessed' });
    expect(variant(r, 'csrrs', 'csr=CSR_MISA').innocuous).toMatchObject({ value: true, evidence: 'proven' });
    expect(variant(r, 'mret')).toMatchObject({ controlSensitive: { value: true }, resourceSensitive: { value: true } });
    expect(variant(r, 'add').innocuous).toMatchObject({ value: true, evidence: 'proven' });
  });

  it('agrees with every expect: claim in the description', () => {
    expect(r.instructions.flatMap((i) => i.mismatches)).toEqual([]);
  });
});
