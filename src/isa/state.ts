/**
 * The architectural state by role (docs/description-format.md, "State and roles"): each element
 * resolved with its bit fields, reset value and hard-wired zeros, laid out in slots (width ≤ 32 in
 * the narrow array, wider in the wide one; a file takes `count` consecutive slots), and the pc and
 * mode elements found — exactly one of each.
 */
import type { BitField, Mode, StateElement } from './model.js';
import type { Int, RawIsa, RawStateElement } from './raw.js';
import type { Report, YamlSource } from './yaml-source.js';

export interface ResolvedState {
  readonly elements: ReadonlyMap<string, StateElement>;
  readonly narrowSlots: number;
  readonly wideSlots: number;
  /** Null (and reported) when the description has no pc, or more than one. */
  readonly pc: StateElement | null;
  readonly mode: StateElement | null;
  readonly modes: readonly Mode[];
  readonly userMode: Mode | null;
}

/** `value` as a `width`-bit vector (a negative value in two's complement), or null if it does not fit. */
export function fitValue(value: Int, width: number): bigint | null {
  const v = BigInt(value);
  const span = 1n << BigInt(width);
  if (v >= 0n) return v < span ? v : null;
  return v >= -(span >> 1n) ? v + span : null;
}

/** A `NAME` or `NAME.FIELD` reference to state, resolved; a message saying what is wrong otherwise. */
export function resolveStateRef(
  ref: string,
  elements: ReadonlyMap<string, StateElement>,
): { readonly element: StateElement; readonly field: BitField | null } | string {
  const [name = '', fieldName] = ref.split('.');
  const element = elements.get(name);
  if (element === undefined) return `unknown state element '${name}'`;
  if (fieldName === undefined) return { element, field: null };
  const field = element.fields.get(fieldName);
  if (field === undefined) {
    const known = [...element.fields.keys()];
    return `'${name}' has no field '${fieldName}'${known.length > 0 ? ` (it has ${known.join(', ')})` : ''}`;
  }
  return { element, field };
}

export function resolveState(raw: RawIsa, source: YamlSource, report: Report): ResolvedState {
  const elements = new Map<string, StateElement>();
  let narrowSlots = 0;
  let wideSlots = 0;
  for (const [name, e] of Object.entries(raw.state)) {
    const width = Number(e.width);
    const count = e.count === undefined ? 1 : Number(e.count);
    const wide = width > 32;
    const slot = wide ? wideSlots : narrowSlots;
    if (wide) wideSlots += count;
    else narrowSlots += count;
    elements.set(name, {
      name,
      role: e.role,
      width,
      count,
      isFile: e.count !== undefined,
      slot,
      wide,
      fields: resolveFields(name, e, width, source, report),
      reset: resolveReset(name, e, width, source, report),
      zero: resolveZero(name, e, count, source, report),
      names: resolveNames(name, e, count, source, report),
      tick: e.tick === 'step',
      pos: source.keyPos(['state', name]),
    });
    checkRoleOnly(name, e, source, report);
  }
  const pc = theOne('pc', elements, source, report);
  if (pc !== null) {
    if (pc.width !== Number(raw.addressWidth)) {
      report('isa/invalid', `the pc '${pc.name}' is ${pc.width} bits wide but addressWidth is ${raw.addressWidth}`,
        source.valuePos(['state', pc.name, 'width']));
    }
    if (pc.isFile) report('isa/invalid', `the pc '${pc.name}' cannot be a register file`, source.valuePos(['state', pc.name, 'count']));
  }
  const mode = theOne('mode', elements, source, report);
  const { modes, userMode } = mode === null ? { modes: [], userMode: null } : resolveModes(mode, raw.state[mode.name], source, report);
  return { elements, narrowSlots, wideSlots, pc, mode, modes, userMode };
}

/** The one element with `role`; every other case is reported. */
function theOne(role: 'pc' | 'mode', elements: ReadonlyMap<string, StateElement>, source: YamlSource, report: Report): StateElement | null {
  const found = [...elements.values()].filter((e) => e.role === role);
  const [first, ...others] = found;
  if (first === undefined) {
    report('isa/invalid', `no state element has role ${role}: exactly one must`, source.keyPos(['state']));
    return null;
  }
  for (const other of others) {
    report('isa/invalid', `'${other.name}' is a second element with role ${role} (after '${first.name}'): exactly one may`,
      source.valuePos(['state', other.name, 'role']));
  }
  return others.length === 0 ? first : null;
}

function resolveModes(
  mode: StateElement,
  raw: RawStateElement | undefined,
  source: YamlSource,
  report: Report,
): { modes: readonly Mode[]; userMode: Mode | null } {
  const path = ['state', mode.name];
  if (mode.isFile) report('isa/invalid', `the mode '${mode.name}' cannot be a register file`, source.valuePos([...path, 'count']));
  const modes: Mode[] = [];
  for (const [name, value] of Object.entries(raw?.modes ?? {})) {
    const fitted = fitValue(value, mode.width);
    const same = modes.find((m) => BigInt(m.value) === BigInt(value));
    if (fitted === null || BigInt(value) < 0n) {
      report('isa/invalid', `mode ${name} = ${value} does not fit the ${mode.width}-bit '${mode.name}'`, source.valuePos([...path, 'modes', name]));
    } else if (same !== undefined) {
      report('isa/invalid', `modes ${same.name} and ${name} have the same value ${value}`, source.valuePos([...path, 'modes', name]));
    } else {
      modes.push({ name, value: Number(fitted) });
    }
  }
  const userMode = modes.find((m) => m.name === raw?.user) ?? null;
  if (userMode === null && raw?.user !== undefined) {
    report('isa/invalid', `user mode '${raw.user}' is not one of the modes (${modes.map((m) => m.name).join(', ')})`,
      source.valuePos([...path, 'user']));
  }
  return { modes, userMode };
}

/** `modes`/`user` belong to the mode element, `tick` to timing counters, `zero`/`names` to files. */
function checkRoleOnly(name: string, e: RawStateElement, source: YamlSource, report: Report): void {
  const misplaced = (key: string, what: string): void =>
    report('isa/invalid', `state.${name}.${key}: only ${what} has ${key}`, source.keyPos(['state', name, key]));
  if (e.role !== 'mode' && e.modes !== undefined) misplaced('modes', 'the element with role mode');
  if (e.role !== 'mode' && e.user !== undefined) misplaced('user', 'the element with role mode');
  if (e.role !== 'timing' && e.tick !== undefined) misplaced('tick', 'an element with role timing');
  if (e.count === undefined && e.zero !== undefined) misplaced('zero', 'a register file (with count)');
  if (e.count === undefined && e.names !== undefined) misplaced('names', 'a register file (with count)');
}

function resolveFields(name: string, e: RawStateElement, width: number, source: YamlSource, report: Report): ReadonlyMap<string, BitField> {
  const fields = new Map<string, BitField>();
  for (const [field, spec] of Object.entries(e.fields ?? {})) {
    const [hi, lo] = typeof spec === 'string' ? spec.split(':').map(Number) : [Number(spec), Number(spec)];
    const pos = source.valuePos(['state', name, 'fields', field]);
    if (hi === undefined || lo === undefined || hi < lo) {
      report('isa/invalid', `field ${name}.${field}: write the high bit first ("HI:LO")`, pos);
    } else if (hi >= width) {
      report('isa/invalid', `field ${name}.${field} (bits ${hi}:${lo}) is outside the ${width}-bit '${name}'`, pos);
    } else {
      fields.set(field, { name: field, hi, lo });
    }
  }
  return fields;
}

function resolveReset(name: string, e: RawStateElement, width: number, source: YamlSource, report: Report): bigint {
  if (e.reset === undefined) return 0n;
  const value = fitValue(e.reset, width);
  if (value === null) {
    report('isa/invalid', `reset value ${e.reset} does not fit the ${width}-bit '${name}'`, source.valuePos(['state', name, 'reset']));
  }
  return value ?? 0n;
}

function resolveZero(name: string, e: RawStateElement, count: number, source: YamlSource, report: Report): number[] {
  const zero: number[] = [];
  (e.zero ?? []).forEach((index, i) => {
    if (Number(index) >= count) {
      report('isa/invalid', `'${name}' has ${count} elements: there is no ${name}[${index}] to hard-wire to zero`,
        source.valuePos(['state', name, 'zero', i]));
    } else {
      zero.push(Number(index));
    }
  });
  return zero;
}

function resolveNames(name: string, e: RawStateElement, count: number, source: YamlSource, report: Report): string[] {
  const names = [...(e.names ?? [])];
  if (e.names !== undefined && names.length !== count) {
    report('isa/invalid', `'${name}' has ${count} elements but ${names.length} names`, source.valuePos(['state', name, 'names']));
  }
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) report('isa/invalid', `'${name}' names two elements '${n}'`, source.valuePos(['state', name, 'names', i]));
  });
  return names;
}
