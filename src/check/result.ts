/**
 * What the Popek–Goldberg audit (DESIGN.md §3) finds, as plain data: per instruction and per
 * selection of an instruction (a variant), each class with its value, its evidence and, where a
 * search found one, the witness that anyone can replay — over all states and under the `vmm:`
 * configuration; then the theorems. Renderers (src/report) print it; nothing here analyses.
 */
import type { ConfigurationName } from './configuration.js';

export type { ConfigurationName } from './configuration.js';

/**
 * How a class was decided:
 * - `proven`: by partial evaluation of the semantics (src/check/proofs.ts), for every state;
 * - `witnessed`: fast-check found a concrete state (or pair of states) that shows it;
 * - `unknown`: the search found no witness in its runs; the value is what the absence suggests.
 */
export type Evidence = 'proven' | 'witnessed' | 'unknown';

/** The four sensitivities of DESIGN.md §3 (behaviour-sensitivity split by what the pair differs in). */
export type Sensitivity = 'controlSensitive' | 'modeSensitive' | 'locationSensitive' | 'resourceSensitive';

export const SENSITIVITIES: readonly Sensitivity[] = ['controlSensitive', 'modeSensitive', 'locationSensitive', 'resourceSensitive'];

/** Every class the audit decides, in report order; `timingDependent` is what Theorem 2 adds. */
export type AuditClass = 'privileged' | Sensitivity | 'userSensitive' | 'timingDependent';

export const AUDIT_CLASSES: readonly AuditClass[] = [
  'privileged', 'controlSensitive', 'modeSensitive', 'locationSensitive', 'resourceSensitive', 'userSensitive', 'timingDependent',
];

/**
 * The fast-check searches (searches.ts). Each is a property that fails exactly on a witness:
 * - `privileged`: a user-mode state where the instruction completes (it is *not* privileged);
 * - `supervisorCompletes`: a supervisor-mode state where it completes (the other half of
 *   privileged: an instruction that traps in every state is not privileged, docs/audit.md);
 * - `controlSensitive`: a state where it completes and changes mode, relocation or control state;
 * - `modeSensitive`, `locationSensitive`, `resourceSensitive`, `timingDependent`: two states that
 *   differ only in the mode, only in relocation state, only in other control state, only in timing
 *   state, where it completes in both with different visible results (storage, general state,
 *   next pc, halt code); timing in user mode only;
 * - `user…`: the same with the state (for a mode pair: one of the two) in user mode.
 */
export type SearchKind =
  | 'privileged'
  | 'supervisorCompletes'
  | Sensitivity
  | 'userControlSensitive' | 'userModeSensitive' | 'userLocationSensitive' | 'userResourceSensitive'
  | 'timingDependent';

/** One place where two observations differ: `a` before / in the first state, `b` after / in the second. Values in hex. */
export interface Difference {
  /** `status`, `R[3]`, `next pc`, `mem[0x00000010]`, `halt`. */
  readonly location: string;
  readonly a: string;
  readonly b: string;
}

/** A state as a witness shows it: its mode, its storage, and every element that is not at its reset value. */
export interface WitnessState {
  readonly mode: string;
  /** Storage not in `memory` is a deterministic function of this seed (0: all zero) — see src/check/storage.ts. */
  readonly memorySeed: number;
  /**
   * The storage blocks the run (or the pair's runs) read first and took a drawn pattern for, in
   * that order: `mem[ADDRESS]` (the read's first unit) → the pattern as the read took it, in hex of
   * the read's width (a unit already written or read keeps its value). The same for both states of a pair.
   */
  readonly memory: Readonly<Record<string, string>>;
  /** Element (or `FILE[i]`) → hex value, for elements not at their reset value. */
  readonly elements: Readonly<Record<string, string>>;
}

/** A concrete, shrunk, replayable witness found by fast-check. */
export interface Witness {
  readonly search: SearchKind;
  /** The states searched: all, or those of the `vmm:` configuration. */
  readonly config: ConfigurationName;
  /** fast-check's seed and counterexample path: `fc.check(property, { seed, path, endOnFailure: true })` replays it. */
  readonly seed: number;
  readonly path: string;
  /** fast-check's counterexample: [state draw, mode value(s), free field values, varied values]; bigints inside. */
  readonly counterexample: unknown;
  /** The instruction word run (hex). */
  readonly word: string;
  /** The free fields' values (hex). */
  readonly fields: Readonly<Record<string, string>>;
  /** One line: what the witness shows. */
  readonly summary: string;
  /** The state run (one), or the pair. */
  readonly states: readonly WitnessState[];
  /** Before → after (one state), or the visible results of the first vs the second state (a pair). */
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

/** Every class of one variant over one set of states. */
export interface Classification {
  readonly privileged: ClassVerdict;
  readonly controlSensitive: ClassVerdict;
  readonly modeSensitive: ClassVerdict;
  readonly locationSensitive: ClassVerdict;
  readonly resourceSensitive: ClassVerdict;
  /** One of the four sensitivities shown in a state whose mode is the user mode. */
  readonly userSensitive: ClassVerdict;
  /** Visible results depend on timing state in user mode, where a VMM runs its guests (Theorem 2). */
  readonly timingDependent: ClassVerdict;
  /** None of the four sensitivities (derived: its evidence is theirs, the witness is on the sensitive class). */
  readonly innocuous: ClassVerdict;
}

/** An instruction, or one selection of it: `csrrw` with `csr` fixed to one arm of the `match` it selects with. */
export interface VariantAudit extends Classification {
  /** '' for a whole instruction; otherwise `csr=CSR_MSTATUS`, `csr=other`. */
  readonly label: string;
  /** The fixed fields: name → value (hex). */
  readonly fixed: Readonly<Record<string, string>>;
  /** The same classes under the `vmm:` configuration (the same object when the configuration cannot matter). */
  readonly underVmmConfig: Classification;
}

/** An `expect:` claim that the audit contradicts (over all states). */
export interface ExpectationMismatch {
  readonly claim: string;
  readonly claimed: boolean;
  readonly found: boolean;
  readonly evidence: Evidence;
  /** The line of the claim in the description. */
  readonly line: number;
  /** The variant that decides it ('' for a whole instruction) and the witness that shows what it is, if any. */
  readonly selection: string;
  readonly witness: Witness | null;
}

export interface InstructionAudit {
  readonly name: string;
  /** The line of the instruction in its description. */
  readonly line: number;
  readonly variants: readonly VariantAudit[];
  readonly mismatches: readonly ExpectationMismatch[];
  /** Wall-clock time spent on it, in seconds (not in the reports: they are deterministic). */
  readonly seconds: number;
}

/** An instruction (variant) that breaks a theorem, and why. */
export interface Offender {
  /** `csrrs csr=CSR_CYCLE`, or just the name for a whole instruction. */
  readonly instruction: string;
  readonly line: number;
  /** `location-sensitive (witnessed), not privileged (witnessed)`. */
  readonly why: string;
}

/** One theorem's verdict. */
export interface TheoremVerdict {
  readonly holds: boolean;
  /**
   * `proven`: every instruction decided by proofs or witnesses with nothing left unknown;
   * `witnessed`: fails, with a witnessed offender; `unknown`: the verdict rests on a search that
   * found nothing (for some instruction listed in `unresolved`).
   */
  readonly evidence: Evidence;
  readonly offending: readonly Offender[];
  /** Where the verdict rests on `unknown` evidence. */
  readonly unresolved: readonly string[];
}

/**
 * Popek & Goldberg's theorems:
 * - t1: sensitive ⊆ privileged ⇒ a trap-and-emulate VMM can be built (sufficient, not necessary);
 * - t2: t1 and no timing dependency in user mode ⇒ recursively virtualisable;
 * - t3: user-sensitive ⊆ privileged ⇒ a hybrid VMM can be built.
 */
export interface Theorems {
  readonly t1: TheoremVerdict;
  readonly t2: TheoremVerdict;
  readonly t3: TheoremVerdict;
}

export type TheoremName = keyof Theorems;

export interface AuditResult {
  readonly isa: string;
  readonly title: string;
  /** The description as given (reports show it relative to the working directory). */
  readonly file: string;
  /** SHA-256 of the description. */
  readonly hash: string;
  /** The base seed every search seed is derived from (`--seed`). */
  readonly seed: number;
  /** Runs per search. */
  readonly runs: number;
  readonly userMode: string;
  readonly supervisorMode: string;
  /** The `vmm:` configuration: its description and settings (`mcounteren = 0x00000000`), or null. */
  readonly vmm: { readonly description: string; readonly settings: string } | null;
  readonly instructions: readonly InstructionAudit[];
  readonly theorems: Theorems;
  readonly underVmmConfig: Theorems;
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

/** The classes in words, as the paper and the reports write them. */
export const CLASS_WORDS: Readonly<Record<AuditClass | 'innocuous', string>> = {
  privileged: 'privileged',
  controlSensitive: 'control-sensitive',
  modeSensitive: 'mode-sensitive',
  locationSensitive: 'location-sensitive',
  resourceSensitive: 'resource-sensitive',
  userSensitive: 'user-sensitive',
  timingDependent: 'timing-dependent',
  innocuous: 'innocuous',
};
