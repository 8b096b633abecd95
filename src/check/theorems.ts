/**
 * Popek & Goldberg's theorems from the classification (CACM 17(7), 1974; DESIGN.md §3):
 * - Theorem 1: every sensitive instruction is privileged ⇒ a trap-and-emulate VMM can be built.
 *   It is sufficient, not necessary: failing it means "no VMM by this construction".
 * - Theorem 3: every user-sensitive instruction is privileged ⇒ a hybrid VMM can be built.
 * Each instruction variant counts separately (`csrw csr=CSR_STATUS`).
 */
import type { ClassVerdict, Evidence, InstructionAudit, TheoremVerdict, VariantAudit } from './result.js';

function itemName(i: InstructionAudit, v: VariantAudit): string {
  return v.label === '' ? i.name : `${i.name} ${v.label}`;
}

/** sensitive(v) ⊆ privileged, over every variant of every instruction. */
function inclusion(instructions: readonly InstructionAudit[], sensitive: (v: VariantAudit) => ClassVerdict): TheoremVerdict {
  const offending: string[] = [];
  const unresolved: string[] = [];
  let failEvidence: Evidence = 'unknown';
  for (const i of instructions) {
    for (const v of i.variants) {
      const s = sensitive(v);
      const p = v.privileged;
      if (s.value && !p.value) {
        offending.push(itemName(i, v));
        if (s.evidence !== 'unknown' && p.evidence !== 'unknown') failEvidence = 'witnessed';
      } else if (!(p.value && p.evidence === 'proven') && !(!s.value && s.evidence === 'proven')) {
        // Holds for this item only on the strength of a search that found nothing.
        unresolved.push(itemName(i, v));
      }
    }
  }
  if (offending.length > 0) return { holds: false, evidence: failEvidence, offending, unresolved };
  return { holds: true, evidence: unresolved.length === 0 ? 'proven' : 'unknown', offending, unresolved };
}

/** Sensitive (control or mode): the negation of innocuous, with its evidence. */
function sensitivity(v: VariantAudit): ClassVerdict {
  return { ...v.innocuous, value: !v.innocuous.value };
}

export function theorem1(instructions: readonly InstructionAudit[]): TheoremVerdict {
  return inclusion(instructions, sensitivity);
}

export function theorem3(instructions: readonly InstructionAudit[]): TheoremVerdict {
  return inclusion(instructions, (v) => v.userSensitive);
}
