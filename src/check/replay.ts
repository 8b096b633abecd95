/**
 * Replaying a recorded witness (`isavirt audit --replay`): find the instruction and the selection
 * it was found for, rebuild the search it came from (the same subject, class and configuration),
 * and run fast-check again from the recorded seed and path (witness.ts `replayWitness`). The
 * caller compares what comes back with what was recorded.
 */
import type { CheckedIsa } from '../semantics/check-isa.js';
import { configurationsOf, type ConfigurationName } from './configuration.js';
import type { SearchKind, Witness } from './result.js';
import { Sandbox } from './sandbox.js';
import { SEARCHES } from './searches.js';
import { subjectOf, type Subject } from './subject.js';
import { variantsOf } from './variants.js';
import { replayWitness } from './witness.js';

/** What a report records of a witness, enough to run it again. */
export interface RecordedWitness {
  readonly instruction: string;
  /** The variant's label ('' for a whole instruction). */
  readonly selection: string;
  readonly search: string;
  readonly config: string;
  readonly seed: number;
  readonly path: string;
}

const isSearch = (s: string): s is SearchKind => Object.hasOwn(SEARCHES, s);
const isConfig = (s: string): s is ConfigurationName => s === 'all' || s === 'vmm';

/** Replays recorded witnesses of one ISA, building each subject once. */
export class Replayer {
  private readonly sandbox: Sandbox;
  private readonly subjects = new Map<string, Subject | null>();

  constructor(private readonly checked: CheckedIsa) {
    this.sandbox = new Sandbox(checked);
  }

  /** The witness the recorded seed and path reproduce today, or why there is none. */
  replay(r: RecordedWitness): Witness | string {
    if (!isSearch(r.search)) return `unknown search '${r.search}'`;
    if (!isConfig(r.config)) return `unknown configuration '${r.config}'`;
    const subject = this.subject(r.instruction, r.selection);
    if (subject === null) return `no instruction ${r.instruction}${r.selection === '' ? '' : ` with ${r.selection}`} in ${this.checked.isa.file}`;
    const config = configurationsOf(this.checked.isa)[r.config];
    return replayWitness(subject, { search: r.search, seed: r.seed, path: r.path }, config) ?? 'the seed and path no longer give a witness';
  }

  private subject(name: string, selection: string): Subject | null {
    const key = `${name}\u0000${selection}`;
    const known = this.subjects.get(key);
    if (known !== undefined) return known;
    const index = this.checked.isa.instructions.findIndex((i) => i.name === name);
    const variant = index < 0 ? undefined : variantsOf(this.sandbox.view, index).find((v) => v.label === selection);
    const subject = variant === undefined ? null : subjectOf(this.sandbox, index, variant);
    this.subjects.set(key, subject);
    return subject;
  }
}
