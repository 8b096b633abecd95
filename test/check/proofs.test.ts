/**
 * The static proofs (partial evaluation over every path) and the witness search never disagree:
 * whatever is proven, a search for its opposite finds nothing; whatever is witnessed replays.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import { classifyVariant } from '../../src/check/classify.js';
import { explore } from '../../src/check/paths.js';
import { proveStatically } from '../../src/check/proofs.js';
import type { SearchKind } from '../../src/check/result.js';
import { Sandbox } from '../../src/check/sandbox.js';
import { fixedBits, fixedWord, subjectOf } from '../../src/check/subject.js';
import { variantsOf } from '../../src/check/variants.js';
import { replayWitness, search } from '../../src/check/witness.js';
import { loadCheckedIsa, type CheckedIsa } from '../../src/semantics/check-isa.js';
import { indexOf, loadFixture, withProbe, type FixtureName } from './fixtures.js';

const FIXTURE_NAMES: readonly FixtureName[] = ['sealed', 'control-hole', 'mode-hole', 'supervisor-hole'];

/** For every variant and every proven fact, search for its opposite; returns what was found. */
function contradictions(checked: CheckedIsa, runs: number): string[] {
  const sandbox = new Sandbox(checked);
  const found: string[] = [];
  checked.isa.instructions.forEach((ins, index) => {
    for (const variant of variantsOf(sandbox.view, index)) {
      const subject = subjectOf(sandbox, index, variant);
      const facts = proveStatically(subject);
      const claims: [boolean, SearchKind][] = [
        [facts.privileged, 'privileged'],
        [facts.notControlSensitive, 'controlSensitive'],
        [facts.notModeSensitive, 'modeSensitive'],
        [facts.notUserControlSensitive, 'userControlSensitive'],
        [facts.notUserModeSensitive, 'userModeSensitive'],
      ];
      for (const [proven, kind] of claims) {
        const w = proven ? search(subject, kind, 99, runs).witness : null;
        if (w) found.push(`${ins.name} ${variant.label} ${kind}: ${w.summary}`);
      }
    }
  });
  return found;
}

describe('proofs', () => {
  it('are never contradicted by a search, on the fixtures', () => {
    for (const name of FIXTURE_NAMES) expect(contradictions(loadFixture(name), 500), name).toEqual([]);
  });

  it.each(['isas/pg3.yaml', 'isas/riscv32.yaml'].filter((f) => existsSync(f)))('are never contradicted by a search, on %s', (file) => {
    expect(contradictions(loadCheckedIsa(file), 100)).toEqual([]);
  });

  it('fold a privilege check on a fixed field: each CSR-style selection is decided on its own', () => {
    const checked = withProbe('if csr[3:2] > zext(mode, 2) { trap Privileged; }\nmatch csr { 0x0 => { R[1] = 1; } 0x4 => { vector = R[rs1]; } }');
    const sandbox = new Sandbox(checked);
    const index = indexOf(checked, 'probe');
    const facts = variantsOf(checked, index).map((v) => [v.label, proveStatically(subjectOf(sandbox, index, v)).privileged]);
    // 0x0 is named by the fixture's 4-bit constant CSR_VECTOR; 0x4 has no name.
    expect(facts).toEqual([['csr=CSR_VECTOR', false], ['csr=0x4', true], ['csr=other (0x1)', false]]);
  });

  it('give up rather than guess when the paths outgrow the budget: the search decides', () => {
    const body = Array.from({ length: 24 }, (_, i) => `if R[rs1][${i}] { R[rd] = R[rd] + 1; }`).join('\n');
    const checked = withProbe(`requireS();\n${body}`);
    const index = indexOf(checked, 'probe');
    const subject = subjectOf(new Sandbox(checked), index, variantsOf(checked, index)[0]!);
    const x = explore({ checked, body: checked.instructions[index]!, fields: fixedBits(subject), word: fixedWord(subject), mode: { kind: 'tainted' } });
    expect(x.exhausted).toBe(true);
    // Privilege needs every supervisor path seen, so the search decides it. (Not mode-sensitive is
    // still proven: only one mode, S, gets past requireS() at all.)
    expect(proveStatically(subject)).toMatchObject({ privileged: false, notModeSensitive: true });
    expect(classifyVariant(subject, { seed: 1, runs: 100 }).privileged).toMatchObject({ value: true, evidence: 'unknown' });
  });

  it('see through an explicit call of the translate function: it is the identity in the sandbox', () => {
    const checked = withProbe('R[rd] = load(translate(R[rs1], Load), 32);');
    const sandbox = new Sandbox(checked);
    const index = indexOf(checked, 'probe');
    const facts = proveStatically(subjectOf(sandbox, index, variantsOf(checked, index)[0]!));
    expect(facts.notModeSensitive).toBe(true);
    expect(facts.notControlSensitive).toBe(true);
  });
});

describe('witnesses', () => {
  it('replay from their seed and path', () => {
    for (const name of FIXTURE_NAMES) {
      const checked = loadFixture(name);
      const sandbox = new Sandbox(checked);
      const r = auditIsa(checked);
      r.instructions.forEach((ins, index) => {
        const variants = variantsOf(sandbox.view, index);
        ins.variants.forEach((v, j) => {
          const subject = subjectOf(sandbox, index, variants[j]!);
          for (const c of [v.privileged, v.controlSensitive, v.modeSensitive, v.userSensitive]) {
            if (c.witness) expect(replayWitness(subject, c.witness), `${name} ${ins.name} ${v.label}`).toEqual(c.witness.counterexample);
          }
        });
      });
    }
  });
});
