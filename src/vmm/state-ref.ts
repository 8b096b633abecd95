/**
 * Reading and writing a register, or one field of it, named by a description (`vmm.allocator`'s
 * `R.l`, `PL`) — how a composer reads the guest's virtual relocation and sets the real one.
 * Values are plain numbers: relocation registers and their fields are at most 32 bits wide here.
 */
import type { StateRef } from '../isa/model.js';
import type { Interpreter } from '../semantics/interpreter.js';
import * as V from '../semantics/values.js';

/** The value of the register or field `ref` in `interp`'s state. */
export function readRef(interp: Interpreter, ref: StateRef): number {
  const v = V.toNumber(interp.readReg(ref.element));
  return ref.field === null ? v : V.toNumber(V.slice(ref.element.width, v, ref.field.hi, ref.field.lo));
}

/** Set the register or field `ref` in `interp`'s state to `value` (truncated to its width). */
export function writeRef(interp: Interpreter, ref: StateRef, value: number): void {
  const e = ref.element;
  if (ref.field === null) return interp.writeReg(e, V.fromBigInt(BigInt(value), e.width));
  const fw = ref.field.hi - ref.field.lo + 1;
  interp.writeReg(e, V.deposit(e.width, interp.readReg(e), ref.field.hi, ref.field.lo, V.fromBigInt(BigInt(value), fw)));
}
