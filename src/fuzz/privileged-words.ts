/**
 * The audit's verdict on instruction words, for the efficiency property (efficiency.ts): is a
 * word one the audit (src/check/audit.ts) finds privileged under the description's `vmm:`
 * configuration — the configuration the VMM runs its guests in?
 *
 * Where an operand field selects the state an instruction touches (a CSR number) the audit
 * classifies each selection (variant) on its own: `csr=CSR_MSTATUS`, …, and `csr=other` for every
 * value no arm names. A word belongs to the most specific variant whose fixed fields it matches,
 * so a named selection wins over `other`.
 *
 * A selection fixes only the selecting fields, so it can lump words that behave differently:
 * riscv32's `csr=other` holds the PMP CSRs, which M-mode reads and writes, and the unimplemented
 * CSRs, which trap in every mode. The audit's definition of privileged (docs/audit.md: traps in
 * every user-mode state, completes in some supervisor-mode state) makes such a selection
 * privileged, and a word of it that traps in the supervisor mode too is a guest fault under the
 * VMM, which the efficiency law judges on the bare machine, not here.
 */
import type { AuditResult } from '../check/result.js';
import { createDecoder } from '../isa/decoder.js';
import type { Isa } from '../isa/model.js';
import * as V from '../semantics/values.js';

/** Is an instruction word (isa.instructionWidth bits) privileged by the audit? False for a word that decodes to nothing. */
export type PrivilegedWords = (word: V.Bits) => boolean;

interface Selection {
  /** Field index → value. */
  readonly fixed: readonly (readonly [number, bigint])[];
  readonly privileged: boolean;
}

/** The verdicts for `isa` from its audit. Throws (a bug) when the audit is of another description. */
export function privilegedWords(isa: Isa, audit: AuditResult): PrivilegedWords {
  if (audit.hash !== isa.hash) throw new Error(`the audit of ${audit.file} is not of ${isa.file}`);
  const { decode } = createDecoder(isa);
  const byIndex: Selection[][] = isa.instructions.map((instruction) => {
    const audited = audit.instructions.find((i) => i.name === instruction.name);
    if (audited === undefined) throw new Error(`the audit has no ${instruction.name}`);
    const fields = instruction.encoding.fields;
    return audited.variants
      .map((v): Selection => ({
        fixed: Object.entries(v.fixed).map(([name, hex]) => [fields.findIndex((f) => f.name === name), BigInt(hex)] as const),
        privileged: v.underVmmConfig.privileged.value,
      }))
      .sort((a, b) => b.fixed.length - a.fixed.length);
  });
  return (word) => {
    const d = decode(word);
    const selection = d === null ? undefined : byIndex[d.index]?.find((s) => s.fixed.every(([at, value]) => BigInt(d.fields[at] ?? -1) === value));
    return selection?.privileged ?? false;
  };
}
