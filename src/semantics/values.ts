/**
 * Bit-vector values and their arithmetic. A value of width ≤ 32 bits is an unsigned JavaScript
 * `number` (0 ≤ v < 2^w); a wider one (33..64 bits) is an unsigned `bigint`. Every operation
 * takes the width in bits and returns a value normalised to it.
 */

export type Bits = number | bigint;

/** Widths above this are held as bigint. */
export const NARROW = 32;

/** The widest value: state holds at most 64 bits, but a variable-length instruction word may be longer. */
export const MAX_WIDTH = 128;

/** The widest memory access. */
export const MAX_ACCESS = 64;

const MASKS: readonly bigint[] = Array.from({ length: MAX_WIDTH + 1 }, (_, w) => (1n << BigInt(w)) - 1n);
/** 2^w as a bigint, and as a number, for w = 0..64. */
const POWERS: readonly bigint[] = Array.from({ length: MAX_WIDTH + 1 }, (_, w) => 1n << BigInt(w));
const NUMBER_POWERS: readonly number[] = Array.from({ length: MAX_WIDTH + 1 }, (_, w) => 2 ** w);

export function isNarrow(width: number): boolean {
  return width <= NARROW;
}

/** All-ones of `width` bits, as a bigint. */
export function maskOf(width: number): bigint {
  return MASKS[width]!;
}

/** Normalise any integer (possibly negative or too wide) to an unsigned value of `width` bits. */
export function fromBigInt(v: bigint, width: number): Bits {
  const u = v & MASKS[width]!;
  return width <= NARROW ? Number(u) : u;
}

export function toBigInt(v: Bits): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** A value of `width` bits as a JavaScript number (exact for widths ≤ 53). */
export function toNumber(v: Bits): number {
  return typeof v === 'number' ? v : Number(v);
}

function narrowMask(width: number, v: number): number {
  return width === 32 ? v >>> 0 : (v & ((1 << width) - 1)) >>> 0;
}

function big(v: Bits): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

export function add(w: number, a: Bits, b: Bits): Bits {
  if (w <= NARROW) return narrowMask(w, (a as number) + (b as number));
  return (big(a) + big(b)) & MASKS[w]!;
}

export function sub(w: number, a: Bits, b: Bits): Bits {
  if (w <= NARROW) return narrowMask(w, (a as number) - (b as number));
  return (big(a) - big(b)) & MASKS[w]!;
}

export function mul(w: number, a: Bits, b: Bits): Bits {
  if (w <= NARROW) return narrowMask(w, Math.imul(a as number, b as number));
  return (big(a) * big(b)) & MASKS[w]!;
}

/** Unsigned division; the caller has excluded a zero divisor (the language's `/`). */
export function udiv(w: number, a: Bits, b: Bits): Bits {
  if (w <= NARROW) return b === 0 ? 0 : Math.floor((a as number) / (b as number));
  return big(b) === 0n ? 0n : big(a) / big(b);
}

export function urem(w: number, a: Bits, b: Bits): Bits {
  if (w <= NARROW) return b === 0 ? a : (a as number) % (b as number);
  return big(b) === 0n ? big(a) : big(a) % big(b);
}

/** The signed value of an unsigned `w`-bit pattern, as a bigint. */
export function signed(w: number, v: Bits): bigint {
  const u = big(v);
  return u >= POWERS[w - 1]! ? u - POWERS[w]! : u;
}

/** The signed value of an unsigned `w`-bit pattern, w ≤ 32: bit w−1 moved to the sign bit and back. */
function signedNumber(w: number, v: number): number {
  return (v << (32 - w)) >> (32 - w);
}

/** Signed division truncating toward zero; a zero divisor gives 0 (callers check first). */
export function sdiv(w: number, a: Bits, b: Bits): Bits {
  if (w <= NARROW) {
    const d = signedNumber(w, b as number);
    // The double quotient of two 32-bit integers truncates to their exact integer quotient.
    return d === 0 ? 0 : narrowMask(w, Math.trunc(signedNumber(w, a as number) / d));
  }
  const d = signed(w, b);
  return d === 0n ? fromBigInt(0n, w) : fromBigInt(signed(w, a) / d, w);
}

/** Signed remainder, sign of the dividend; a zero divisor gives the dividend. */
export function srem(w: number, a: Bits, b: Bits): Bits {
  if (w <= NARROW) {
    const d = signedNumber(w, b as number);
    return d === 0 ? a : narrowMask(w, signedNumber(w, a as number) % d);
  }
  const d = signed(w, b);
  return d === 0n ? a : fromBigInt(signed(w, a) % d, w);
}

export function and(w: number, a: Bits, b: Bits): Bits {
  return w <= NARROW ? ((a as number) & (b as number)) >>> 0 : big(a) & big(b);
}

export function or(w: number, a: Bits, b: Bits): Bits {
  return w <= NARROW ? ((a as number) | (b as number)) >>> 0 : big(a) | big(b);
}

export function xor(w: number, a: Bits, b: Bits): Bits {
  return w <= NARROW ? ((a as number) ^ (b as number)) >>> 0 : big(a) ^ big(b);
}

export function not(w: number, a: Bits): Bits {
  return w <= NARROW ? narrowMask(w, ~(a as number)) : ~big(a) & MASKS[w]!;
}

export function neg(w: number, a: Bits): Bits {
  return sub(w, w <= NARROW ? 0 : 0n, a);
}

/** Logical shift left by `n` (any non-negative amount; ≥ w gives 0). */
export function shl(w: number, a: Bits, n: number): Bits {
  if (n >= w) return w <= NARROW ? 0 : 0n;
  if (w <= NARROW) return narrowMask(w, (a as number) << n);
  return (big(a) << BigInt(n)) & MASKS[w]!;
}

/** Logical shift right. */
export function shr(w: number, a: Bits, n: number): Bits {
  if (n >= w) return w <= NARROW ? 0 : 0n;
  if (w <= NARROW) return (a as number) >>> n;
  return big(a) >> BigInt(n);
}

/** Arithmetic shift right (the sign bit is copied in). */
export function sar(w: number, a: Bits, n: number): Bits {
  const k = Math.min(n, w - 1);
  if (w <= NARROW) return narrowMask(w, signedNumber(w, a as number) >> k);
  return fromBigInt(signed(w, a) >> BigInt(k), w);
}

export function eq(a: Bits, b: Bits): boolean {
  return a === b;
}

export function ult(a: Bits, b: Bits): boolean {
  return a < b;
}

export function slt(w: number, a: Bits, b: Bits): boolean {
  if (w <= NARROW) return signedNumber(w, a as number) < signedNumber(w, b as number);
  return signed(w, a) < signed(w, b);
}

/** Bits hi..lo of a `w`-bit value (result width hi-lo+1). */
export function slice(w: number, a: Bits, hi: number, lo: number): Bits {
  const rw = hi - lo + 1;
  if (w <= NARROW) return narrowMask(rw, (a as number) >>> lo);
  return fromBigInt(big(a) >> BigInt(lo), rw);
}

/** Zero-extend a `from`-bit value to `to` bits. */
export function zext(from: number, to: number, a: Bits): Bits {
  if (to <= NARROW || from > NARROW) return a;
  return BigInt(a as number);
}

/** Sign-extend a `from`-bit value to `to` bits. */
export function sext(from: number, to: number, a: Bits): Bits {
  if (to <= NARROW) return narrowMask(to, signedNumber(from, a as number));
  return fromBigInt(signed(from, a), to);
}

/** Concatenate parts given most significant first, with their widths; `w` is the total width. */
export function concat(w: number, parts: readonly Bits[], widths: readonly number[]): Bits {
  if (w <= NARROW) {
    let v = 0;
    for (let i = 0; i < parts.length; i++) v = widths[i] === 32 ? (parts[i] as number) : v * NUMBER_POWERS[widths[i]!]! + (parts[i] as number);
    return v >>> 0;
  }
  let v = 0n;
  for (let i = 0; i < parts.length; i++) v = (v << BigInt(widths[i]!)) | big(parts[i]!);
  return v;
}

/** Replace bits hi..lo of `a` (width w) with `v` (width hi-lo+1). */
export function deposit(w: number, a: Bits, hi: number, lo: number, v: Bits): Bits {
  const fw = hi - lo + 1;
  if (w <= NARROW) {
    const m = fw === 32 ? 0xffffffff : ((1 << fw) - 1) << lo;
    return (((a as number) & ~m) | (((v as number) << lo) & m)) >>> 0;
  }
  const m = MASKS[fw]! << BigInt(lo);
  return (big(a) & ~m & MASKS[w]!) | ((big(v) << BigInt(lo)) & m);
}

/** A value of width `w` from a JavaScript number or bigint literal. */
export function literal(v: bigint, w: number): Bits {
  return fromBigInt(v, w);
}

/** Is the value nonzero (for 1-bit conditions and general truthiness)? */
export function truthy(v: Bits): boolean {
  return v !== 0 && v !== 0n;
}

/** Hexadecimal text of a value of width `w`, zero-padded: `0x0000002a`. */
export function hex(v: Bits, w: number): string {
  return '0x' + toBigInt(v).toString(16).padStart(Math.ceil(w / 4), '0');
}
