/**
 * The states a verdict ranges over (DESIGN.md §3, "verdicts are given over all states and under
 * the `vmm:` configuration"):
 * - `all`: every state, Popek & Goldberg's pure definitions;
 * - `vmm`: the states a VMM allows its guests, from the description's `vmm:` section (RISC-V
 *   `mcounteren = 0`). A state whose mode is **not the supervisor mode** has every configured
 *   element (or field) at its configured value; a supervisor-mode state is unconstrained, since
 *   the VMM itself runs there and may set those elements as it likes. A pair of states that
 *   differ only in mode has one state below the supervisor, so both carry the configuration.
 * An ISA without `vmm:` has an empty configuration: both verdicts range over the same states.
 */
import type { Isa, StateElement } from '../isa/model.js';
import type { StateStore } from '../semantics/interpreter.js';
import * as V from '../semantics/values.js';
import { getCell, setCell } from './cells.js';

export type ConfigurationName = 'all' | 'vmm';

/** One configured element, or field `hi..lo` of it, and its value (of the field's width). */
export interface Setting {
  readonly elem: StateElement;
  readonly hi: number;
  readonly lo: number;
  readonly value: bigint;
  /** As written in the description: `mcounteren`, `CR4.UMIP`. */
  readonly text: string;
}

export interface Configuration {
  readonly name: ConfigurationName;
  readonly settings: readonly Setting[];
  /** The mode value that is never constrained (the supervisor, the last of `modes:`). */
  readonly supervisor: number;
}

/** Bits of an element known from the configuration: `value` where `mask` has ones. */
export interface KnownBits {
  readonly mask: bigint;
  readonly value: bigint;
}

/** The two configurations of an ISA. */
export function configurationsOf(isa: Isa): { readonly all: Configuration; readonly vmm: Configuration } {
  const supervisor = isa.modes[isa.modes.length - 1]!.value;
  const settings: Setting[] = [];
  for (const s of isa.vmm?.settings ?? []) {
    const elem = isa.state.get(s.element);
    // The loader resolved every setting; the mode itself is never configured (it is what a pair varies).
    if (elem === undefined || elem === isa.mode) continue;
    const field = s.field === null ? null : elem.fields.get(s.field);
    const [hi, lo] = field ? [field.hi, field.lo] : [elem.width - 1, 0];
    settings.push({ elem, hi, lo, value: s.value, text: s.field === null ? s.element : `${s.element}.${s.field}` });
  }
  return { all: { name: 'all', settings: [], supervisor }, vmm: { name: 'vmm', settings, supervisor } };
}

/** Does the configuration constrain a state in this mode (or, for a pair, in any of these modes)? */
export function constrains(config: Configuration, ...modes: readonly number[]): boolean {
  return config.settings.length > 0 && modes.some((m) => m !== config.supervisor);
}

/** The known bits per element, for the partial evaluator. */
export function knownBits(config: Configuration): ReadonlyMap<StateElement, KnownBits> {
  const out = new Map<StateElement, KnownBits>();
  for (const s of config.settings) {
    const mask = V.maskOf(s.hi - s.lo + 1) << BigInt(s.lo);
    const was = out.get(s.elem) ?? { mask: 0n, value: 0n };
    out.set(s.elem, { mask: was.mask | mask, value: (was.value & ~mask) | ((s.value << BigInt(s.lo)) & mask) });
  }
  return out;
}

/** Puts the configured values into `store` when the configuration constrains one of `modes`. */
export function configure(config: Configuration, store: StateStore, ...modes: readonly number[]): void {
  if (!constrains(config, ...modes)) return;
  for (const [elem, k] of knownBits(config)) setCell(store, elem, 0, (getCell(store, elem, 0) & ~k.mask) | k.value);
}

/**
 * Can the verdict over all states stand for the verdict under `config`? Yes when the instruction
 * neither reads nor writes a configured element (so no run can tell the difference) and every
 * configured value is the element's reset value (so the all-states witnesses, which leave
 * untouched elements at reset, are configured states too).
 */
export function carriesOver(config: Configuration, touched: ReadonlySet<StateElement>): boolean {
  for (const [elem, k] of knownBits(config)) {
    if (touched.has(elem) || (elem.reset & k.mask) !== k.value) return false;
  }
  return true;
}

/** `mcounteren = 0x0, CR4.UMIP = 0x1`. */
export function describeSettings(config: Configuration): string {
  return config.settings.map((s) => `${s.text} = ${V.hex(s.value, s.hi - s.lo + 1)}`).join(', ');
}
