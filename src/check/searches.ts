/**
 * The searches (result.ts `SearchKind`) as data: which class each one looks for, whether it is
 * confined to user mode, the modes its states may be in, and — for the pair classes — which cells
 * the second state of the pair draws anew (DESIGN.md §3: pairs of states that differ *only* in
 * the mode, only in relocation state, only in other control state; Theorem 2 adds timing state).
 */
import type { Isa, Role } from '../isa/model.js';
import type { Cell } from './cells.js';
import type { SearchKind, Sensitivity } from './result.js';
import type { Subject } from './subject.js';

/** The class a search looks for. */
export type SearchBase = 'privileged' | 'supervisorCompletes' | Sensitivity | 'timingDependent';

export interface SearchSpec {
  readonly base: SearchBase;
  /** Only states in the user mode (for a mode pair: the first of the two). */
  readonly userOnly: boolean;
}

export const SEARCHES: Readonly<Record<SearchKind, SearchSpec>> = {
  privileged: { base: 'privileged', userOnly: false },
  supervisorCompletes: { base: 'supervisorCompletes', userOnly: false },
  controlSensitive: { base: 'controlSensitive', userOnly: false },
  modeSensitive: { base: 'modeSensitive', userOnly: false },
  locationSensitive: { base: 'locationSensitive', userOnly: false },
  resourceSensitive: { base: 'resourceSensitive', userOnly: false },
  userControlSensitive: { base: 'controlSensitive', userOnly: true },
  userModeSensitive: { base: 'modeSensitive', userOnly: true },
  userLocationSensitive: { base: 'locationSensitive', userOnly: true },
  userResourceSensitive: { base: 'resourceSensitive', userOnly: true },
  // Theorem 2: timing shows through only where a VMM runs guests directly, in user mode.
  timingDependent: { base: 'timingDependent', userOnly: true },
};

/** The search for a sensitivity shown in user mode. */
export const USER_SEARCH: Readonly<Record<Sensitivity, SearchKind>> = {
  controlSensitive: 'userControlSensitive',
  modeSensitive: 'userModeSensitive',
  locationSensitive: 'userLocationSensitive',
  resourceSensitive: 'userResourceSensitive',
};

/** Roles whose change makes an instruction control-sensitive (DESIGN.md §3). */
export const CONTROL_ROLES: ReadonlySet<Role> = new Set<Role>(['mode', 'relocation', 'control']);

/** The role the two states of a pair differ in; null for classes that are not pairs, or pair on the mode. */
export function variedRole(base: SearchBase): Role | null {
  switch (base) {
    case 'locationSensitive': return 'relocation';
    case 'resourceSensitive': return 'control';
    case 'timingDependent': return 'timing';
    case 'privileged': case 'supervisorCompletes': case 'controlSensitive': case 'modeSensitive': return null;
    default: return exhaustive(base);
  }
}

/** The subject's cells that the second state of a pair draws anew (empty for a non-pair or a mode pair). */
export function variedCells(subject: Subject, kind: SearchKind): readonly Cell[] {
  const role = variedRole(SEARCHES[kind].base);
  return role === null ? [] : subject.cells.filter((c) => c.elem.role === role);
}

/** Mode values, the user mode first (fast-check shrinks towards the first), then least to most privileged. */
export function modeOrder(isa: Isa): number[] {
  return [isa.userMode.value, ...isa.modes.map((m) => m.value).filter((v) => v !== isa.userMode.value)];
}

/** The mode choices a search ranges over: single modes, or unordered pairs of distinct modes. */
export function modeChoices(isa: Isa, kind: SearchKind): (readonly number[])[] {
  const order = modeOrder(isa);
  const user = isa.userMode.value;
  const supervisor = isa.modes[isa.modes.length - 1]!.value;
  const { base, userOnly } = SEARCHES[kind];
  switch (base) {
    case 'privileged': return [[user]];
    case 'supervisorCompletes': return [[supervisor]];
    case 'modeSensitive': {
      const pairs = order.flatMap((a, i) => order.slice(i + 1).map((b) => [a, b]));
      return userOnly ? pairs.filter((p) => p[0] === user) : pairs;
    }
    case 'controlSensitive': case 'locationSensitive': case 'resourceSensitive': case 'timingDependent':
      return userOnly ? [[user]] : order.map((m) => [m]);
    default: return exhaustive(base);
  }
}

function exhaustive(x: never): never {
  throw new Error(`unhandled search ${String(x)}`);
}
