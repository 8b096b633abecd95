/**
 * Static proofs over every path of an instruction (paths.ts), with its fixed fields as constants:
 * - privileged: with the mode fixed to user, every path traps (a memory-trap path is an excluded
 *   state, so any trap will do); with the mode fixed to supervisor, no path takes a non-memory trap;
 * - not control-sensitive (in mode m): no path that completes under mode m writes an element of
 *   role mode, relocation or control — directly or in any function it calls;
 * - not mode-sensitive: with the mode unknown and tainted, no completing path lets a
 *   mode-dependent value (or any effect of a path that only some modes take) reach a visible
 *   result; or at most one mode has a completing path at all.
 * A proof that fails proves nothing: the witness search (witness.ts) takes over.
 */
import type { Role } from '../isa/model.js';
import { explore, type Exploration, type ModeAssumption } from './paths.js';
import { fixedBits, fixedWord, type Subject } from './subject.js';

/** Roles whose change makes an instruction control-sensitive (DESIGN.md §3). */
export const CONTROL_ROLES: ReadonlySet<Role> = new Set<Role>(['mode', 'relocation', 'control']);

export interface StaticFacts {
  readonly privileged: boolean;
  readonly notControlSensitive: boolean;
  readonly notUserControlSensitive: boolean;
  readonly notModeSensitive: boolean;
  /** No pair with a user-mode state can show mode-sensitivity (user mode never completes, or not mode-sensitive at all). */
  readonly notUserModeSensitive: boolean;
}

export function proveStatically(subject: Subject): StaticFacts {
  const isa = subject.sandbox.isa;
  const run = (mode: ModeAssumption): Exploration => explore({
    checked: subject.sandbox.view,
    body: subject.sandbox.view.instructions[subject.index]!,
    fields: fixedBits(subject),
    word: fixedWord(subject),
    mode,
  });
  const supervisor = isa.modes[isa.modes.length - 1]!;
  const perMode = new Map(isa.modes.map((m) => [m.value, run({ kind: 'constant', value: m.value })]));
  const user = perMode.get(isa.userMode.value)!;
  const sup = perMode.get(supervisor.value)!;

  const completing = (x: Exploration) => x.paths.filter((p) => p.end !== 'trap');
  const decided = (x: Exploration): boolean => !x.exhausted;
  const noControlWrites = (x: Exploration): boolean =>
    decided(x) && completing(x).every((p) => [...p.writes].every((e) => !CONTROL_ROLES.has(e.role)));

  const privileged = decided(user) && decided(sup)
    && user.paths.every((p) => p.end === 'trap')
    && sup.paths.every((p) => p.end !== 'trap' || p.cause?.memory === true);

  const modesCompleting = [...perMode.values()].filter((x) => !decided(x) || completing(x).length > 0).length;
  const tainted = run({ kind: 'tainted' });
  const notModeSensitive = modesCompleting <= 1
    || (decided(tainted) && completing(tainted).every((p) => !p.visibleTaint));
  const userCompletes = !decided(user) || completing(user).length > 0;

  return {
    privileged,
    notControlSensitive: [...perMode.values()].every(noControlWrites),
    notUserControlSensitive: noControlWrites(user),
    notModeSensitive,
    notUserModeSensitive: notModeSensitive || !userCompletes,
  };
}
