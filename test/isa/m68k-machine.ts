/**
 * The bare 68000/68010 machines the m68k tests drive: both descriptions loaded, and a machine
 * booted in supervisor mode with the stacks and every vector set (boot), with register helpers.
 */
import { join } from 'node:path';
import type { StateElement } from '../../src/isa/model.js';
import { Machine, type StepResult } from '../../src/machine/machine.js';
import { loadCheckedIsa, type CheckedIsa } from '../../src/semantics/check-isa.js';

export const root = join(import.meta.dirname, '../..');
export const m68000 = loadCheckedIsa(join(root, 'isas/m68000.yaml'));
export const m68010 = loadCheckedIsa(join(root, 'isas/m68010.yaml'));
export const BOTH = [['m68000', m68000], ['m68010', m68010]] as const;

/** Where the laws put things: code, the two stacks, and the handler every vector points to. */
export const CODE = 0x1000;
export const SSP_TOP = 0x8000;
export const USP_TOP = 0x7000;
export const HANDLER = 0x2000;

/** Vector numbers (M68000UM Table 6-2). */
export const VEC = { addressError: 3, busError: 2, illegal: 4, privilege: 8, trace: 9, formatError: 14, trap0: 32 };

/** SR bits (PRM §1.3.2). */
export const SR_T = 0x8000;
export const SR_S = 0x2000;

export function reg(checked: CheckedIsa, name: string): StateElement {
  const e = checked.isa.state.get(name);
  if (e === undefined) throw new Error(`${checked.isa.name} has no state element ${name}`);
  return e;
}

/**
 * A machine in supervisor mode with SSP and USP set, every vector 2-63 pointing at HANDLER (a
 * NOP there), and `words` (16-bit) at CODE, where the pc is.
 */
export function boot(checked: CheckedIsa, words: readonly number[]): Machine {
  const m = new Machine(checked);
  for (let v = 2; v < 64; v++) m.ram.write(v * 4, 32, HANDLER);
  m.ram.write(HANDLER, 16, 0x4e71);
  words.forEach((w, i) => m.ram.write(CODE + 2 * i, 16, w));
  setSsp(m, SSP_TOP);
  setUsp(m, USP_TOP);
  m.pc = CODE;
  return m;
}

export function get(m: Machine, name: string, index = 0): number {
  return Number(m.interp.readReg(reg(m.checked, name), index));
}

export function set(m: Machine, name: string, value: number, index = 0): void {
  m.interp.writeReg(reg(m.checked, name), value >>> 0, index);
}

/**
 * The manual's two stack pointers. The descriptions keep the active one in A7 and the other in
 * otherSP, swapped at every change of S (see their headers).
 */
export const ssp = (m: Machine): number => (get(m, 'S') ? get(m, 'A', 7) : get(m, 'otherSP'));
export const usp = (m: Machine): number => (get(m, 'S') ? get(m, 'otherSP') : get(m, 'A', 7));
export function setSsp(m: Machine, v: number): void {
  if (get(m, 'S')) set(m, 'A', v, 7);
  else set(m, 'otherSP', v);
}
export function setUsp(m: Machine, v: number): void {
  if (get(m, 'S')) set(m, 'otherSP', v);
  else set(m, 'A', v, 7);
}

/** SR assembled from its elements (T, S, I, CCR). */
export function sr(m: Machine): number {
  return (get(m, 'T') << 15) | (get(m, 'S') << 13) | (get(m, 'I') << 8) | get(m, 'CCR');
}

/** Enter user mode the way a program would see it after MOVE to SR: S = 0, I = 0, A7 = USP. */
export function user(m: Machine): Machine {
  const [u, s] = [usp(m), ssp(m)];
  set(m, 'S', 0);
  set(m, 'I', 0);
  setUsp(m, u);
  setSsp(m, s);
  return m;
}

export const word = (m: Machine, a: number): number => Number(m.ram.read(a, 16));
export const long = (m: Machine, a: number): number => Number(m.ram.read(a, 32));

export function step(m: Machine): StepResult {
  return m.step();
}
