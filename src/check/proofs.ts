/**
 * Static proofs over every path of a variant (paths.ts), with its fixed fields as constants and,
 * under a configuration, the configured bits as constants in every state it constrains:
 * - privileged (docs/audit.md): with the mode fixed to user, every path traps (a memory-trap path
 *   is an excluded state, so any trap will do) — `userAlwaysTraps`; with the mode fixed to
 *   supervisor, no path takes a non-memory trap and some path completes, so every supervisor-mode
 *   state completes — together `privileged`;
 * - not privileged: with the mode fixed to supervisor, every path takes a non-memory trap, so no
 *   supervisor-mode state completes — `supervisorNeverCompletes`;
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
import * as V from '../semantics/values.js';
import { explore, type Exploration, type ModeAssumption, type PathSummary } from './paths.js';
import { CONTROL_ROLES } from './searches.js';
import { fieldsOf, fixedBits, fixedWord, type Subject } from './subject.js';

/** The widest free field a proof splits on, in bits (at most 2^12 explorations). */
const SPLIT_WIDTH = 12;

/** One free field fixed to one value, for a case split. */
interface Split {
  readonly field: number;
  readonly value: bigint;
}

export interface StaticFacts {
  /** Every user-mode state traps and every supervisor-mode state completes (or memory-traps). */
  readonly privileged: boolean;
  /** Every user-mode state traps. */
  readonly userAlwaysTraps: boolean;
  /** No supervisor-mode state completes: every path there takes a non-memory trap. */
  readonly supervisorNeverCompletes: boolean;
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
  const encoding = isa.instructions[subject.index]!.encoding;
  const run = (mode: ModeAssumption, taint: ReadonlySet<StateElement>, constrained: boolean, movedStorage = false, split?: Split): Exploration => {
    const fields = fixedBits(subject);
    const excludes = new Map(subject.excluded);
    let word = fixedWord(subject);
    if (split !== undefined) {
      fields[split.field] = V.fromBigInt(split.value, encoding.fields[split.field]!.width);
      excludes.delete(split.field);
      if (subject.free.length === 1) word = subject.sandbox.word(subject.index, fieldsOf(subject, [split.value]));
    }
    return explore({
      checked: subject.sandbox.view,
      body: subject.sandbox.view.instructions[subject.index]!,
      fields,
      excludes,
      word,
      wordWidth: encoding.width,
      mode,
      taint,
      known: constrained ? known : new Map(),
      movedStorage,
      merge: subject.merge,
    });
  };
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

  const supX = perMode.get(supervisor)!;
  /**
   * Every path in mode m ends as `ok` says: in one exploration, or — where that cannot tell,
   * because it does not correlate two tests of one field (a CSR number's privilege bits, then
   * its range) — for each value of one free field of at most SPLIT_WIDTH bits in turn.
   */
  const everyPath = (m: number, ok: (p: PathSummary) => boolean): boolean => {
    const x = perMode.get(m)!;
    if (decided(x) && x.paths.every(ok)) return true;
    const constrained = constrains(config, m);
    const mode: ModeAssumption = { kind: 'constant', value: m };
    return subject.free.some((field) => {
      const width = encoding.fields[field]!.width;
      if (width > SPLIT_WIDTH) return false;
      const skip = subject.excluded.get(field);
      for (let v = 0n; v < 1n << BigInt(width); v++) {
        if (skip?.has(v) === true) continue;
        const y = run(mode, new Set(), constrained, false, { field, value: v });
        if (!decided(y) || !y.paths.every(ok)) return false;
      }
      return true;
    });
  };
  const userAlwaysTraps = everyPath(user, (p) => p.end === 'trap');
  const privileged = userAlwaysTraps && decided(supX) && completing(supX).length > 0
    && supX.paths.every((p) => p.end !== 'trap' || p.cause?.memory === true);
  const supervisorNeverCompletes = everyPath(supervisor, (p) => p.end === 'trap' && p.cause?.memory !== true);

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
    userAlwaysTraps,
    supervisorNeverCompletes,
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
