/**
 * One search input, run and judged: does this state (or pair of states) show the class the search
 * looks for? The states are built from the input, then constrained by the configuration
 * (configuration.ts); a state where the instruction takes a memory trap, or where the interpreter
 * reports a fault in the description, shows nothing (DESIGN.md §3: only states with no memory trap).
 */
import type { Isa } from '../isa/model.js';
import type { SearchInput } from './arbitraries.js';
import { cellName, getCell } from './cells.js';
import { configure, type Configuration } from './configuration.js';
import { changedCells, effects, modeName, visibleDifferences, witnessState, type Completed } from './observe.js';
import type { Difference, SearchKind, WitnessState } from './result.js';
import type { Outcome, SandboxState } from './sandbox.js';
import { CONTROL_ROLES, SEARCHES, variedCells, variedRole } from './searches.js';
import { Storage } from './storage.js';
import { fieldsOf, stateOf, type Subject } from './subject.js';

/** What a witness shows, in words and differences. */
export interface Observation {
  readonly summary: string;
  readonly states: readonly WitnessState[];
  readonly differences: readonly Difference[];
}

const ROLE_WORDS = {
  relocation: 'relocation (storage moved to match)', control: 'other control', timing: 'timing',
} as const;

/** Run the subject on `input` and say what it shows for `kind` under `config`; null when it shows nothing. */
export function examine(subject: Subject, kind: SearchKind, config: Configuration, input: SearchInput): Observation | null {
  const isa = subject.sandbox.isa;
  const [draw, modes, free, varied] = input;
  const fields = fieldsOf(subject, free);
  // One storage for every state of this input: a pair shares it (storage.ts).
  const storage = new Storage(draw.storage, isa.unit, isa.endian, subject.sites);
  const stateIn = (values: readonly bigint[], mode: number, pair: readonly number[]): SandboxState => {
    const s = stateOf(subject, values, storage, mode);
    configure(config, s.store, ...pair);
    return s;
  };
  const run = (s: SandboxState): Outcome => subject.sandbox.run(subject.index, fields, s);
  const m = modes[0]!;
  const mode = modeName(isa, m);
  const base = SEARCHES[kind].base;
  switch (base) {
    case 'privileged': case 'supervisorCompletes': {
      // A user-mode state that completes shows it is not privileged; a supervisor-mode state that
      // completes is the other half of privileged (docs/audit.md).
      const s = stateIn(draw.values, m, [m]);
      const o = run(s);
      if (o.kind !== 'completed') return null;
      const words = base === 'privileged' ? 'user' : 'supervisor';
      return { summary: `completes in ${words} mode ${mode}`, states: [witnessState(isa, s)], differences: effects(isa, s, o) };
    }
    case 'controlSensitive': {
      const s = stateIn(draw.values, m, [m]);
      const o = run(s);
      if (o.kind !== 'completed') return null;
      const changed = changedCells(isa, s.store, o.after, CONTROL_ROLES);
      if (changed.length === 0) return null;
      const where = changed.map((d) => d.location).join(', ');
      return { summary: `changes ${where} without trapping in mode ${mode}`, states: [witnessState(isa, s)], differences: changed };
    }
    case 'modeSensitive': {
      const m2 = modes[1]!;
      const s = stateIn(draw.values, m, modes);
      const t = stateIn(draw.values, m2, modes);
      const diff = compare(isa, run(s), run(t));
      if (diff === null) return null;
      return {
        summary: `${where(diff)} between modes ${mode} and ${modeName(isa, m2)}`,
        states: [witnessState(isa, s), witnessState(isa, t)],
        differences: diff,
      };
    }
    case 'locationSensitive': case 'resourceSensitive': case 'timingDependent': {
      const role = variedRole(base);
      if (role === 'relocation' || role === 'control' || role === 'timing') {
        const s = stateIn(draw.values, m, [m]);
        const t = stateIn(secondValues(subject, kind, draw.values, varied), m, [m]);
        const apart = subject.cells.filter((c) => getCell(s.store, c.elem, c.index) !== getCell(t.store, c.elem, c.index));
        if (apart.length === 0) return null;
        // Relocation moves storage with it: the second run sees storage where its relocation puts it.
        const moved = role === 'relocation';
        const first = run(s);
        const second = moved && first.kind === 'completed' ? subject.sandbox.run(subject.index, fields, t, first.memory.readLog) : run(t);
        const diff = compare(isa, first, second, moved);
        if (diff === null) return null;
        const names = apart.map((c) => cellName(c.elem, c.index)).join(', ');
        return {
          summary: `${where(diff)} between two states in mode ${mode} that differ only in ${ROLE_WORDS[role]} state (${names})`,
          states: [witnessState(isa, s), witnessState(isa, t)],
          differences: diff,
        };
      }
      throw new Error(`search ${kind} varies no state`);
    }
    default:
      return exhaustive(base);
  }
}

/** The visible results of two runs that both complete, where they differ; null when they do not (or one does not complete). */
function compare(isa: Isa, x: Outcome, y: Outcome, moved = false): Difference[] | null {
  if (x.kind !== 'completed' || y.kind !== 'completed') return null;
  const diff = visibleDifferences(isa, x satisfies Completed, y satisfies Completed, moved);
  return diff.length === 0 ? null : diff;
}

function where(diff: readonly Difference[]): string {
  return `${diff.map((d) => d.location).join(', ')} differ${diff.length === 1 ? 's' : ''}`;
}

/** The second state's cell values: the first state's, with the varied cells replaced. */
function secondValues(subject: Subject, kind: SearchKind, values: readonly bigint[], varied: readonly (bigint | null)[]): bigint[] {
  const out = values.slice();
  const cells = variedCells(subject, kind);
  cells.forEach((c, j) => {
    const i = subject.cells.indexOf(c);
    const v = varied[j];
    if (i >= 0 && v !== null && v !== undefined) out[i] = v;
  });
  return out;
}

function exhaustive(x: never): never {
  throw new Error(`unhandled search ${String(x)}`);
}
