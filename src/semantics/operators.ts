/**
 * The language's binary operators on known values (values.ts arithmetic), shared by the
 * reference interpreter and the audit's constant folding, so both compute exactly the same.
 */
import type { ArithOp, CompareOp } from './ir.js';
import * as V from './values.js';
import type { Bits } from './values.js';

/** A shift amount of whatever width, as a number (amounts past 64 shift everything out alike). */
function shiftAmount(b: Bits): number {
  return typeof b === 'number' ? b : b > 64n ? 64 : Number(b);
}

/** `a op b` on `w`-bit values. */
export function arith(op: ArithOp, w: number, a: Bits, b: Bits): Bits {
  switch (op) {
    case '+': return V.add(w, a, b);
    case '-': return V.sub(w, a, b);
    case '*': return V.mul(w, a, b);
    case '/': return V.udiv(w, a, b);
    case '%': return V.urem(w, a, b);
    case '&': return V.and(w, a, b);
    case '|': return V.or(w, a, b);
    case '^': return V.xor(w, a, b);
    case '<<': return V.shl(w, a, shiftAmount(b));
    case '>>': return V.shr(w, a, shiftAmount(b));
    case '>>>': return V.sar(w, a, shiftAmount(b));
    default: return exhaustive(op);
  }
}

/** `a op b` on `w`-bit operands. */
export function compare(op: CompareOp, w: number, a: Bits, b: Bits): boolean {
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '<s': return V.slt(w, a, b);
    case '<=s': return !V.slt(w, b, a);
    case '>s': return V.slt(w, b, a);
    case '>=s': return !V.slt(w, a, b);
    default: return exhaustive(op);
  }
}

function exhaustive(x: never): never {
  throw new Error(`unhandled operator ${String(x)}`);
}
