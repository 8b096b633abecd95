/**
 * Constant folding for the partial evaluator (paths.ts): one IR operator applied to known
 * bit-vector operands, with the same values.ts arithmetic the interpreter uses, so a folded
 * condition is exactly the one the interpreter would compute.
 */
import type { ArithOp, CompareOp, IExpr } from '../semantics/ir.js';
import * as V from '../semantics/values.js';
import type { Bits } from '../semantics/values.js';

function shiftAmount(b: Bits): number {
  return typeof b === 'number' ? b : b > 64n ? 64 : Number(b);
}

export function foldArith(op: ArithOp, w: number, a: Bits, b: Bits): Bits {
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

export function foldCompare(op: CompareOp, w: number, a: Bits, b: Bits): boolean {
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

/**
 * The value of an operator node whose operands are all known (`args` in the node's operand
 * order); null for nodes that are not operators (state, memory, calls, locals).
 */
export function foldNode(e: IExpr, args: readonly Bits[]): Bits | null {
  switch (e.k) {
    case 'slice': return V.slice(e.e.w, args[0]!, e.hi, e.lo);
    case 'not': return V.not(e.w, args[0]!);
    case 'neg': return V.neg(e.w, args[0]!);
    case 'arith': return foldArith(e.op, e.w, args[0]!, args[1]!);
    case 'compare': return foldCompare(e.op, e.a.w, args[0]!, args[1]!) ? 1 : 0;
    case 'ext': return e.signed ? V.sext(e.e.w, e.w, args[0]!) : V.zext(e.e.w, e.w, args[0]!);
    case 'concat': return V.concat(e.w, args, e.parts.map((p) => p.w));
    case 'sdiv': return V.sdiv(e.w, args[0]!, args[1]!);
    case 'srem': return V.srem(e.w, args[0]!, args[1]!);
    default: return null;
  }
}

function exhaustive(x: never): never {
  throw new Error(`unhandled operator ${String(x)}`);
}
