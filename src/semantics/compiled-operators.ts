/**
 * The operators of compiled semantics (compiler.ts), one closure per node with the width fixed at
 * compile time. Each computes exactly what its values.ts function computes for that width: a
 * value of at most 32 bits is a number in [0, 2^w), a wider one a bigint in [0, 2^w).
 *
 * The number forms rely on two facts of JavaScript's int32 operators: `x & m` and `x >>> 0`
 * reduce any integer-valued double below 2^53 modulo 2^32 (ToInt32/ToUint32), and `x << (32 - w)`
 * puts bit w−1 of a w-bit value in the sign bit, so comparing `(a << s) < (b << s)` as int32 is
 * the signed comparison of two w-bit values.
 */
import type { ArithOp, CompareOp } from './ir.js';
import type { Bits } from './values.js';

export type Frame = Bits[];
export type NumFn = (f: Frame) => number;
export type BigFn = (f: Frame) => bigint;
export type BoolFn = (f: Frame) => boolean;

/** 2^w − 1 for 1 ≤ w ≤ 31 (the `& m` mask); unused at 32, where `>>> 0` normalises. */
function maskNumber(w: number): number {
  return w >= 32 ? 0xffffffff : 2 ** w - 1;
}

/** `a op b` on w ≤ 32 bits (values.ts add, sub, mul, udiv, urem, and, or, xor, shl, shr, sar). */
export function arithNumber(op: ArithOp, w: number, a: NumFn, b: NumFn): NumFn {
  const full = w === 32;
  const m = maskNumber(w);
  // The sign bit moves to bit 31 and back (values.ts signedNumber).
  const s = 32 - w;
  switch (op) {
    case '+': return full ? (f) => (a(f) + b(f)) >>> 0 : (f) => (a(f) + b(f)) & m;
    case '-': return full ? (f) => (a(f) - b(f)) >>> 0 : (f) => (a(f) - b(f)) & m;
    case '*': return full ? (f) => Math.imul(a(f), b(f)) >>> 0 : (f) => Math.imul(a(f), b(f)) & m;
    case '/': return (f) => { const x = a(f); const y = b(f); return y === 0 ? 0 : Math.floor(x / y); };
    case '%': return (f) => { const x = a(f); const y = b(f); return y === 0 ? x : x % y; };
    case '&': return full ? (f) => (a(f) & b(f)) >>> 0 : (f) => a(f) & b(f);
    case '|': return full ? (f) => (a(f) | b(f)) >>> 0 : (f) => a(f) | b(f);
    case '^': return full ? (f) => (a(f) ^ b(f)) >>> 0 : (f) => a(f) ^ b(f);
    case '<<': return full
      ? (f) => { const x = a(f); const n = b(f); return n >= 32 ? 0 : (x << n) >>> 0; }
      : (f) => { const x = a(f); const n = b(f); return n >= w ? 0 : (x << n) & m; };
    case '>>': return (f) => { const x = a(f); const n = b(f); return n >= w ? 0 : x >>> n; };
    case '>>>': return full
      ? (f) => { const x = a(f); const n = b(f); return (x >> (n > 31 ? 31 : n)) >>> 0; }
      : (f) => { const x = a(f); const n = b(f); return ((x << s) >> s >> (n > w - 1 ? w - 1 : n)) & m; };
    default: return exhaustive(op);
  }
}

/** `a op b` on 33..64 bits. A shift amount is the value of `b` (≥ w shifts everything out). */
export function arithBig(op: ArithOp, w: number, a: BigFn, b: BigFn): BigFn {
  const W = BigInt(w);
  const top = BigInt(w - 1);
  switch (op) {
    case '+': return (f) => BigInt.asUintN(w, a(f) + b(f));
    case '-': return (f) => BigInt.asUintN(w, a(f) - b(f));
    case '*': return (f) => BigInt.asUintN(w, a(f) * b(f));
    case '/': return (f) => { const x = a(f); const y = b(f); return y === 0n ? 0n : x / y; };
    case '%': return (f) => { const x = a(f); const y = b(f); return y === 0n ? x : x % y; };
    case '&': return (f) => a(f) & b(f);
    case '|': return (f) => a(f) | b(f);
    case '^': return (f) => a(f) ^ b(f);
    case '<<': return (f) => { const x = a(f); const n = b(f); return n >= W ? 0n : BigInt.asUintN(w, x << n); };
    case '>>': return (f) => { const x = a(f); const n = b(f); return n >= W ? 0n : x >> n; };
    case '>>>': return (f) => { const x = a(f); const n = b(f); return BigInt.asUintN(w, BigInt.asIntN(w, x) >> (n > top ? top : n)); };
    default: return exhaustive(op);
  }
}

/** A comparison of two w ≤ 32-bit values. */
export function compareNumber(op: CompareOp, w: number, a: NumFn, b: NumFn): BoolFn {
  const s = 32 - w;
  switch (op) {
    case '==': return (f) => a(f) === b(f);
    case '!=': return (f) => a(f) !== b(f);
    case '<': return (f) => a(f) < b(f);
    case '<=': return (f) => a(f) <= b(f);
    case '>': return (f) => a(f) > b(f);
    case '>=': return (f) => a(f) >= b(f);
    case '<s': return (f) => a(f) << s < b(f) << s;
    case '<=s': return (f) => a(f) << s <= b(f) << s;
    case '>s': return (f) => a(f) << s > b(f) << s;
    case '>=s': return (f) => a(f) << s >= b(f) << s;
    default: return exhaustive(op);
  }
}

/** A comparison of a w ≤ 32-bit value with the constant `k` (the common `x == CONST`). */
export function compareNumberWith(op: CompareOp, w: number, a: NumFn, k: number): BoolFn {
  const s = 32 - w;
  const ks = k << s;
  switch (op) {
    case '==': return (f) => a(f) === k;
    case '!=': return (f) => a(f) !== k;
    case '<': return (f) => a(f) < k;
    case '<=': return (f) => a(f) <= k;
    case '>': return (f) => a(f) > k;
    case '>=': return (f) => a(f) >= k;
    case '<s': return (f) => a(f) << s < ks;
    case '<=s': return (f) => a(f) << s <= ks;
    case '>s': return (f) => a(f) << s > ks;
    case '>=s': return (f) => a(f) << s >= ks;
    default: return exhaustive(op);
  }
}

/** A comparison of two 33..64-bit values. */
export function compareBig(op: CompareOp, w: number, a: BigFn, b: BigFn): BoolFn {
  switch (op) {
    case '==': return (f) => a(f) === b(f);
    case '!=': return (f) => a(f) !== b(f);
    case '<': return (f) => a(f) < b(f);
    case '<=': return (f) => a(f) <= b(f);
    case '>': return (f) => a(f) > b(f);
    case '>=': return (f) => a(f) >= b(f);
    case '<s': return (f) => BigInt.asIntN(w, a(f)) < BigInt.asIntN(w, b(f));
    case '<=s': return (f) => BigInt.asIntN(w, a(f)) <= BigInt.asIntN(w, b(f));
    case '>s': return (f) => BigInt.asIntN(w, a(f)) > BigInt.asIntN(w, b(f));
    case '>=s': return (f) => BigInt.asIntN(w, a(f)) >= BigInt.asIntN(w, b(f));
    default: return exhaustive(op);
  }
}

/** Bits hi..lo of a w ≤ 32-bit value. */
export function sliceNumber(hi: number, lo: number, a: NumFn): NumFn {
  const rw = hi - lo + 1;
  if (rw === 32) return a;
  const m = maskNumber(rw);
  return lo === 0 ? (f) => a(f) & m : (f) => (a(f) >>> lo) & m;
}

/** Bits hi..lo (at most 32 of them) of a wider value, as a number. */
export function sliceBigToNumber(hi: number, lo: number, a: BigFn): NumFn {
  const rw = hi - lo + 1;
  const LO = BigInt(lo);
  return lo === 0 ? (f) => Number(BigInt.asUintN(rw, a(f))) : (f) => Number(BigInt.asUintN(rw, a(f) >> LO));
}

/** Bits hi..lo (more than 32 of them) of a wider value. */
export function sliceBig(hi: number, lo: number, a: BigFn): BigFn {
  const rw = hi - lo + 1;
  const LO = BigInt(lo);
  return (f) => BigInt.asUintN(rw, a(f) >> LO);
}

/** sext from `from` to `to` bits, both ≤ 32. */
export function sextNumber(from: number, to: number, a: NumFn): NumFn {
  if (from === to) return a;
  const s = 32 - from;
  const m = maskNumber(to);
  return to === 32 ? (f) => ((a(f) << s) >> s) >>> 0 : (f) => ((a(f) << s) >> s) & m;
}

/** sext from `from` ≤ 32 to `to` > 32 bits. */
export function sextNumberToBig(from: number, to: number, a: NumFn): BigFn {
  const s = 32 - from;
  return (f) => BigInt.asUintN(to, BigInt((a(f) << s) >> s));
}

/** sext from `from` > 32 to `to` bits. */
export function sextBig(from: number, to: number, a: BigFn): BigFn {
  return (f) => BigInt.asUintN(to, BigInt.asIntN(from, a(f)));
}

/**
 * concat of narrow parts (most significant first) as an exact number: the total width must be
 * at most 53 bits. Each part moves up by the widths after it.
 */
export function concatNumber(widths: readonly number[], parts: readonly NumFn[]): NumFn {
  const scale = widths.map((_, i) => 2 ** widths.slice(i + 1).reduce((s, w) => s + w, 0));
  if (parts.length === 2) {
    const [a, b] = [parts[0]!, parts[1]!];
    const k = scale[0]!;
    return (f) => a(f) * k + b(f);
  }
  if (parts.length === 3) {
    const [a, b, c] = [parts[0]!, parts[1]!, parts[2]!];
    const [ka, kb] = [scale[0]!, scale[1]!];
    return (f) => a(f) * ka + b(f) * kb + c(f);
  }
  return (f) => {
    let v = 0;
    for (let i = 0; i < parts.length; i++) v += parts[i]!(f) * scale[i]!;
    return v;
  };
}

/** concat of parts of any width (each a number or a bigint, per its width) into a wide value. */
export function concatBig(widths: readonly number[], parts: readonly ((f: Frame) => Bits)[]): BigFn {
  const shifts = widths.map((w) => BigInt(w));
  return (f) => {
    let v = 0n;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!(f);
      v = (v << shifts[i]!) | (typeof p === 'bigint' ? p : BigInt(p));
    }
    return v;
  };
}

/** sdiv or srem of two w ≤ 32-bit values (a zero divisor: 0 for sdiv, the dividend for srem). */
export function signedNumber(k: 'sdiv' | 'srem', w: number, a: NumFn, b: NumFn): NumFn {
  const s = 32 - w;
  const m = maskNumber(w);
  const norm = w === 32 ? (v: number): number => v >>> 0 : (v: number): number => v & m;
  return k === 'sdiv'
    ? (f) => { const x = (a(f) << s) >> s; const y = (b(f) << s) >> s; return y === 0 ? 0 : norm(Math.trunc(x / y)); }
    : (f) => { const ux = a(f); const x = (ux << s) >> s; const y = (b(f) << s) >> s; return y === 0 ? ux : norm(x % y); };
}

/** sdiv or srem of two 33..64-bit values. */
export function signedBig(k: 'sdiv' | 'srem', w: number, a: BigFn, b: BigFn): BigFn {
  return k === 'sdiv'
    ? (f) => { const x = BigInt.asIntN(w, a(f)); const y = BigInt.asIntN(w, b(f)); return y === 0n ? 0n : BigInt.asUintN(w, x / y); }
    : (f) => { const ux = a(f); const y = BigInt.asIntN(w, b(f)); return y === 0n ? ux : BigInt.asUintN(w, BigInt.asIntN(w, ux) % y); };
}

function exhaustive(x: never): never {
  throw new Error(`unhandled operator ${JSON.stringify(x)}`);
}
