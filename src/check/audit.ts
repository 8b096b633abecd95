/**
 * The Popek–Goldberg audit of one ISA (DESIGN.md §3, docs/audit.md): every instruction — every
 * variant where a field selects the state it touches — classified with proofs or fast-check
 * witnesses, over all states and under the `vmm:` configuration; then Theorems 1, 2 and 3 decided
 * from the classes, both ways. Deterministic for a given seed: each search's seed derives from
 * the base seed, the ISA, the instruction, the variant, the class and the configuration.
 */
import type { CheckedIsa } from '../semantics/check-isa.js';
import { classifyVariant } from './classify.js';
import { configurationsOf, describeSettings } from './configuration.js';
import { checkExpectations } from './expectations.js';
import { DEFAULT_RUNS, type AuditOptions, type AuditResult, type InstructionAudit } from './result.js';
import { Sandbox } from './sandbox.js';
import { subjectOf } from './subject.js';
import { theorems } from './theorems.js';
import { variantsOf } from './variants.js';
import { seedOf } from './witness.js';

/** The base seed when none is given: derived from the ISA's name. */
export function defaultSeed(isaName: string): number {
  return seedOf(isaName);
}

export function auditIsa(checked: CheckedIsa, options: AuditOptions = {}): AuditResult {
  const started = performance.now();
  const isa = checked.isa;
  const seed = options.seed ?? defaultSeed(isa.name);
  const runs = options.runs ?? DEFAULT_RUNS;
  const sandbox = new Sandbox(checked);
  const instructions: InstructionAudit[] = isa.instructions.map((instruction, index) => {
    const begun = performance.now();
    const variants = variantsOf(sandbox.view, index).map((v) => classifyVariant(subjectOf(sandbox, index, v), { seed, runs }));
    return {
      name: instruction.name,
      line: instruction.pos.line,
      variants,
      mismatches: checkExpectations(instruction, variants),
      seconds: (performance.now() - begun) / 1000,
    };
  });
  // A vmm: section that configures no state gives no second verdict.
  const configured = configurationsOf(isa).vmm;
  const vmm = isa.vmm === null || configured.settings.length === 0 ? null : { description: isa.vmm.description, settings: describeSettings(configured) };
  return {
    isa: isa.name,
    title: isa.title,
    file: isa.file,
    hash: isa.hash,
    seed,
    runs,
    userMode: isa.userMode.name,
    supervisorMode: isa.modes[isa.modes.length - 1]!.name,
    vmm,
    instructions,
    theorems: theorems(instructions, (v) => v),
    underVmmConfig: theorems(instructions, (v) => v.underVmmConfig),
    seconds: (performance.now() - started) / 1000,
  };
}
