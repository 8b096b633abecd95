/**
 * The audit of the ISAs shipped in isas/: what Popek & Goldberg's theorems predict for them, and
 * that a full audit takes seconds, not minutes.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import type { AuditResult } from '../../src/check/result.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';

function variant(r: AuditResult, name: string, label = '') {
  const v = r.instructions.find((i) => i.name === name)?.variants.find((x) => x.label === label);
  if (!v) throw new Error(`no ${name} ${label}`);
  return v;
}

describe.runIf(existsSync('isas/pg3.yaml'))('pg3, the paper\'s machine', () => {
  it('satisfies Theorem 1: the PSW instructions are privileged, lpsw is control-sensitive', () => {
    const r = auditIsa(loadCheckedIsa('isas/pg3.yaml'));
    expect(r.theorem1).toMatchObject({ holds: true, evidence: 'proven' });
    expect(variant(r, 'lpsw').privileged).toMatchObject({ value: true, evidence: 'proven' });
    expect(variant(r, 'lpsw').controlSensitive).toMatchObject({ value: true, evidence: 'witnessed' });
    expect(variant(r, 'load').innocuous).toMatchObject({ value: true, evidence: 'proven' });
  });
});

describe.runIf(existsSync('isas/riscv32.yaml'))('riscv32', () => {
  it('satisfies Theorem 1, each CSR classified on its own, in seconds', () => {
    const r = auditIsa(loadCheckedIsa('isas/riscv32.yaml'));
    expect(r.theorem1).toMatchObject({ holds: true });
    expect(r.theorem3).toMatchObject({ holds: true });
    expect(variant(r, 'csrrw', 'csr=CSR_MSTATUS')).toMatchObject({ privileged: { value: true }, controlSensitive: { value: true } });
    expect(variant(r, 'csrrs', 'csr=CSR_CYCLE').innocuous.value).toBe(true);
    expect(variant(r, 'mret').controlSensitive.value).toBe(true);
    expect(variant(r, 'add').innocuous).toMatchObject({ value: true, evidence: 'proven' });
    expect(r.seconds).toBeLessThan(20);
  });
});
