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
 * riscv32's `csrrsi csr=CSR_MHARTID` reads mhartid in M-mode when uimm = 0 and traps in every mode
 * otherwise (a write to a read-only CSR); `csr=other` holds the PMP CSRs, which a range test
 * serves, and the unimplemented CSRs, which trap everywhere. When the audit's witness against
 * `privileged` is a trap in the supervisor mode by another word, it says nothing against this
 * word trapping only in user mode: the verdict is then `unsettled`. A witness that the selection
 * completes in user mode, or the very word trapping in the supervisor mode, settles it.
 */
import type { AuditResult } from '../check/result.js';
import { createDecoder } from '../isa/decoder.js';
import type { Isa } from '../isa/model.js';
import * as V from '../semantics/values.js';

/** `unsettled`: the word's selection is a catch-all found unprivileged by another word. */
export type PrivilegedVerdict = 'privileged' | 'unprivileged' | 'unsettled';

/** The audit's verdict on an instruction word (isa.instructionWidth bits); `unprivileged` for a word that decodes to nothing. */
export type PrivilegedWords = (word: V.Bits) => PrivilegedVerdict;

interface Selection {
  /** Field index → value. */
  readonly fixed: readonly (readonly [number, bigint])[];
  readonly privileged: boolean;
  /** The word of the witness that shows it is not privileged by trapping in the supervisor mode, if that is the witness. */
  readonly supervisorTrap: bigint | null;
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
      .map((v): Selection => {
        const verdict = v.underVmmConfig.privileged;
        const w = verdict.witness;
        return {
          fixed: Object.entries(v.fixed).map(([name, hex]) => [fields.findIndex((f) => f.name === name), BigInt(hex)] as const),
          privileged: verdict.value,
          supervisorTrap: w !== null && w.states[0]?.mode === audit.supervisorMode ? BigInt(w.word) : null,
        };
      })
      .sort((a, b) => b.fixed.length - a.fixed.length);
  });
  return (word) => {
    const d = decode(word);
    const selection = d === null ? undefined : byIndex[d.index]?.find((s) => s.fixed.every(([at, value]) => BigInt(d.fields[at] ?? -1) === value));
    if (selection === undefined) return 'unprivileged';
    if (selection.privileged) return 'privileged';
    return selection.supervisorTrap !== null && selection.supervisorTrap !== V.toBigInt(word) ? 'unsettled' : 'unprivileged';
  };
}
