/** The audit on the fixture ISAs: each injected hole is found, with a witness that replays. */
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import type { AuditResult, VariantAudit, Witness } from '../../src/check/result.js';
import { Sandbox } from '../../src/check/sandbox.js';
import { subjectOf } from '../../src/check/subject.js';
import { variantsOf } from '../../src/check/variants.js';
import { replayWitness } from '../../src/check/witness.js';
import type { CheckedIsa } from '../../src/semantics/check-isa.js';
import { indexOf, loadFixture, withProbe } from './fixtures.js';

function only(result: AuditResult, name: string): VariantAudit {
  const i = result.instructions.find((x) => x.name === name);
  if (!i || i.variants.length !== 1) throw new Error(`${name} is not one whole instruction`);
  return i.variants[0]!;
}

/** Replays a witness of a whole instruction and returns the counterexample it reproduces. */
function replay(checked: CheckedIsa, name: string, w: Witness): unknown {
  const index = indexOf(checked, name);
  const subject = subjectOf(new Sandbox(checked), index, variantsOf(checked, index)[0]!);
  return replayWitness(subject, w);
}

describe('the audit', () => {
  it('holds Theorems 1 and 3, proven, when every sensitive instruction is privileged', () => {
    const r = auditIsa(loadFixture('sealed'));
    expect(r.theorem1).toEqual({ holds: true, evidence: 'proven', offending: [], unresolved: [] });
    expect(r.theorem3).toEqual({ holds: true, evidence: 'proven', offending: [], unresolved: [] });
    expect(only(r, 'setie').privileged).toMatchObject({ value: true, evidence: 'proven' });
    expect(only(r, 'setie').controlSensitive).toMatchObject({ value: true, evidence: 'witnessed' });
  });

  it('finds an unprivileged write of control state: control-sensitive, not privileged, Theorem 1 fails', () => {
    const checked = loadFixture('control-hole');
    const r = auditIsa(checked);
    const setie = only(r, 'setie');
    expect(setie.privileged).toMatchObject({ value: false, evidence: 'witnessed' });
    expect(setie.controlSensitive).toMatchObject({ value: true, evidence: 'witnessed' });
    expect(setie.userSensitive.value).toBe(true);
    const w = setie.controlSensitive.witness!;
    expect(w.differences.map((d) => d.location)).toEqual(['status']);
    expect(r.theorem1).toMatchObject({ holds: false, evidence: 'witnessed', offending: ['setie'] });
    expect(r.theorem3).toMatchObject({ holds: false, offending: ['setie'] });
    expect(replay(checked, 'setie', w)).toEqual(w.counterexample);
    expect(replay(checked, 'setie', setie.privileged.witness!)).toEqual(setie.privileged.witness!.counterexample);
  });

  it('finds an instruction whose result depends on the mode: mode-sensitive, with a pair of states', () => {
    const checked = loadFixture('mode-hole');
    const r = auditIsa(checked);
    const getmode = only(r, 'getmode');
    expect(getmode.modeSensitive).toMatchObject({ value: true, evidence: 'witnessed' });
    expect(getmode.controlSensitive).toMatchObject({ value: false, evidence: 'proven' });
    const w = getmode.modeSensitive.witness!;
    expect(w.states.map((s) => s.mode)).toEqual(['U', 'S']);
    expect(w.states[0]!.elements).toEqual(w.states[1]!.elements);
    expect(w.differences).toEqual([{ location: `R[${Number(w.fields['rd'])}]`, a: '0x00000000', b: '0x00000001' }]);
    expect(r.theorem1.offending).toEqual(['getmode']);
    expect(replay(checked, 'getmode', w)).toEqual(w.counterexample);
  });

  it('tells Theorem 3 from Theorem 1: a control write ignored in user mode is sensitive only in supervisor mode', () => {
    const r = auditIsa(loadFixture('supervisor-hole'));
    const setie = only(r, 'setie');
    expect(setie.controlSensitive.value).toBe(true);
    expect(setie.privileged.value).toBe(false);
    expect(setie.userSensitive).toMatchObject({ value: false, evidence: 'proven' });
    expect(r.theorem1).toMatchObject({ holds: false, offending: ['setie'] });
    expect(r.theorem3).toMatchObject({ holds: true, evidence: 'proven' });
  });

  it('classifies each selection of a selecting field on its own', () => {
    const r = auditIsa(loadFixture('sealed'));
    const csrw = r.instructions.find((i) => i.name === 'csrw')!;
    expect(csrw.variants.map((v) => v.label)).toEqual(['csr=CSR_VECTOR', 'csr=CSR_STATUS', 'csr=CSR_BASE', 'csr=CSR_BOUND', 'csr=other (0x4)']);
    const other = csrw.variants[4]!;
    // The unnamed CSR traps in every mode: not privileged, but not sensitive either.
    expect(other.privileged).toMatchObject({ value: false, evidence: 'witnessed' });
    expect(other.innocuous).toMatchObject({ value: true, evidence: 'proven' });
    expect(csrw.variants.slice(0, 4).every((v) => v.privileged.value && v.controlSensitive.value)).toBe(true);
  });

  it('is deterministic for a seed, and the seed is recorded', () => {
    const checked = loadFixture('control-hole');
    const strip = (r: AuditResult): AuditResult => ({ ...r, seconds: 0 });
    const a = auditIsa(checked, { seed: 7 });
    expect(a.seed).toBe(7);
    expect(strip(auditIsa(checked, { seed: 7 }))).toEqual(strip(a));
    expect(auditIsa(checked).seed).toBe(auditIsa(checked).seed);
  });

  it('checks expect: claims and reports the ones it contradicts', () => {
    const r = auditIsa(withProbe('vector = R[rs1];', '{ privileged: true, controlSensitive: true, innocuous: false }'));
    const probe = r.instructions.find((i) => i.name === 'probe')!;
    expect(probe.mismatches).toEqual([{ claim: 'privileged', claimed: true, found: false, evidence: 'witnessed' }]);
  });
});
