/**
 * Classifies one instruction (or variant) by DESIGN.md §3, each class with its evidence, over all
 * states and under the `vmm:` configuration. Proofs first (proofs.ts); whatever they leave open
 * goes to the witness search (witness.ts):
 * - privileged (docs/audit.md: traps in every user-mode state, completes in some supervisor-mode
 *   state): proven; or not privileged, proven (nothing completes in supervisor mode) or witnessed
 *   (a user-mode state that completes); or, when every user-mode state is proven to trap,
 *   witnessed by a supervisor-mode state that completes; otherwise `unknown` (nothing found in
 *   `runs` and then 10 × `runs` more: presumed privileged when a supervisor state completes);
 * - each sensitivity, and timing dependence: proven absent, or witnessed, or `unknown` (no
 *   witness: presumed absent);
 * - user-sensitive: a sensitivity witness in user mode, or a search restricted to user mode;
 *   proven absent when privileged is proven (user mode always traps) or every user fact is;
 * - innocuous: none of the four sensitivities.
 * Under the configuration, a variant that cannot tell the difference (configuration.ts
 * `carriesOver`) keeps its verdict over all states; a witness found only under the configuration
 * decides the class over all states as well (its states are states).
 */
import * as V from '../semantics/values.js';
import { carriesOver, configurationsOf, type Configuration } from './configuration.js';
import { proveStatically, type StaticFacts } from './proofs.js';
import {
  SENSITIVITIES, type AuditClass, type Classification, type ClassVerdict, type Evidence, type SearchKind, type Sensitivity, type VariantAudit,
  type Witness,
} from './result.js';
import { USER_SEARCH } from './searches.js';
import { fieldsOf, type Subject } from './subject.js';
import { replayWitness, search, searchSeed, seedOf } from './witness.js';

/** The sensitivities that make an instruction user-sensitive (see `userSensitive` below). */
const USER_SENSITIVITIES: readonly Sensitivity[] = ['controlSensitive', 'locationSensitive', 'resourceSensitive'];

export interface ClassifyOptions {
  /** Base seed of the audit. */
  readonly seed: number;
  readonly runs: number;
}

/** A search that finds nothing in `runs` runs is repeated with this many times the runs. */
export const ESCALATION = 10;

const proven = (value: boolean): ClassVerdict => ({ value, evidence: 'proven', witness: null, runs: 0 });

/** Weakest of several pieces of evidence: unknown < witnessed < proven. */
export function weakest(...xs: Evidence[]): Evidence {
  return xs.includes('unknown') ? 'unknown' : xs.includes('witnessed') ? 'witnessed' : 'proven';
}

/** The static facts that prove each sensitivity absent, over all modes and in user mode. */
function absent(facts: StaticFacts, c: Sensitivity): { readonly all: boolean; readonly user: boolean } {
  switch (c) {
    case 'controlSensitive': return { all: facts.notControlSensitive, user: facts.notUserControlSensitive };
    case 'modeSensitive': return { all: facts.notModeSensitive, user: facts.notUserModeSensitive };
    case 'locationSensitive': return { all: facts.notLocationSensitive, user: facts.notUserLocationSensitive };
    case 'resourceSensitive': return { all: facts.notResourceSensitive, user: facts.notUserResourceSensitive };
    default: return exhaustive(c);
  }
}

/** The witnesses of a classification, by the search that found them. */
function witnessesOf(c: Classification): Map<SearchKind, Witness> {
  const out = new Map<SearchKind, Witness>();
  for (const v of Object.values(c)) if (v.witness !== null) out.set(v.witness.search, v.witness);
  return out;
}

/**
 * Every class of `subject` over the states `config` allows. With `earlier` (the classification
 * over all states), a search under the configuration first replays the witness the earlier one
 * found: where the configuration leaves that state alone it is a witness here too.
 */
export function classify(subject: Subject, config: Configuration, options: ClassifyOptions, earlier: Classification | null = null): Classification {
  const isa = subject.sandbox.isa;
  const facts = proveStatically(subject, config);
  const known = earlier === null ? new Map<SearchKind, Witness>() : witnessesOf(earlier);
  const find = (kind: SearchKind, presumed: boolean): ClassVerdict => {
    const before = known.get(kind);
    const again = before === undefined ? null : replayWitness(subject, before, config);
    if (again !== null) return { value: !presumed, evidence: 'witnessed', witness: again, runs: 1 };
    const seed = searchSeed(options.seed, isa.name, subject, kind, config);
    let found = search(subject, kind, config, seed, options.runs);
    // Nothing proven, nothing found: look ten times harder before calling it unknown.
    if (found.witness === null) found = search(subject, kind, config, seedOf(`${seed}|again`), options.runs * ESCALATION);
    return found.witness === null
      ? { value: presumed, evidence: 'unknown', witness: null, runs: options.runs * (1 + ESCALATION) }
      : { value: !presumed, evidence: 'witnessed', witness: found.witness, runs: found.runs };
  };
  const inUser = (w: Witness | null): boolean => w !== null && w.states.some((s) => s.mode === isa.userMode.name);

  const privileged = facts.privileged ? proven(true)
    : facts.supervisorNeverCompletes ? proven(false)
    : privilegedBySearch(facts.userAlwaysTraps, find);
  const sensitivity = (c: Sensitivity): ClassVerdict => (absent(facts, c).all ? proven(false) : find(c, false));
  const classes: Record<Sensitivity, ClassVerdict> = {
    controlSensitive: sensitivity('controlSensitive'),
    modeSensitive: isa.modes.length < 2 ? proven(false) : sensitivity('modeSensitive'),
    locationSensitive: sensitivity('locationSensitive'),
    resourceSensitive: sensitivity('resourceSensitive'),
  };

  // User-sensitive (P&G §5, Theorem 3): sensitive where the hybrid VMM runs the guest directly,
  // i.e. in user mode with virtual mode = real mode. So a mode pair never counts: in virtual user
  // mode the guest sees the same mode as on the bare machine. Control-sensitivity in a user-mode
  // state and location- or resource-sensitivity between two user-mode states do count.
  const userSensitive = ((): ClassVerdict => {
    if (facts.userAlwaysTraps) return proven(false);
    for (const c of USER_SENSITIVITIES) if (inUser(classes[c].witness)) return classes[c];
    const parts: ClassVerdict[] = [];
    for (const c of USER_SENSITIVITIES) {
      const part = absent(facts, c).user ? proven(false)
        : classes[c].value ? find(USER_SEARCH[c], false) : { ...classes[c], runs: 0 };
      if (part.value) return part;
      parts.push(part);
    }
    return { value: false, evidence: weakest(...parts.map((p) => p.evidence)), witness: null, runs: parts.reduce((n, p) => n + p.runs, 0) };
  })();

  const timingDependent = facts.notTimingDependent ? proven(false) : find('timingDependent', false);
  return { privileged, ...classes, userSensitive, timingDependent, innocuous: innocuousOf(classes) };
}

/**
 * Privileged where the proofs leave it open: a user-mode state that completes refutes it (unless
 * every user-mode state is proven to trap); then a supervisor-mode state that completes confirms
 * it — with a proof of the user half that is a witnessed verdict, without one it stays presumed.
 */
function privilegedBySearch(userAlwaysTraps: boolean, find: (kind: SearchKind, presumed: boolean) => ClassVerdict): ClassVerdict {
  const user = userAlwaysTraps ? null : find('privileged', true);
  if (user !== null && user.evidence === 'witnessed') return user;
  const supervisor = find('supervisorCompletes', false);
  const runs = (user?.runs ?? 0) + supervisor.runs;
  if (!supervisor.value) return { value: false, evidence: 'unknown', witness: null, runs };
  return userAlwaysTraps ? { ...supervisor, value: true, runs } : { value: true, evidence: 'unknown', witness: null, runs };
}

/** Innocuous: none of the four sensitivities; its evidence is theirs. */
function innocuousOf(classes: Readonly<Record<Sensitivity, ClassVerdict>>): ClassVerdict {
  const sensitive = SENSITIVITIES.map((c) => classes[c]).find((c) => c.value);
  return sensitive
    ? { value: false, evidence: sensitive.evidence, witness: null, runs: 0 }
    : { value: true, evidence: weakest(...SENSITIVITIES.map((c) => classes[c].evidence)), witness: null, runs: 0 };
}

/**
 * A state the configuration allows is a state: where the search over all states found nothing
 * but the one under the configuration found a witness that a state exists, that witness decides
 * the class over all states too. Not a witnessed `privileged`: that is a supervisor state that
 * completes *and* a proof that every user state traps, which holds under the configuration only.
 */
function lift(all: Classification, vmm: Classification): Classification {
  const existential = (k: AuditClass): boolean => k !== 'privileged' || !vmm[k].value;
  const pick = (k: AuditClass): ClassVerdict =>
    (all[k].evidence === 'unknown' && vmm[k].evidence === 'witnessed' && existential(k) ? vmm[k] : all[k]);
  const classes = {
    controlSensitive: pick('controlSensitive'), modeSensitive: pick('modeSensitive'),
    locationSensitive: pick('locationSensitive'), resourceSensitive: pick('resourceSensitive'),
  };
  return {
    privileged: pick('privileged'), ...classes, userSensitive: pick('userSensitive'), timingDependent: pick('timingDependent'),
    innocuous: innocuousOf(classes),
  };
}

/** A variant over all states and under the `vmm:` configuration. */
export function classifyVariant(subject: Subject, options: ClassifyOptions): VariantAudit {
  const isa = subject.sandbox.isa;
  const configs = configurationsOf(isa);
  const first = classify(subject, configs.all, options);
  const touched = new Set([...subject.reads, ...subject.writes]);
  const underVmmConfig = carriesOver(configs.vmm, touched) ? first : classify(subject, configs.vmm, options, first);
  const all = underVmmConfig === first ? first : lift(first, underVmmConfig);

  const encoding = isa.instructions[subject.index]!.encoding;
  const values = fieldsOf(subject, []);
  const fixed: Record<string, string> = {};
  subject.fixed.forEach((v, i) => {
    if (v !== null) fixed[encoding.fields[i]!.name] = V.hex(values[i]!, encoding.fields[i]!.width);
  });
  return { label: subject.variant.label, fixed, ...all, underVmmConfig };
}

function exhaustive(x: never): never {
  throw new Error(`unhandled class ${String(x)}`);
}
