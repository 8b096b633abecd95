/**
 * `expect:` claims (docs/description-format.md) are claims about a whole instruction that the
 * audit verifies, never inputs to it. Over the variants of an instruction, privileged and
 * innocuous must hold for every variant; a sensitivity holds when some variant has it.
 */
import type { ClassName, Instruction } from '../isa/model.js';
import type { ClassVerdict, Evidence, ExpectationMismatch, VariantAudit } from './result.js';

type Checked = Extract<ClassName, 'privileged' | 'controlSensitive' | 'modeSensitive' | 'userSensitive' | 'innocuous'>;

const EVERY: ReadonlySet<Checked> = new Set<Checked>(['privileged', 'innocuous']);
const CHECKED: readonly Checked[] = ['privileged', 'controlSensitive', 'modeSensitive', 'userSensitive', 'innocuous'];

function weakest(xs: readonly ClassVerdict[]): Evidence {
  const e = xs.map((x) => x.evidence);
  return e.includes('unknown') ? 'unknown' : e.includes('witnessed') ? 'witnessed' : 'proven';
}

/** The instruction-level value of a class and its evidence. */
export function aggregate(variants: readonly VariantAudit[], name: Checked): { value: boolean; evidence: Evidence } {
  const verdicts = variants.map((v) => v[name]);
  const decisive = verdicts.find((v) => v.value !== EVERY.has(name));
  if (decisive) return { value: decisive.value, evidence: decisive.evidence };
  return { value: EVERY.has(name), evidence: weakest(verdicts) };
}

/** The claims of `expect:` that the audit contradicts. (Location- and resource-sensitivity are not audited yet.) */
export function checkExpectations(instruction: Instruction, variants: readonly VariantAudit[]): ExpectationMismatch[] {
  const out: ExpectationMismatch[] = [];
  for (const name of CHECKED) {
    const claimed = instruction.expect.get(name);
    if (claimed === undefined) continue;
    const found = aggregate(variants, name);
    if (found.value !== claimed) out.push({ claim: name, claimed, found: found.value, evidence: found.evidence });
  }
  return out;
}
