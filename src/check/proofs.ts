/**
 * Static proofs over every path of a variant (paths.ts), with its fixed fields as constants and,
 * under a configuration, the configured bits as constants in every state it constrains:
 * - privileged: with the mode fixed to user, every path traps (a memory-trap path is an excluded
 *   state, so any trap will do); with the mode fixed to supervisor, no path takes a non-memory trap;
 * - not control-sensitive (in mode m): no path that completes under mode m may change an element
 *   of role mode, relocation or control — directly or in any function it calls (writing the value
 *   an element is known to hold, like the mode it is in, changes nothing);
 * - not mode-sensitive: with the mode unknown and tainted, no completing path lets a tainted value
 *   (or any effect of a path that only some modes take) reach a visible result; or at most one
 *   mode has a completing path at all;
 * - not location-, resource-sensitive, not timing-dependent (in mode m): the same with the mode
 *   fixed to m and the relocation, other control, or timing elements tainted; or the variant
 *   reads no such element at all; or nothing completes in mode m. Timing only in user mode. For
 *   location, storage moves with relocation: a load's value does not depend on its address, and
 *   where a store lands is no visible result (sandbox.ts MovedMemory).
 * The user-mode facts are the same claims restricted to user mode. A proof that fails (or runs
 * out of budget) proves nothing: the witness search (witness.ts) takes over.
 */
import type { Role, StateElement } from '../isa/model.js';
import { constrains, knownBits, type Configuration } from './configuration.js';
import { explore, type Exploration, type ModeAssumption } from './paths.js';
import { CONTROL_ROLES } from './searches.js';
import { fixedBits, fixedWord, type Subject } from './subject.js';

export interface StaticFacts {
  readonly privileged: boolean;
  readonly notControlSensitive: boolean;
  readonly notUserControlSensitive: boolean;
  readonly notModeSensitive: boolean;
  /** No pair with a user-mode state can show mode-sensitivity (user mode never completes, or not mode-sensitive at all). */
  readonly notUserModeSensitive: boolean;
  readonly notLocationSensitive: boolean;
  readonly notUserLocationSensitive: boolean;
  readonly notResourceSensitive: boolean;
  readonly notUserResourceSensitive: boolean;
  /** No pair of user-mode states differing only in timing state gives different visible results. */
  readonly notTimingDependent: boolean;
}

export function proveStatically(subject: Subject, config: Configuration): StaticFacts {
  const isa = subject.sandbox.isa;
  const known = knownBits(config);
  const run = (mode: ModeAssumption, taint: ReadonlySet<StateElement>, constrained: boolean, movedStorage = false): Exploration => explore({
    checked: subject.sandbox.view,
    body: subject.sandbox.view.instructions[subject.index]!,
    fields: fixedBits(subject),
    excludes: subject.excluded,
    word: fixedWord(subject),
    wordWidth: isa.instructions[subject.index]!.encoding.width,
    mode,
    taint,
    known: constrained ? known : new Map(),
    movedStorage,
    merge: subject.merge,
  });
  const inMode = (m: number, taint: ReadonlySet<StateElement> = new Set(), movedStorage = false): Exploration =>
    run({ kind: 'constant', value: m }, taint, constrains(config, m), movedStorage);
  const supervisor = isa.modes[isa.modes.length - 1]!.value;
  const user = isa.userMode.value;
  const perMode = new Map(isa.modes.map((m) => [m.value, inMode(m.value)]));

  const decided = (x: Exploration): boolean => !x.exhausted;
  const completing = (x: Exploration) => x.paths.filter((p) => p.end !== 'trap');
  /** Can something complete in mode m? (Yes when the exploration gave up.) */
  const completes = (m: number): boolean => {
    const x = perMode.get(m)!;
    return !decided(x) || completing(x).length > 0;
  };
  const noControlWrites = (m: number): boolean => {
    const x = perMode.get(m)!;
    return decided(x) && completing(x).every((p) => [...p.changes].every((e) => !CONTROL_ROLES.has(e.role)));
  };
  const untainted = (x: Exploration): boolean => decided(x) && completing(x).every((p) => !p.visibleTaint);

  const userX = perMode.get(user)!;
  const supX = perMode.get(supervisor)!;
  const privileged = decided(userX) && decided(supX)
    && userX.paths.every((p) => p.end === 'trap')
    && supX.paths.every((p) => p.end !== 'trap' || p.cause?.memory === true);

  // A pair that differs only in mode has a state below the supervisor: both carry the configuration.
  const modesCompleting = isa.modes.filter((m) => completes(m.value)).length;
  const notModeSensitive = modesCompleting <= 1
    || untainted(run({ kind: 'unknown' }, new Set([isa.mode]), constrains(config, user)));

  /** Pairs that differ only in elements of `role`, in mode m, never differ visibly. */
  const pairFree = (role: Role) => {
    const sources = new Set([...subject.reads].filter((e) => e.role === role));
    // Storage moves with relocation (the pair of location-sensitivity), not with other state.
    return (m: number): boolean => sources.size === 0 || !completes(m) || untainted(inMode(m, sources, role === 'relocation'));
  };
  const modes = isa.modes.map((m) => m.value);
  const location = pairFree('relocation');
  const resource = pairFree('control');
  const userLocation = location(user);
  const userResource = resource(user);

  return {
    privileged,
    notControlSensitive: modes.every(noControlWrites),
    notUserControlSensitive: noControlWrites(user),
    notModeSensitive,
    notUserModeSensitive: notModeSensitive || !completes(user),
    notLocationSensitive: userLocation && modes.filter((m) => m !== user).every(location),
    notUserLocationSensitive: userLocation,
    notResourceSensitive: userResource && modes.filter((m) => m !== user).every(resource),
    notUserResourceSensitive: userResource,
    notTimingDependent: pairFree('timing')(user),
  };
}
