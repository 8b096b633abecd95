/**
 * What the Popek–Goldberg audit (DESIGN.md §3) finds, as plain data: per instruction and per
 * selection of an instruction (a variant), each class with its value, its evidence and, where a
 * search found one, the witness that anyone can replay; then the theorems. Renderers (src/report)
 * print it; nothing here analyses.
 */

/**
 * How a class was decided:
 * - `proven`: by partial evaluation of the semantics (src/check/proofs.ts), for every state;
 * - `witnessed`: fast-check found a concrete state (or pair of states) that shows it;
 * - `unknown`: the search found no witness in its runs; the value is what the absence suggests.
 */
export type Evidence = 'proven' | 'witnessed' | 'unknown';

/**
 * The fast-check searches. Each is a property that fails exactly on a witness:
 * - `privileged`: a user-mode state where the instruction does not trap, or a supervisor-mode
 *   state where it traps (either shows the instruction is *not* privileged);
 * - `controlSensitive`: a state (any mode) where it completes and changes mode, relocation or control;
 * - `modeSensitive`: two states differing only in mode where it completes in both with different
 *   visible results (storage, general state, next pc, halt code);
 * - `userControlSensitive`, `userModeSensitive`: the same with the (first) state in user mode.
 */
export type SearchKind = 'privileged' | 'controlSensitive' | 'modeSensitive' | 'userControlSensitive' | 'userModeSensitive';

/** One place where two observations differ: `a` before / in the first state, `b` after / in the second. Values in hex. */
export interface Difference {
  /** `status`, `R[3]`, `next pc`, `mem[0x00000010]`, `halt`, `outcome`. */
  readonly location: string;
  readonly a: string;
  readonly b: string;
}

/** A state as a witness shows it: its mode, the memory seed, and every element that is not at its reset value. */
export interface WitnessState {
  readonly mode: string;
  /** Storage is a deterministic function of this seed (0: all zero) — see src/check/sandbox.ts. */
  readonly memorySeed: number;
  /** Element (or `FILE[i]`) → hex value, for elements not at their reset value. */
  readonly elements: Readonly<Record<string, string>>;
}

/** A concrete, shrunk, replayable witness found by fast-check. */
export interface Witness {
  readonly search: SearchKind;
  /** fast-check's seed and counterexample path: `fc.check(property, { seed, path, endOnFailure: true })` replays it. */
  readonly seed: number;
  readonly path: string;
  /** fast-check's counterexample: [state draw, mode value(s), free field values]; bigints inside. */
  readonly counterexample: unknown;
  /** The instruction word run (hex). */
  readonly word: string;
  /** The free fields' values (hex). */
  readonly fields: Readonly<Record<string, string>>;
  /** One line: what the witness shows. */
  readonly summary: string;
  /** The state run (one, or the pair for mode-sensitivity). */
  readonly states: readonly WitnessState[];
  /** Before → after (one state) or first vs second (a pair). */
  readonly differences: readonly Difference[];
}

/** One class of one variant. */
export interface ClassVerdict {
  readonly value: boolean;
  readonly evidence: Evidence;
  /** Set when `evidence` is `witnessed`. */
  readonly witness: Witness | null;
  /** fast-check runs spent deciding it (0 when proven without a search). */
  readonly runs: number;
}

/** An instruction, or one selection of it: `csrw` with `csr` fixed to one arm of the `match` it selects with. */
export interface VariantAudit {
  /** '' for a whole instruction; otherwise `csr=CSR_STATUS`, `csr=other (0x4)`. */
  readonly label: string;
  /** The fixed fields: name → value (hex). */
  readonly fixed: Readonly<Record<string, string>>;
  readonly privileged: ClassVerdict;
  readonly controlSensitive: ClassVerdict;
  readonly modeSensitive: ClassVerdict;
  /** Sensitive (control or mode) in some state whose mode is the user mode. */
  readonly userSensitive: ClassVerdict;
  /** Neither control- nor mode-sensitive (derived: its evidence is theirs, the witness is on the sensitive class). */
  readonly innocuous: ClassVerdict;
}

/** An `expect:` claim that the audit contradicts. */
export interface ExpectationMismatch {
  readonly claim: string;
  readonly claimed: boolean;
  readonly found: boolean;
  readonly evidence: Evidence;
}

export interface InstructionAudit {
  readonly name: string;
  /** file:line of the instruction in its description. */
  readonly at: string;
  readonly variants: readonly VariantAudit[];
  readonly mismatches: readonly ExpectationMismatch[];
}

/** Theorem 1 (sensitive ⊆ privileged) or Theorem 3 (user-sensitive ⊆ privileged). */
export interface TheoremVerdict {
  readonly holds: boolean;
  /**
   * `proven`: every instruction decided by proofs; `witnessed`: fails, with a witnessed offender;
   * `unknown`: holds on the evidence, but some instruction's verdict rests on a search that found nothing.
   */
  readonly evidence: Evidence;
  /** Sensitive (resp. user-sensitive) but not privileged: `name` or `name csr=...`. */
  readonly offending: readonly string[];
  /** Where the verdict rests on `unknown` evidence. */
  readonly unresolved: readonly string[];
}

export interface AuditResult {
  readonly isa: string;
  readonly title: string;
  readonly file: string;
  /** SHA-256 of the description. */
  readonly hash: string;
  /** The base seed every search seed is derived from (`--seed`). */
  readonly seed: number;
  /** Runs per search. */
  readonly runs: number;
  readonly userMode: string;
  readonly supervisorMode: string;
  readonly instructions: readonly InstructionAudit[];
  readonly theorem1: TheoremVerdict;
  readonly theorem3: TheoremVerdict;
  /** Wall-clock time of the audit, in seconds. */
  readonly seconds: number;
}

export interface AuditOptions {
  /** Base seed (default: derived from the ISA name, so reports are deterministic). */
  readonly seed?: number;
  /** fast-check runs per search (default 300). */
  readonly runs?: number;
}

export const DEFAULT_RUNS = 300;
