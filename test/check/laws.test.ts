/**
 * Laws of the classification (DESIGN.md §3), over instructions made up from guards and effects
 * and added to the `sealed` fixture as `probe`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyVariant } from '../../src/check/classify.js';
import type { VariantAudit } from '../../src/check/result.js';
import { Sandbox } from '../../src/check/sandbox.js';
import { subjectOf } from '../../src/check/subject.js';
import { variantsOf } from '../../src/check/variants.js';
import { indexOf, withProbe } from './fixtures.js';

function classifyProbe(semantics: string): VariantAudit {
  const checked = withProbe(semantics);
  const index = indexOf(checked, 'probe');
  const variants = variantsOf(checked, index);
  expect(variants).toHaveLength(1);
  return classifyVariant(subjectOf(new Sandbox(checked), index, variants[0]!), { seed: 1, runs: 300 });
}

/** Ways to trap in user mode (U) and run in supervisor mode (S). */
const GUARDS = ['requireS();', 'if mode != S { trap Privileged(instruction); }', 'if mode == U { trap Illegal; }'];

/** Effects on general state, storage, the pc, control and relocation state; none reads the mode. */
const EFFECTS = [
  'R[rd] = R[rs1] + 1;',
  'R[rd] = load(R[rs1], 32);',
  'store(R[rs1], 32, R[rd]);',
  'pc = R[rs1];',
  'vector = R[rs1];',
  'status.IE = !status.IE;',
  'base = R[rs1]; bound = R[rd];',
  'if R[rs1] == 0 { epc = pc; } else { R[rd] = cycle; }',
];

/** Writes that change control, relocation or mode state in some state. */
const CONTROL_WRITES = ['vector = R[rs1];', 'status.IE = !status.IE;', 'bound = R[rs1] ^ 0x5;', 'mode = S;', 'epc = pc;'];

/** Effects whose visible result depends on the mode. */
const MODE_DEPENDENT = [
  'R[rd] = zext(mode, 32) + R[rs1];',
  'if mode == U { R[rd] = 1; } else { R[rd] = 2; }',
  'pc = mode == S ? R[rs1] : pc + 8;',
  'store(zext(mode, 32) + R[rs1], 32, R[rd]);',
];

describe('laws of the classification', () => {
  it('an instruction that traps in user mode and runs in supervisor mode is privileged (proven)', () => {
    fc.assert(fc.property(fc.constantFrom(...GUARDS), fc.constantFrom(...EFFECTS), (guard, effect) => {
      const v = classifyProbe(`${guard}\n${effect}`);
      expect(v.privileged).toMatchObject({ value: true, evidence: 'proven' });
      expect(v.userSensitive).toMatchObject({ value: false, evidence: 'proven' });
    }), { numRuns: 30 });
  });

  it('an instruction that completes in user mode is not privileged (witnessed)', () => {
    for (const effect of EFFECTS) {
      expect(classifyProbe(effect).privileged).toMatchObject({ value: false, evidence: 'witnessed' });
    }
  });

  it('an unguarded write of control state is control-sensitive and user-sensitive, with a witness', () => {
    for (const effect of CONTROL_WRITES) {
      const v = classifyProbe(effect);
      expect(v.controlSensitive, effect).toMatchObject({ value: true, evidence: 'witnessed' });
      expect(v.userSensitive.value, effect).toBe(true);
      expect(v.innocuous.value).toBe(false);
    }
  });

  it('an instruction that never reads the mode is not mode-sensitive (proven)', () => {
    for (const effect of EFFECTS) expect(classifyProbe(effect).modeSensitive, effect).toMatchObject({ value: false, evidence: 'proven' });
  });

  it('an instruction whose visible result depends on the mode is mode-sensitive (witnessed)', () => {
    for (const effect of MODE_DEPENDENT) {
      const v = classifyProbe(effect);
      expect(v.modeSensitive, effect).toMatchObject({ value: true, evidence: 'witnessed' });
      expect(v.modeSensitive.witness!.states).toHaveLength(2);
    }
  });

  it('a privilege check that reads the mode does not make the instruction mode-sensitive', () => {
    for (const guard of GUARDS) {
      expect(classifyProbe(`${guard}\nR[rd] = R[rs1];`).modeSensitive).toMatchObject({ value: false, evidence: 'proven' });
    }
  });

  it('a mode-dependent write of control state only is not mode-sensitive, but control-sensitive', () => {
    const v = classifyProbe('if mode == S { status.IE = R[rs1][0]; }');
    expect(v.modeSensitive).toMatchObject({ value: false, evidence: 'proven' });
    expect(v.controlSensitive.value).toBe(true);
    expect(v.userSensitive).toMatchObject({ value: false, evidence: 'proven' });
  });

  it('memory traps exclude a state: an instruction that only memory-traps in user mode is privileged', () => {
    const v = classifyProbe('if mode == U { trap AccessFault(pc); }\nvector = R[rs1];');
    expect(v.privileged.value).toBe(true);
    expect(v.userSensitive.value).toBe(false);
  });

  it('a fault on some operands in supervisor mode leaves an instruction privileged (docs/audit.md)', () => {
    // Like a memory trap, an operand fault happens in supervisor mode too; what Theorem 1 needs
    // is that user mode always traps, and the instruction does complete in supervisor mode.
    const v = classifyProbe('requireS();\nif R[rs1] == 0x7 { trap Illegal; }');
    expect(v.privileged).toMatchObject({ value: true, evidence: 'witnessed' });
    expect(v.privileged.witness!.summary).toBe('completes in supervisor mode S');
    expect(v.userSensitive).toMatchObject({ value: false, evidence: 'proven' });
  });

  it('an instruction that traps in every state is not privileged (proven)', () => {
    const v = classifyProbe('requireS();\ntrap Illegal;');
    expect(v.privileged).toMatchObject({ value: false, evidence: 'proven' });
    expect(v.innocuous).toMatchObject({ value: true, evidence: 'proven' });
  });

  it('a user-mode state that completes is a witness against privilege', () => {
    const v = classifyProbe('if R[rs1] != 0x7 { requireS(); }\nR[rd] = R[rs1];');
    expect(v.privileged).toMatchObject({ value: false, evidence: 'witnessed' });
    expect(v.privileged.witness!.summary).toBe('completes in user mode U');
  });

  it('a privilege check on one field, then a range test of it, is proven by splitting on the field', () => {
    // The user half needs both tests of rs1 together: one exploration cannot correlate them.
    // Without the split the user half stays unproven and the verdict `unknown`.
    const v = classifyProbe('if rs1[2:1] != 0b11 { requireS(); }\nif rs1 >= 0b110 { trap Illegal; }\nR[rd] = R[rs1];');
    expect(v.privileged).toMatchObject({ value: true, evidence: 'witnessed' });
    expect(v.privileged.witness!.summary).toBe('completes in supervisor mode S');
  });

  it('an unguarded read of relocation state into a visible result is location-sensitive (witnessed)', () => {
    for (const effect of ['R[rd] = base;', 'R[rd] = bound ^ R[rs1];', 'store(R[rs1], 32, base);', 'pc = base;']) {
      const v = classifyProbe(effect);
      expect(v.locationSensitive, effect).toMatchObject({ value: true, evidence: 'witnessed' });
      expect(v.userSensitive.value, effect).toBe(true);
    }
  });

  it('relocation that only moves an access is not location-sensitive: storage moves with it (proven)', () => {
    for (const effect of ['R[rd] = load(base + R[rs1], 32);', 'store(base + R[rs1], 32, R[rd]);', 'if R[rs1] >= bound { trap AccessFault(pc); }\nR[rd] = R[rs1];']) {
      expect(classifyProbe(effect).locationSensitive, effect).toMatchObject({ value: false, evidence: 'proven' });
    }
  });

  it('an unguarded read of other control state into a visible result is resource-sensitive (witnessed)', () => {
    for (const effect of ['R[rd] = epc;', 'R[rd] = zext(status.IE, 32);', 'if status.IE { R[rd] = 1; }', 'pc = vector;']) {
      expect(classifyProbe(effect).resourceSensitive, effect).toMatchObject({ value: true, evidence: 'witnessed' });
    }
  });

  it('control state that only decides whether to trap is not resource-sensitive (proven)', () => {
    const v = classifyProbe('if !status.IE { trap Illegal; }\nR[rd] = R[rs1] + 1;');
    expect(v.resourceSensitive).toMatchObject({ value: false, evidence: 'proven' });
    expect(v.innocuous).toMatchObject({ value: true, evidence: 'proven' });
  });

  it('timing state shown in user mode is a timing dependency, not a sensitivity; privileged, it is neither', () => {
    const open = classifyProbe('R[rd] = cycle;');
    expect(open.timingDependent).toMatchObject({ value: true, evidence: 'witnessed' });
    expect(open.innocuous).toMatchObject({ value: true, evidence: 'proven' });
    expect(classifyProbe('requireS();\nR[rd] = cycle;').timingDependent).toMatchObject({ value: false, evidence: 'proven' });
  });

  it('user-sensitive is control-sensitivity in a user-mode state, or location- or resource-sensitivity between user-mode states', () => {
    for (const effect of ['vector = R[rs1];', 'R[rd] = base;', 'R[rd] = epc;']) {
      expect(classifyProbe(effect).userSensitive, effect).toMatchObject({ value: true, evidence: 'witnessed' });
    }
    // Mode-sensitive, but a hybrid VMM runs user code in real user mode, where the mode is the same.
    const mode = classifyProbe('R[rd] = zext(mode, 32);');
    expect(mode.modeSensitive).toMatchObject({ value: true, evidence: 'witnessed' });
    expect(mode.userSensitive.value).toBe(false);
    // (if mode == S { R[rd] = epc; } would be: the pair U, S differs in R[rd].)
    expect(classifyProbe('requireS();\nR[rd] = epc;').userSensitive).toMatchObject({ value: false, evidence: 'proven' });
  });
});
