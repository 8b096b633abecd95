/**
 * The Popek–Goldberg audit of one ISA (DESIGN.md §3, docs/audit.md): every instruction — every
 * variant where a field selects the state it touches — classified with proofs or fast-check
 * witnesses, then Theorems 1 and 3 decided from the classes. Deterministic for a given seed:
 * each search's seed derives from the base seed, the ISA, the instruction, the variant and the class.
 */
import type { CheckedIsa } from '../semantics/check-isa.js';
import { classifyVariant } from './classify.js';
import { checkExpectations } from './expectations.js';
import { DEFAULT_RUNS, type AuditOptions, type AuditResult, type InstructionAudit } from './result.js';
import { Sandbox } from './sandbox.js';
import { subjectOf } from './subject.js';
import { theorem1, theorem3 } from './theorems.js';
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
    const variants = variantsOf(sandbox.view, index).map((v) => classifyVariant(subjectOf(sandbox, index, v), { seed, runs }));
    return {
      name: instruction.name,
      at: `${instruction.pos.file}:${instruction.pos.line}`,
      variants,
      mismatches: checkExpectations(instruction, variants),
    };
  });
  return {
    isa: isa.name,
    title: isa.title,
    file: isa.file,
    hash: isa.hash,
    seed,
    runs,
    userMode: isa.userMode.name,
    supervisorMode: isa.modes[isa.modes.length - 1]!.name,
    instructions,
    theorem1: theorem1(instructions),
    theorem3: theorem3(instructions),
    seconds: (performance.now() - started) / 1000,
  };
}
