/**
 * Composition of a relocation-bounds register R = (l, b), Popek & Goldberg's §3 (CACM 17(7),
 * 1974): the guest's virtual R says addresses below b·g are legal and live at l·g in the
 * guest's storage; its allocation lives at A in real storage. The real R is (l + A/g, b'), b'
 * the virtual bound clipped so that no legal address leaves the allocation — an address past it
 * then traps in the real machine and the VMM gives the guest the fault the bare machine would.
 */
import type { AllocatorSpec, StateRef } from '../isa/model.js';
import type { Interpreter } from '../semantics/interpreter.js';
import * as V from '../semantics/values.js';
import type { Composer } from './allocator.js';

function read(interp: Interpreter, ref: StateRef): number {
  const v = V.toNumber(interp.readReg(ref.element));
  return ref.field === null ? v : V.toNumber(V.slice(ref.element.width, v, ref.field.hi, ref.field.lo));
}

function write(interp: Interpreter, ref: StateRef, value: number): void {
  const e = ref.element;
  if (ref.field === null) return interp.writeReg(e, V.fromBigInt(BigInt(value), e.width));
  const fw = ref.field.hi - ref.field.lo + 1;
  interp.writeReg(e, V.deposit(e.width, interp.readReg(e), ref.field.hi, ref.field.lo, V.fromBigInt(BigInt(value), fw)));
}

export function relocationBounds(spec: AllocatorSpec): Composer {
  const g = spec.granule;
  return {
    compose(virtual, real, allocation) {
      const l = read(virtual, spec.base);
      const b = read(virtual, spec.bound);
      const blocks = Math.floor(allocation.size / g);
      // A virtual base past the allocation leaves no legal address: bound 0, and any base.
      write(real, spec.base, (l < blocks ? l : 0) + allocation.realBase / g);
      write(real, spec.bound, l < blocks ? Math.min(b, blocks - l) : 0);
    },
  };
}
