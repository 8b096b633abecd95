/**
 * Constant folding for the partial evaluator (paths.ts): one IR operator applied to known
 * bit-vector operands, with the interpreter's own operators (semantics/operators.ts), so a folded
 * condition is exactly the one the interpreter would compute.
 */
import type { IExpr } from '../semantics/ir.js';
import { arith, compare } from '../semantics/operators.js';
import * as V from '../semantics/values.js';
import type { Bits } from '../semantics/values.js';

/**
 * The value of an operator node whose operands are all known (`args` in the node's operand
 * order); null for nodes that are not operators (state, memory, calls, locals).
 */
export function foldNode(e: IExpr, args: readonly Bits[]): Bits | null {
  switch (e.k) {
    case 'slice': return V.slice(e.e.w, args[0]!, e.hi, e.lo);
    case 'not': return V.not(e.w, args[0]!);
    case 'neg': return V.neg(e.w, args[0]!);
    case 'arith': return arith(e.op, e.w, args[0]!, args[1]!);
    case 'compare': return compare(e.op, e.a.w, args[0]!, args[1]!) ? 1 : 0;
    case 'ext': return e.signed ? V.sext(e.e.w, e.w, args[0]!) : V.zext(e.e.w, e.w, args[0]!);
    case 'concat': return V.concat(e.w, args, e.parts.map((p) => p.w));
    case 'sdiv': return V.sdiv(e.w, args[0]!, args[1]!);
    case 'srem': return V.srem(e.w, args[0]!, args[1]!);
    default: return null;
  }
}
