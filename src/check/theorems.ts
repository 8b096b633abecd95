/**
 * Popek & Goldberg's theorems from the classification (CACM 17(7), 1974; DESIGN.md §3), over one
 * set of states (all, or the `vmm:` configuration's):
 * - Theorem 1: every sensitive instruction is privileged ⇒ a trap-and-emulate VMM can be built.
 *   It is sufficient, not necessary: failing it means "no VMM by this construction".
 * - Theorem 2: Theorem 1 holds and no instruction's visible results depend on timing state in
 *   user mode (where the VMM runs guests directly) ⇒ recursively virtualisable (docs/audit.md).
 * - Theorem 3: every user-sensitive instruction is privileged ⇒ a hybrid VMM can be built.
 * Each instruction variant counts separately (`csrrw csr=CSR_MSTATUS`); each offender says why.
 */
import {
  CLASS_WORDS, SENSITIVITIES, type Classification, type ClassVerdict, type InstructionAudit, type Offender,
  type TheoremVerdict, type Theorems, type VariantAudit,
} from './result.js';

export function itemName(i: InstructionAudit, v: VariantAudit): string {
  return v.label === '' ? i.name : `${i.name} ${v.label}`;
}

/** `control-sensitive (witnessed)`. */
function phrase(name: keyof typeof CLASS_WORDS, c: ClassVerdict): string {
  return `${CLASS_WORDS[name]} (${c.evidence})`;
}

function notPrivileged(c: Classification): string {
  const p = c.privileged;
  return `not privileged (${p.evidence}${p.witness ? `: ${p.witness.summary}` : ''})`;
}

/** What breaks a theorem for one variant, or null when nothing does. */
type Breach = (c: Classification) => string | null;

const sensitive: Breach = (c) => {
  if (c.privileged.value) return null;
  const found = SENSITIVITIES.filter((s) => c[s].value).map((s) => phrase(s, c[s]));
  return found.length === 0 ? null : `${found.join(', ')}; ${notPrivileged(c)}`;
};

const userSensitive: Breach = (c) => {
  if (c.privileged.value || !c.userSensitive.value) return null;
  const w = c.userSensitive.witness;
  return `${phrase('userSensitive', c.userSensitive)}${w ? `: ${w.summary}` : ''}; ${notPrivileged(c)}`;
};

const timing: Breach = (c) => {
  if (c.privileged.value || !c.timingDependent.value) return null;
  const w = c.timingDependent.witness;
  return `${phrase('timingDependent', c.timingDependent)} in user mode${w ? `: ${w.summary}` : ''}; ${notPrivileged(c)}`;
};

/** Decided for sure: privileged by proof, or proven clear of everything the theorem asks about. */
type Settled = (c: Classification) => boolean;

/** Privileged, decided by proof or by a proof and a witness (classify.ts). */
const provenPrivileged = (c: Classification): boolean => c.privileged.value && c.privileged.evidence !== 'unknown';
const provenInnocuous = (c: Classification): boolean => c.innocuous.value && c.innocuous.evidence === 'proven';
const provenNoTiming = (c: Classification): boolean => !c.timingDependent.value && c.timingDependent.evidence === 'proven';

function verdict(
  instructions: readonly InstructionAudit[], pick: (v: VariantAudit) => Classification, breaches: readonly Breach[], settled: Settled,
): TheoremVerdict {
  const offending: Offender[] = [];
  const unresolved: string[] = [];
  let witnessed = false;
  for (const i of instructions) {
    for (const v of i.variants) {
      const c = pick(v);
      const why = breaches.map((b) => b(c)).filter((x) => x !== null);
      if (why.length > 0) {
        offending.push({ instruction: itemName(i, v), line: i.line, why: why.join('; and ') });
        if (c.privileged.evidence !== 'unknown') witnessed = true;
      } else if (!provenPrivileged(c) && !settled(c)) {
        // Holds for this item only on the strength of a search that found nothing.
        unresolved.push(itemName(i, v));
      }
    }
  }
  if (offending.length > 0) return { holds: false, evidence: witnessed ? 'witnessed' : 'unknown', offending, unresolved };
  return { holds: true, evidence: unresolved.length === 0 ? 'proven' : 'unknown', offending, unresolved };
}

/** Theorems 1, 2 and 3 over the classes `pick` chooses (over all states, or under the configuration). */
export function theorems(instructions: readonly InstructionAudit[], pick: (v: VariantAudit) => Classification): Theorems {
  const t1 = verdict(instructions, pick, [sensitive], provenInnocuous);
  const t2 = verdict(instructions, pick, [sensitive, timing], (c) => provenInnocuous(c) && provenNoTiming(c));
  const t3 = verdict(instructions, pick, [userSensitive], (c) => !c.userSensitive.value && c.userSensitive.evidence === 'proven');
  return { t1, t2, t3 };
}
