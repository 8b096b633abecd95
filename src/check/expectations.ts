/**
 * `expect:` claims (docs/description-format.md) are claims about a whole instruction that the
 * audit verifies over all states, never inputs to it. Over the variants of an instruction,
 * privileged and innocuous must hold for every variant; a sensitivity holds when some variant has
 * it. A contradicted claim is a finding at the claim's own line.
 */
import type { ClassName, Instruction } from '../isa/model.js';
import { weakest } from './classify.js';
import {
  SENSITIVITIES, type AuditClass, type Classification, type ClassVerdict, type Evidence, type ExpectationMismatch, type VariantAudit,
  type Witness,
} from './result.js';

/** Classes that hold for an instruction only when they hold for every variant. */
const EVERY: ReadonlySet<AuditClass | 'innocuous'> = new Set<AuditClass | 'innocuous'>(['privileged', 'innocuous']);
const CHECKED: readonly ClassName[] = [
  'privileged', 'controlSensitive', 'modeSensitive', 'locationSensitive', 'resourceSensitive', 'userSensitive', 'innocuous',
];

export interface Aggregate {
  readonly value: boolean;
  readonly evidence: Evidence;
  /** The variant that decides the value, when one does (the others agreeing would give the other value). */
  readonly decisive: VariantAudit | null;
  /** The decisive variant's witness for it (for innocuous: of the sensitivity that makes it not innocuous). */
  readonly witness: Witness | null;
}

function witnessOf(c: Classification, name: AuditClass | 'innocuous'): Witness | null {
  if (name !== 'innocuous') return c[name].witness;
  return SENSITIVITIES.map((s) => c[s]).find((s) => s.value)?.witness ?? null;
}

/** The instruction-level verdict of a class over its variants, in the classifications `pick` chooses. */
export function aggregate(
  variants: readonly VariantAudit[], name: AuditClass | 'innocuous', pick: (v: VariantAudit) => Classification = (v) => v,
): Aggregate {
  const every = EVERY.has(name);
  const decisive = variants.find((v) => pick(v)[name].value !== every);
  if (decisive) {
    const c = pick(decisive);
    return { value: c[name].value, evidence: c[name].evidence, decisive, witness: witnessOf(c, name) };
  }
  const verdicts: ClassVerdict[] = variants.map((v) => pick(v)[name]);
  return { value: every, evidence: weakest(...verdicts.map((v) => v.evidence)), decisive: null, witness: null };
}

/** The claims of `expect:` that the audit contradicts. */
export function checkExpectations(instruction: Instruction, variants: readonly VariantAudit[]): ExpectationMismatch[] {
  const out: ExpectationMismatch[] = [];
  for (const name of CHECKED) {
    const claimed = instruction.expect.get(name);
    if (claimed === undefined) continue;
    const found = aggregate(variants, name);
    const line = instruction.expectPos.get(name)?.line ?? instruction.pos.line;
    if (found.value === claimed) continue;
    out.push({
      claim: name, claimed, found: found.value, evidence: found.evidence, line,
      selection: found.decisive?.label ?? '', witness: found.witness,
    });
  }
  return out;
}
