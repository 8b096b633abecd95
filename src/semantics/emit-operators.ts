/**
 * The operators of emitted semantics (emit-expressions.ts), on code already emitted for their
 * operands — the printed counterpart of compiled-operators.ts, with the width fixed at emit time.
 * Each prints exactly what its values.ts function computes for that width: a value of at most 32
 * bits is a number in [0, 2^w), a wider one a bigint in [0, 2^w).
 *
 * The number forms rely on two facts of JavaScript's int32 operators: `x & m` and `x >>> 0` reduce
 * any integer-valued double below 2^53 modulo 2^32, and `x << (32 − w)` puts bit w − 1 of a w-bit
 * value in the sign bit, so comparing `(a << s) < (b << s)` is the signed comparison.
 */
import type { ArithOp, CompareOp } from './ir.js';
import * as V from './values.js';
import { SHIFT_AMOUNT, UDIV, UDIV_BIG, UREM, UREM_BIG, shiftBigText, shiftNumberText, signedBigText, signedNumberText } from './emit-helpers.js';
import { Prec, binary, bigintLiteral, code, countLiteral, grouped, normalised, numberLiteral, primary, type Code } from './emit-text.js';

/** Widths up to this are exact as JavaScript numbers. */
export const EXACT = 53;

/** The module's helper of `key`, declared once (ModuleScope.helper). */
export type Helper = (key: string, base: string, make: (name: string) => string) => string;

type Shift = '<<' | '>>' | '>>>';

export const ZERO = primary('0', true);

export function lit(v: number): Code {
  return { text: numberLiteral(v), prec: Prec.Primary, stable: true, literal: v };
}

/** A shift amount or a width, in decimal. */
export function count(v: number): Code {
  return primary(countLiteral(v), true);
}

export function bigLit(v: bigint): Code {
  return primary(bigintLiteral(v), true);
}

/** 2^w − 1 for 1 ≤ w ≤ 32. */
export function maskOf(w: number): number {
  return w >= 32 ? 0xffffffff : 2 ** w - 1;
}

/** A code in parentheses, for readability where precedence alone would allow none (`(a << 24) < (b << 24)`). */
export function paren(c: Code): Code {
  return primary(`(${c.text})`, c.stable);
}

/** A ternary's condition or arm: in parentheses when it is itself a ternary or a logical operation. */
export function part(c: Code): string {
  return c.prec <= Prec.LogicalOr ? `(${c.text})` : c.text;
}

/** An operand of an operation that normalises its result again: its raw form will do (Code.raw). */
function rawOf(c: Code): Code {
  return c.raw ?? c;
}

export function isShift(op: ArithOp): op is Shift {
  return op === '<<' || op === '>>' || op === '>>>';
}

/** A constant shift amount as a number; amounts past 64 shift everything out alike. */
export function amountOf(v: V.Bits): number {
  const n = V.toBigInt(v);
  return n > 64n ? 64 : Number(n);
}

const COMPARE: Readonly<Record<CompareOp, { readonly js: string; readonly prec: Prec; readonly signed: boolean }>> = {
  '==': { js: '===', prec: Prec.Equality, signed: false },
  '!=': { js: '!==', prec: Prec.Equality, signed: false },
  '<': { js: '<', prec: Prec.Relational, signed: false },
  '<=': { js: '<=', prec: Prec.Relational, signed: false },
  '>': { js: '>', prec: Prec.Relational, signed: false },
  '>=': { js: '>=', prec: Prec.Relational, signed: false },
  '<s': { js: '<', prec: Prec.Relational, signed: true },
  '<=s': { js: '<=', prec: Prec.Relational, signed: true },
  '>s': { js: '>', prec: Prec.Relational, signed: true },
  '>=s': { js: '>=', prec: Prec.Relational, signed: true },
};

const BITWISE_PREC: Readonly<Record<'&' | '|' | '^', Prec>> = { '&': Prec.BitAnd, '|': Prec.BitOr, '^': Prec.BitXor };

/** `c` reduced to w ≤ 32 bits: `>>> 0` at 32, `& (2^w − 1)` below. */
function normNumber(c: Code, w: number): Code {
  return normalised(c, (x) => (w === 32 ? binary(x, '>>>', ZERO, Prec.Shift) : binary(x, '&', lit(maskOf(w)), Prec.BitAnd)));
}

/** Bits hi..lo of a narrow value `a` of `w` bits. */
export function sliceNumber(a: Code, w: number, hi: number, lo: number): Code {
  const rw = hi - lo + 1;
  if (rw === 32) return a;
  const c = lo === 0 ? a : binary(a, '>>>', count(lo), Prec.Shift);
  // The top bits of a w-bit value need no mask once shifted down.
  return hi < w - 1 ? binary(c, '&', lit(maskOf(rw)), Prec.BitAnd) : c;
}

/** Bits hi..lo (at most 32 of them) of a wide value, as a number. */
export function sliceBigToNumber(a: Code, hi: number, lo: number): Code {
  const shifted = lo === 0 ? a : binary(a, '>>', bigLit(BigInt(lo)), Prec.Shift);
  return primary(`Number(BigInt.asUintN(${hi - lo + 1}, ${shifted.text}))`, a.stable);
}

/** Bits hi..lo (more than 32 of them) of a wide value of `w` bits. */
export function sliceBig(a: Code, w: number, hi: number, lo: number): Code {
  const shifted = lo === 0 ? a : binary(a, '>>', bigLit(BigInt(lo)), Prec.Shift);
  return hi === w - 1 ? shifted : primary(`BigInt.asUintN(${hi - lo + 1}, ${shifted.text})`, a.stable);
}

/** `~a` or `-a` on w ≤ 32 bits; a literal is folded. */
export function unaryNumber(op: '~' | '-', w: number, a: Code): Code {
  if (a.literal !== undefined) return lit(((op === '~' ? ~a.literal : -a.literal) & maskOf(w)) >>> 0);
  return normNumber(code(`${op}${a.prec <= Prec.Unary ? `(${a.text})` : a.text}`, Prec.Unary, a.stable), w);
}

/** sext from `from` to `to` ≤ 32 bits: the sign bit moves to bit 31 and back (values.ts sext). */
export function sextNumber(a: Code, from: number, to: number): Code {
  if (from === to) return a;
  const s = 32 - from;
  return normNumber(binary(paren(binary(a, '<<', count(s), Prec.Shift)), '>>', count(s), Prec.Shift), to);
}

/** sext from `from` ≤ 32 to `to` > 32 bits. */
export function sextNumberToBig(a: Code, from: number, to: number): Code {
  const s = 32 - from;
  const signed = s === 0 ? binary(a, '|', ZERO, Prec.BitOr) : binary(paren(binary(a, '<<', count(s), Prec.Shift)), '>>', count(s), Prec.Shift);
  return primary(`BigInt.asUintN(${to}, BigInt(${signed.text}))`, a.stable);
}

/** `a op b` on w ≤ 32 bits (values.ts add, sub, mul, udiv, urem, and, or, xor, shl, shr, sar). */
export function arithNumber(op: ArithOp, w: number, a: Code, b: Code, helper: Helper): Code {
  const full = w === 32;
  const stable = a.stable && b.stable;
  switch (op) {
    case '+':
    case '-': return normNumber(binary(rawOf(a), op, rawOf(b), Prec.Additive), w);
    case '*': return normNumber(primary(`Math.imul(${rawOf(a).text}, ${rawOf(b).text})`, stable), w);
    case '/': return primary(`${helper('udiv', 'udiv', UDIV)}(${a.text}, ${b.text})`, stable);
    case '%': return primary(`${helper('urem', 'urem', UREM)}(${a.text}, ${b.text})`, stable);
    case '&':
    case '|':
    case '^':
      // At 32 bits the result is normalised again, so raw operands do; below, both are in range already.
      return full ? normNumber(binary(rawOf(a), op, rawOf(b), BITWISE_PREC[op]), w) : binary(a, op, b, BITWISE_PREC[op]);
    case '<<':
    case '>>':
    case '>>>': {
      const name = `${op === '<<' ? 'shl' : op === '>>' ? 'shr' : 'sar'}${w}`;
      return primary(`${helper(name, name, (n) => shiftNumberText(n, op, w))}(${a.text}, ${b.text})`, stable);
    }
    default:
      return exhaustive(op);
  }
}

/** A shift of a w ≤ 32-bit value by a constant amount `n` (values.ts shl, shr, sar). */
export function shiftNumberBy(op: Shift, w: number, a: Code, n: number): Code {
  const m = lit(maskOf(w));
  switch (op) {
    case '<<': {
      if (n >= w) return ZERO;
      const x = binary(a, '<<', count(n), Prec.Shift);
      return w === 32 ? binary(x, '>>>', ZERO, Prec.Shift) : binary(paren(x), '&', m, Prec.BitAnd);
    }
    case '>>': return n >= w ? ZERO : n === 0 ? a : binary(a, '>>>', count(n), Prec.Shift);
    case '>>>': {
      const k = Math.min(n, w - 1);
      if (k === 0) return a;
      if (w === 32) return binary(binary(a, '>>', count(k), Prec.Shift), '>>>', ZERO, Prec.Shift);
      // The sign bit moves to bit 31, then everything down by 32 − w + k.
      const s = 32 - w;
      return binary(paren(binary(paren(binary(a, '<<', count(s), Prec.Shift)), '>>', count(s + k), Prec.Shift)), '&', m, Prec.BitAnd);
    }
  }
}

/** A wide shift amount made a number for a narrow shift (amounts past 64 shift everything out alike). */
export function amountToNumber(n: Code, helper: Helper): Code {
  return primary(`${helper('shiftAmount', 'shiftAmount', SHIFT_AMOUNT)}(${n.text})`, n.stable);
}

/**
 * concat of narrow parts, most significant first, as a number: shifts and `|` within 32 bits, sums
 * above (exact up to 53 bits). `zero[i]`: part i is a literal 0 and is left out.
 */
export function concatNumber(codes: readonly Code[], widths: readonly number[], zero: readonly boolean[]): Code {
  const total = widths.reduce((s, w) => s + w, 0);
  const terms: Code[] = [];
  let below = total;
  codes.forEach((c, i) => {
    below -= widths[i]!;
    if (zero[i]) return;
    if (below === 0) terms.push(c);
    else if (total <= 32) terms.push(paren(binary(c, '<<', count(below), Prec.Shift)));
    else terms.push(binary(c, '*', primary(`2 ** ${below}`, true), Prec.Multiplicative));
  });
  if (terms.length === 0) return ZERO;
  if (terms.length === 1) return terms[0]!;
  const stable = terms.every((t) => t.stable);
  if (total > 32) return code(terms.map((t) => grouped(t, Prec.Additive + 1)).join(' + '), Prec.Additive, stable);
  const or = code(terms.map((t) => grouped(t, Prec.BitOr + 1)).join(' | '), Prec.BitOr, stable);
  return total === 32 ? binary(or, '>>>', ZERO, Prec.Shift) : or;
}

/** concat into a wide value: each part (a number up to 32 bits) made a bigint and moved up by the widths after it. */
export function concatBig(codes: readonly Code[], widths: readonly number[]): Code {
  let below = widths.reduce((s, w) => s + w, 0);
  const terms = codes.map((c, i) => {
    below -= widths[i]!;
    const b = widths[i]! > V.NARROW ? c : primary(`BigInt(${c.text})`, c.stable);
    return below === 0 ? b : paren(binary(b, '<<', bigLit(BigInt(below)), Prec.Shift));
  });
  return code(terms.map((t) => grouped(t, Prec.BitOr + 1)).join(' | '), Prec.BitOr, terms.every((t) => t.stable));
}

/** `a op b` on 33..64 bits; a shift amount is the value of `b` (≥ w shifts everything out). */
export function arithBig(op: ArithOp, w: number, a: Code, b: Code, helper: Helper): Code {
  const stable = a.stable && b.stable;
  switch (op) {
    case '+':
    case '-': return primary(`BigInt.asUintN(${w}, ${binary(a, op, b, Prec.Additive).text})`, stable);
    case '*': return primary(`BigInt.asUintN(${w}, ${binary(a, op, b, Prec.Multiplicative).text})`, stable);
    case '/': return primary(`${helper('udivBig', 'udivBig', UDIV_BIG)}(${a.text}, ${b.text})`, stable);
    case '%': return primary(`${helper('uremBig', 'uremBig', UREM_BIG)}(${a.text}, ${b.text})`, stable);
    case '&':
    case '|':
    case '^': return binary(a, op, b, BITWISE_PREC[op]);
    case '<<':
    case '>>':
    case '>>>': {
      const name = `${op === '<<' ? 'shl' : op === '>>' ? 'shr' : 'sar'}${w}`;
      return primary(`${helper(name, name, (n) => shiftBigText(n, op, w))}(${a.text}, ${b.text})`, stable);
    }
    default:
      return exhaustive(op);
  }
}

/** A shift of a 33..64-bit value by a constant amount `n`. */
export function shiftBigBy(op: Shift, w: number, a: Code, n: number): Code {
  switch (op) {
    case '<<': return n >= w ? bigLit(0n) : primary(`BigInt.asUintN(${w}, ${binary(a, '<<', bigLit(BigInt(n)), Prec.Shift).text})`, a.stable);
    case '>>': return n >= w ? bigLit(0n) : n === 0 ? a : binary(a, '>>', bigLit(BigInt(n)), Prec.Shift);
    case '>>>': {
      const k = Math.min(n, w - 1);
      return k === 0 ? a : primary(`BigInt.asUintN(${w}, BigInt.asIntN(${w}, ${a.text}) >> ${bigintLiteral(BigInt(k))})`, a.stable);
    }
  }
}

/** sdiv or srem of two w-bit values (a zero divisor: 0 for sdiv, the dividend for srem), through its helper. */
export function signedDivision(k: 'sdiv' | 'srem', w: number, a: Code, b: Code, helper: Helper): Code {
  const name = `${k}${w}`;
  const id = helper(name, name, (n) => (w > V.NARROW ? signedBigText(n, k, w) : signedNumberText(n, k, w)));
  return primary(`${id}(${a.text}, ${b.text})`, a.stable && b.stable);
}

/** A comparison of two w-bit values, as a boolean. */
export function compare(op: CompareOp, w: number, a: Code, b: Code): Code {
  const { js, prec, signed } = COMPARE[op];
  if (!signed) return binary(a, js, b, prec);
  if (w > V.NARROW) {
    return binary(primary(`BigInt.asIntN(${w}, ${a.text})`, a.stable), js, primary(`BigInt.asIntN(${w}, ${b.text})`, b.stable), prec);
  }
  // Both moved so that bit w − 1 is the int32 sign bit; a literal is moved at emit time.
  const s = 32 - w;
  const toSigned = (c: Code): Code => {
    if (c.literal !== undefined) {
      const v = (c.literal << s) | 0;
      return v < 0 ? code(`-${numberLiteral(-v)}`, Prec.Unary, true) : lit(v);
    }
    return paren(s === 0 ? binary(c, '|', ZERO, Prec.BitOr) : binary(c, '<<', count(s), Prec.Shift));
  };
  return binary(toSigned(a), js, toSigned(b), prec);
}

function exhaustive(x: never): never {
  throw new Error(`emit: unhandled operator ${JSON.stringify(x)}`);
}
