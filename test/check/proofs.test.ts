/**
 * The two engines check each other: whatever the static analysis proves, a witness search for its
 * opposite never finds (a property over many seeds); whatever a search witnesses replays from its
 * seed and path.
 */
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import { classifyVariant } from '../../src/check/classify.js';
import { configurationsOf, type Configuration } from '../../src/check/configuration.js';
import { explore } from '../../src/check/paths.js';
import { proveStatically, type StaticFacts } from '../../src/check/proofs.js';
import { AUDIT_CLASSES, type SearchKind } from '../../src/check/result.js';
import { Sandbox } from '../../src/check/sandbox.js';
import { fixedBits, fixedWord, subjectOf } from '../../src/check/subject.js';
import { variantsOf } from '../../src/check/variants.js';
import { replayWitness, search } from '../../src/check/witness.js';
import { loadCheckedIsa, type CheckedIsa } from '../../src/semantics/check-isa.js';
import { FIXTURE_NAMES, indexOf, loadFixture, withProbe } from './fixtures.js';

/** Each proven fact and the search that would contradict it. */
const CLAIMS: readonly [keyof StaticFacts, SearchKind][] = [
  ['privileged', 'privileged'],
  ['userAlwaysTraps', 'privileged'],
  ['supervisorNeverCompletes', 'supervisorCompletes'],
  ['notControlSensitive', 'controlSensitive'],
  ['notUserControlSensitive', 'userControlSensitive'],
  ['notModeSensitive', 'modeSensitive'],
  ['notUserModeSensitive', 'userModeSensitive'],
  ['notLocationSensitive', 'locationSensitive'],
  ['notUserLocationSensitive', 'userLocationSensitive'],
  ['notResourceSensitive', 'resourceSensitive'],
  ['notUserResourceSensitive', 'userResourceSensitive'],
  ['notTimingDependent', 'timingDependent'],
];

/** The configurations worth checking: all states, and the vmm: one when the ISA has it. */
function configs(checked: CheckedIsa): Configuration[] {
  const c = configurationsOf(checked.isa);
  return c.vmm.settings.length > 0 ? [c.all, c.vmm] : [c.all];
}

/** For every variant, configuration and proven fact, search for its opposite; what was found. */
function contradictions(checked: CheckedIsa, runs: number, seed: number): string[] {
  const sandbox = new Sandbox(checked);
  const found: string[] = [];
  checked.isa.instructions.forEach((ins, index) => {
    for (const variant of variantsOf(sandbox.view, index)) {
      const subject = subjectOf(sandbox, index, variant);
      for (const config of configs(checked)) {
        const facts = proveStatically(subject, config);
        for (const [fact, kind] of CLAIMS) {
          const w = facts[fact] ? search(subject, kind, config, seed, runs).witness : null;
          if (w) found.push(`${ins.name} ${variant.label} ${kind} (${config.name}): ${w.summary}`);
        }
        // Proven privileged also claims that some supervisor-mode state completes: show one.
        if (facts.privileged && search(subject, 'supervisorCompletes', config, seed, runs).witness === null) {
          found.push(`${ins.name} ${variant.label}: proven privileged, but no supervisor-mode state completes (${config.name})`);
        }
      }
    }
  });
  return found;
}

/** The ISAs this project ships; riscv32 and pg3 get more seeds. */
const SHIPPED = readdirSync('isas').filter((f) => f.endsWith('.yaml')).sort().map((f) => `isas/${f}`);
const SEEDS = (file: string): number => (file === 'isas/riscv32.yaml' || file === 'isas/pg3.yaml' ? 2 : 1);

describe('proofs', () => {
  const fixtures = FIXTURE_NAMES.map(loadFixture);

  it('are never contradicted by a search, on the fixtures, over many seeds', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
      for (const checked of fixtures) expect(contradictions(checked, 100, seed), checked.isa.name).toEqual([]);
    }), { numRuns: 6, seed: 20240601 });
  }, 120_000);

  it.each(SHIPPED)('are never contradicted by a search, on %s', (file) => {
    const checked = loadCheckedIsa(file);
    fc.assert(fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
      expect(contradictions(checked, 40, seed)).toEqual([]);
    }), { numRuns: SEEDS(file), seed: 7 });
  }, 300_000);

  it('fold a privilege check on a fixed field: each CSR-style selection is decided on its own', () => {
    const checked = withProbe('if csr[3:2] > zext(mode, 2) { trap Privileged; }\nmatch csr { 0x0 => { R[1] = 1; } 0x4 => { vector = R[rs1]; } }');
    const sandbox = new Sandbox(checked);
    const index = indexOf(checked, 'probe');
    const all = configurationsOf(checked.isa).all;
    const facts = variantsOf(checked, index).map((v) => [v.label, proveStatically(subjectOf(sandbox, index, v), all).privileged]);
    // 0x0 is named by the fixture's 4-bit constant CSR_VECTOR; 0x4 has no name; `other` is every other value.
    expect(facts).toEqual([['csr=CSR_VECTOR', false], ['csr=0x4', true], ['csr=other', false]]);
  });

  it('an `other` selection skips the named arms: proofs see only what the other values do', () => {
    const checked = withProbe('requireS();\nmatch csr { 0x3 => { vector = R[rs1]; } _ => { R[rd] = 0; } }');
    const sandbox = new Sandbox(checked);
    const index = indexOf(checked, 'probe');
    const other = variantsOf(checked, index).find((v) => v.label === 'csr=other')!;
    expect(proveStatically(subjectOf(sandbox, index, other), configurationsOf(checked.isa).all).notControlSensitive).toBe(true);
  });

  it('give up rather than guess when the paths outgrow the budget, then merge branches where they meet', () => {
    const body = Array.from({ length: 24 }, (_, i) => `if R[rs1][${i}] { R[rd] = R[rd] + 1; }`).join('\n');
    const checked = withProbe(`requireS();\n${body}`);
    const index = indexOf(checked, 'probe');
    const subject = subjectOf(new Sandbox(checked), index, variantsOf(checked, index)[0]!);
    const x = explore({ checked, body: checked.instructions[index]!, fields: fixedBits(subject), word: fixedWord(subject), wordWidth: checked.isa.instructions[index]!.encoding.width, mode: { kind: 'unknown' } });
    // 2^24 paths are too many; with branches merged where they meet there are three (two traps, one completion).
    expect(x.exhausted).toBe(false);
    expect(x.paths.length).toBeLessThan(10);
    expect(proveStatically(subject, configurationsOf(checked.isa).all)).toMatchObject({ privileged: true, notModeSensitive: true });
    expect(classifyVariant(subject, { seed: 1, runs: 100 }).privileged).toMatchObject({ value: true, evidence: 'proven' });
  });

  it('see through an explicit call of the translate function: it is the identity in the sandbox', () => {
    const checked = withProbe('R[rd] = load(translate(R[rs1], Load), 32);');
    const sandbox = new Sandbox(checked);
    const index = indexOf(checked, 'probe');
    const facts = proveStatically(subjectOf(sandbox, index, variantsOf(checked, index)[0]!), configurationsOf(checked.isa).all);
    expect(facts).toMatchObject({ notModeSensitive: true, notControlSensitive: true, notLocationSensitive: true });
  });

  it('move storage with relocation: an address relocated in the semantics is not location-sensitive', () => {
    const checked = withProbe('R[rd] = load(base + R[rs1], 32);\nstore(base + R[rs1] + 4, 32, R[rd]);');
    const index = indexOf(checked, 'probe');
    const v = classifyVariant(subjectOf(new Sandbox(checked), index, variantsOf(checked, index)[0]!), { seed: 1, runs: 300 });
    expect(v.locationSensitive).toMatchObject({ value: false, evidence: 'proven' });
  });

  it('end a tainted branch where its arms meet: what follows depends only on what the arms wrote', () => {
    // Like ARM's writeCPSR: a control bit decides a control write; the general write after it does not depend on it.
    const rs = (semantics: string) => {
      const checked = withProbe(semantics);
      const index = indexOf(checked, 'probe');
      return classifyVariant(subjectOf(new Sandbox(checked), index, variantsOf(checked, index)[0]!), { seed: 1, runs: 300 }).resourceSensitive;
    };
    expect(rs('if status.IE { vector = R[rs1]; }\nR[rd] = R[rs1] + 1;')).toMatchObject({ value: false, evidence: 'proven' });
    // What an arm wrote stays tainted past the meeting point ...
    expect(rs('var x: 32 = 0;\nif status.IE { x = 1; }\nR[rd] = x;')).toMatchObject({ value: true, evidence: 'witnessed' });
    // ... and an arm that returns skips what the other runs, so its dependence does not end.
    expect(rs('if status.IE { return; }\nR[rd] = R[rs1] + 1;')).toMatchObject({ value: true, evidence: 'witnessed' });
  });
});

describe('witnesses', () => {
  it('replay from their seed and path, over all states and under the configuration', () => {
    for (const name of FIXTURE_NAMES) {
      const checked = loadFixture(name);
      const sandbox = new Sandbox(checked);
      const config = configurationsOf(checked.isa);
      const r = auditIsa(checked);
      r.instructions.forEach((ins, index) => {
        const variants = variantsOf(sandbox.view, index);
        ins.variants.forEach((v, j) => {
          const subject = subjectOf(sandbox, index, variants[j]!);
          for (const c of [v, v.underVmmConfig]) {
            for (const k of AUDIT_CLASSES) {
              const w = c[k].witness;
              if (w === null) continue;
              const again = replayWitness(subject, w, config[w.config]);
              expect(again?.counterexample, `${name} ${ins.name} ${v.label} ${k}`).toEqual(w.counterexample);
              expect(again?.differences).toEqual(w.differences);
            }
          }
        });
      });
    }
  }, 60_000);
});
