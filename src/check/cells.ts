/**
 * Cells: one value of the state — a scalar register, or one element of a register file — read
 * and written in a StateStore (the interpreter's slot arrays) by element and index.
 */
import type { StateElement } from '../isa/model.js';
import type { StateStore } from '../semantics/interpreter.js';
import * as V from '../semantics/values.js';

/** A scalar register (`index` 0) or one element of a file. */
export interface Cell {
  readonly elem: StateElement;
  readonly index: number;
}

export function setCell(store: StateStore, elem: StateElement, index: number, value: bigint): void {
  const v = value & V.maskOf(elem.width);
  if (elem.wide) store.wide[elem.slot + index] = v;
  else store.narrow[elem.slot + index] = Number(v);
}

export function getCell(store: StateStore, elem: StateElement, index: number): bigint {
  if (elem.isFile && elem.zero.includes(index)) return 0n;
  return elem.wide ? store.wide[elem.slot + index]! : BigInt(store.narrow[elem.slot + index]!);
}

/** `mstatus`, `X[5]`. */
export function cellName(elem: StateElement, index: number): string {
  return elem.isFile ? `${elem.name}[${index}]` : elem.name;
}
