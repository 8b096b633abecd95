/**
 * Classifies one instruction (or variant) by DESIGN.md §3: privileged, control-sensitive,
 * mode-sensitive, user-sensitive and innocuous, each with its evidence. Proofs first (proofs.ts);
 * whatever they leave open goes to the witness search (witness.ts):
 * - privileged: proven, or a counterexample witnessed (not privileged), or `unknown` (no
 *   counterexample: presumed privileged);
 * - control-/mode-sensitive: proven absent, or witnessed, or `unknown` (no witness: presumed absent);
 * - user-sensitive: a sensitivity witness in user mode, or a search restricted to user mode;
 *   proven absent when privileged is proven (user mode always traps) or both user searches are;
 * - innocuous: neither sensitivity.
 */
import * as V from '../semantics/values.js';
import { proveStatically } from './proofs.js';
import type { ClassVerdict, Evidence, SearchKind, VariantAudit, Witness } from './result.js';
import { fieldsOf, type Subject } from './subject.js';
import { search, searchSeed } from './witness.js';

export interface ClassifyOptions {
  /** Base seed of the audit. */
  readonly seed: number;
  readonly runs: number;
}

const proven = (value: boolean): ClassVerdict => ({ value, evidence: 'proven', witness: null, runs: 0 });

/** Weakest of several pieces of evidence: unknown < witnessed < proven. */
function weakest(...xs: Evidence[]): Evidence {
  return xs.includes('unknown') ? 'unknown' : xs.includes('witnessed') ? 'witnessed' : 'proven';
}

export function classifyVariant(subject: Subject, options: ClassifyOptions): VariantAudit {
  const isa = subject.sandbox.isa;
  const facts = proveStatically(subject);
  const find = (kind: SearchKind, presumed: boolean): ClassVerdict => {
    const found = search(subject, kind, searchSeed(options.seed, isa.name, subject, kind), options.runs);
    return found.witness === null
      ? { value: presumed, evidence: 'unknown', witness: null, runs: found.runs }
      : { value: !presumed, evidence: 'witnessed', witness: found.witness, runs: found.runs };
  };
  const inUser = (w: Witness | null): boolean => w !== null && w.states.some((s) => s.mode === isa.userMode.name);

  const privileged = facts.privileged ? proven(true) : find('privileged', true);
  const controlSensitive = facts.notControlSensitive ? proven(false) : find('controlSensitive', false);
  const modeSensitive = isa.modes.length < 2 || facts.notModeSensitive ? proven(false) : find('modeSensitive', false);

  const userSensitive = ((): ClassVerdict => {
    if (privileged.value && privileged.evidence === 'proven') return proven(false);
    for (const c of [controlSensitive, modeSensitive]) if (inUser(c.witness)) return c;
    const userControl = facts.notUserControlSensitive ? proven(false)
      : controlSensitive.value ? find('userControlSensitive', false) : { ...controlSensitive, runs: 0 };
    if (userControl.value) return userControl;
    const userMode = facts.notUserModeSensitive ? proven(false)
      : modeSensitive.value ? find('userModeSensitive', false) : { ...modeSensitive, runs: 0 };
    if (userMode.value) return userMode;
    return { value: false, evidence: weakest(userControl.evidence, userMode.evidence), witness: null, runs: userControl.runs + userMode.runs };
  })();

  const sensitive = [controlSensitive, modeSensitive].find((c) => c.value);
  const innocuous: ClassVerdict = sensitive
    ? { value: false, evidence: sensitive.evidence, witness: null, runs: 0 }
    : { value: true, evidence: weakest(controlSensitive.evidence, modeSensitive.evidence), witness: null, runs: 0 };

  const encoding = isa.instructions[subject.index]!.encoding;
  const all = fieldsOf(subject, []);
  const fixed: Record<string, string> = {};
  subject.fixed.forEach((v, i) => {
    if (v !== null) fixed[encoding.fields[i]!.name] = V.hex(all[i]!, encoding.fields[i]!.width);
  });
  return { label: subject.variant.label, fixed, privileged, controlSensitive, modeSensitive, userSensitive, innocuous };
}
