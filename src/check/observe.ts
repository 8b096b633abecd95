/**
 * What the audit observes of a run (sandbox.ts): which state cells changed, which roles they
 * belong to, and — for the pair classes — the visible results of two runs side by side: storage,
 * general state, next pc and halt code (Popek & Goldberg's "results"; control state and timing
 * are not results).
 */
import type { Isa, Role } from '../isa/model.js';
import type { StateStore } from '../semantics/interpreter.js';
import * as V from '../semantics/values.js';
import { cellName, getCell } from './cells.js';
import type { Difference, WitnessState } from './result.js';
import type { Outcome, SandboxState } from './sandbox.js';

export type Completed = Extract<Outcome, { kind: 'completed' }>;

function hex(v: bigint, width: number): string {
  return V.hex(v, width);
}

/** Every cell of the given roles whose value differs between `a` and `b`. */
export function changedCells(isa: Isa, a: StateStore, b: StateStore, roles: ReadonlySet<Role>): Difference[] {
  const out: Difference[] = [];
  for (const elem of isa.state.values()) {
    if (!roles.has(elem.role)) continue;
    for (let i = 0; i < elem.count; i++) {
      const x = getCell(a, elem, i);
      const y = getCell(b, elem, i);
      if (x !== y) out.push({ location: cellName(elem, i), a: hex(x, elem.width), b: hex(y, elem.width) });
    }
  }
  return out;
}

const ALL_ROLES: ReadonlySet<Role> = new Set<Role>(['pc', 'mode', 'relocation', 'control', 'general', 'timing']);
const GENERAL: ReadonlySet<Role> = new Set<Role>(['general']);

/** Everything a completed run changed, and where it continues. */
export function effects(isa: Isa, before: SandboxState, o: Completed): Difference[] {
  const out = changedCells(isa, before.store, o.after, ALL_ROLES);
  out.push({ location: 'next pc', a: '', b: hex(V.toBigInt(o.nextPc), isa.addressWidth) });
  for (const [pa, v] of [...o.memory.writes].sort((x, y) => x[0] - y[0])) {
    const was = o.memory.initial(pa);
    if (v !== was) out.push({ location: `mem[${hex(BigInt(pa), isa.physicalAddressWidth)}]`, a: hex(was, isa.unit), b: hex(v, isa.unit) });
  }
  if (o.halt !== null) out.push({ location: 'halt', a: '', b: String(o.halt) });
  return out;
}

/**
 * Visible results of two completed runs that differ: general state, storage, next pc, halt code.
 * With `moved`, storage was moved to match between the runs (sandbox.ts MovedMemory): the stores
 * are compared in order, by width and value, wherever each run's relocation put them.
 */
export function visibleDifferences(isa: Isa, x: Completed, y: Completed, moved = false): Difference[] {
  const out = changedCells(isa, x.after, y.after, GENERAL);
  if (V.toBigInt(x.nextPc) !== V.toBigInt(y.nextPc)) {
    out.push({ location: 'next pc', a: hex(V.toBigInt(x.nextPc), isa.addressWidth), b: hex(V.toBigInt(y.nextPc), isa.addressWidth) });
  }
  if (moved) {
    const n = Math.max(x.memory.writeLog.length, y.memory.writeLog.length);
    const show = (w: { bits: number; value: bigint } | undefined): string => (w === undefined ? 'none' : hex(w.value, w.bits));
    for (let i = 0; i < n; i++) {
      const u = x.memory.writeLog[i];
      const v = y.memory.writeLog[i];
      if (u?.bits !== v?.bits || u?.value !== v?.value) out.push({ location: `store ${i + 1}`, a: show(u), b: show(v) });
    }
  } else {
    const addresses = new Set([...x.memory.writes.keys(), ...y.memory.writes.keys()]);
    for (const pa of [...addresses].sort((a, b) => a - b)) {
      const u = x.memory.unitAt(pa);
      const v = y.memory.unitAt(pa);
      if (u !== v) out.push({ location: `mem[${hex(BigInt(pa), isa.physicalAddressWidth)}]`, a: hex(u, isa.unit), b: hex(v, isa.unit) });
    }
  }
  if (x.halt !== y.halt) out.push({ location: 'halt', a: String(x.halt ?? 'no'), b: String(y.halt ?? 'no') });
  return out;
}

/** A state for a witness: its mode name, its storage (seed and the blocks runs so far took patterns for), and the cells not at reset. */
export function witnessState(isa: Isa, s: SandboxState): WitnessState {
  const elements: Record<string, string> = {};
  for (const elem of isa.state.values()) {
    if (elem === isa.mode) continue;
    for (let i = 0; i < elem.count; i++) {
      const v = getCell(s.store, elem, i);
      if (v !== elem.reset) elements[cellName(elem, i)] = hex(v, elem.width);
    }
  }
  const m = Number(getCell(s.store, isa.mode, 0));
  const mode = isa.modes.find((x) => x.value === m)?.name ?? String(m);
  const memory: Record<string, string> = {};
  for (const b of s.storage.blocks) memory[`mem[${hex(BigInt(b.pa), isa.physicalAddressWidth)}]`] = hex(b.value, b.bits);
  return { mode, memorySeed: s.storage.seed, memory, elements };
}

/** The name of a mode value. */
export function modeName(isa: Isa, value: number): string {
  return isa.modes.find((m) => m.value === value)?.name ?? String(value);
}
