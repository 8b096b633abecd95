/**
 * The audit of the 68000 and the 68010: the system instructions classify as the manuals predict,
 * and the sensitive unprivileged ones are the literature's (MOVE from SR on the 68000; none on the
 * 68010, docs/literature.md).
 */
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import type { AuditResult } from '../../src/check/result.js';
import { m68000, m68010 } from './m68k-machine.js';

describe('m68000 and m68010: the audit', () => {
  function variant(r: AuditResult, name: string, label = '') {
    const v = r.instructions.find((i) => i.name === name)?.variants.find((x) => x.label === label);
    if (!v) throw new Error(`no ${name} ${label}`);
    return v;
  }
  const r00 = auditIsa(m68000);
  const r10 = auditIsa(m68010);

  it('MOVE from SR is user- and mode-sensitive but not privileged on the 68000, privileged on the 68010', () => {
    for (const ea of ['d', 'ai', 'pi', 'pd', 'di', 'al']) {
      const v00 = variant(r00, `move_from_sr_${ea}`);
      expect([v00.privileged.value, v00.modeSensitive.value, v00.userSensitive.value], ea).toEqual([false, true, true]);
      expect(variant(r10, `move_from_sr_${ea}`).privileged, ea).toMatchObject({ value: true, evidence: 'proven' });
    }
    expect(variant(r10, 'move_from_ccr_d').innocuous).toMatchObject({ value: true, evidence: 'proven' });
  });

  /** Rows (instruction or variant) that are control- or mode-sensitive and not privileged. */
  function offenders(r: AuditResult): string[] {
    return r.instructions.flatMap((i) => i.variants
      .filter((v) => !v.privileged.value && (v.controlSensitive.value || v.modeSensitive.value))
      .map((v) => (v.label === '' ? i.name : `${i.name} ${v.label}`)));
  }

  it('the sensitive unprivileged instructions are the literature\'s: MOVE from SR on the 68000; none on the 68010', () => {
    expect(offenders(r00)).toEqual(['move_from_sr_d', 'move_from_sr_ai', 'move_from_sr_pi', 'move_from_sr_pd', 'move_from_sr_di', 'move_from_sr_al']);
    expect(offenders(r10)).toEqual([]);
    expect(r10.theorems.t1).toMatchObject({ holds: true, evidence: 'proven' });
  });

  it('the system instructions are privileged on both; the control-state writers are control-sensitive', () => {
    for (const r of [r00, r10]) {
      for (const name of ['move_to_sr_d', 'move_to_sr_i', 'andi_to_sr', 'ori_to_sr', 'eori_to_sr', 'stop']) {
        expect([variant(r, name).privileged.value, variant(r, name).controlSensitive.value], name).toEqual([true, true]);
      }
      for (const name of ['move_to_usp', 'move_from_usp', 'reset']) expect(variant(r, name).privileged.value, name).toBe(true);
      expect(variant(r, 'trap0').privileged.value).toBe(false);
      expect(variant(r, 'move.l_d_d').innocuous).toMatchObject({ value: true, evidence: 'proven' });
    }
    expect([variant(r00, 'rte').privileged.value, variant(r00, 'rte').controlSensitive.value]).toEqual([true, true]);
    // The 68010's RTE traps in every user-mode state (proven) and completes in supervisor mode on
    // a valid frame (witnessed); the format error it takes there on a bad frame is an operand
    // fault, which does not make it unprivileged (docs/audit.md).
    expect(variant(r10, 'rte').privileged).toMatchObject({ value: true, evidence: 'witnessed' });
    expect(variant(r10, 'rte').privileged.witness!.summary).toMatch(/^completes in supervisor mode /);
    const vbr = variant(r10, 'movec_to_rc', 'ctrl=CTRL_VBR');
    expect([vbr.privileged.value, vbr.controlSensitive.value]).toEqual([true, true]);
    expect(variant(r10, 'movec_to_rn', 'ctrl=CTRL_USP').privileged.value).toBe(true);
  });
});
