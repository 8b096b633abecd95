/**
 * The module-level helpers emitted semantics may call (emit-operators.ts asks for them by name;
 * the module declares each once): the operations whose operands would otherwise be evaluated
 * twice — division and remainder with their zero-divisor cases, shifts by a variable amount,
 * signed division — each computing exactly what its values.ts function computes for its width.
 * Each is a function of the name the module gives it, returning its declaration's text.
 */
import { numberLiteral } from './emit-text.js';

/** 2^w − 1 for 1 ≤ w ≤ 32. */
function maskOf(w: number): number {
  return w >= 32 ? 0xffffffff : 2 ** w - 1;
}

export const UDIV = (name: string): string => [
  '/** Unsigned division; a zero divisor gives 0 (values.ts udiv). */',
  `function ${name}(x: number, y: number): number {`,
  '  return y === 0 ? 0 : Math.floor(x / y);',
  '}',
].join('\n');

export const UREM = (name: string): string => [
  '/** Unsigned remainder; a zero divisor gives the dividend (values.ts urem). */',
  `function ${name}(x: number, y: number): number {`,
  '  return y === 0 ? x : x % y;',
  '}',
].join('\n');

export const UDIV_BIG = (name: string): string => [
  '/** Unsigned division of wide values; a zero divisor gives 0. */',
  `function ${name}(x: bigint, y: bigint): bigint {`,
  '  return y === 0n ? 0n : x / y;',
  '}',
].join('\n');

export const UREM_BIG = (name: string): string => [
  '/** Unsigned remainder of wide values; a zero divisor gives the dividend. */',
  `function ${name}(x: bigint, y: bigint): bigint {`,
  '  return y === 0n ? x : x % y;',
  '}',
].join('\n');

export const SHIFT_AMOUNT = (name: string): string => [
  '/** A wide shift amount as a number: anything past 64 shifts everything out alike. */',
  `function ${name}(n: bigint): number {`,
  '  return n > 64n ? 64 : Number(n);',
  '}',
].join('\n');

export function shiftNumberText(name: string, op: '<<' | '>>' | '>>>', w: number): string {
  const m = numberLiteral(maskOf(w));
  const s = 32 - w;
  const body =
    op === '<<' ? (w === 32 ? 'return n >= 32 ? 0 : (x << n) >>> 0;' : `return n >= ${w} ? 0 : (x << n) & ${m};`)
    : op === '>>' ? `return n >= ${w} ? 0 : x >>> n;`
    : w === 32 ? 'return (x >> (n > 31 ? 31 : n)) >>> 0;'
    : `return (((x << ${s}) >> ${s}) >> (n > ${w - 1} ? ${w - 1} : n)) & ${m};`;
  const what = op === '<<' ? 'shifted left' : op === '>>' ? 'shifted right' : 'shifted right arithmetically (the sign bit copied in)';
  return [
    `/** A ${w}-bit value ${what} by \`n\` (values.ts ${op === '<<' ? 'shl' : op === '>>' ? 'shr' : 'sar'}). */`,
    `function ${name}(x: number, n: number): number {`,
    `  ${body}`,
    '}',
  ].join('\n');
}

export function shiftBigText(name: string, op: '<<' | '>>' | '>>>', w: number): string {
  const body =
    op === '<<' ? `return n >= ${w}n ? 0n : BigInt.asUintN(${w}, x << n);`
    : op === '>>' ? `return n >= ${w}n ? 0n : x >> n;`
    : `return BigInt.asUintN(${w}, BigInt.asIntN(${w}, x) >> (n > ${w - 1}n ? ${w - 1}n : n));`;
  return [
    `/** A ${w}-bit value shifted (${op}) by \`n\` (values.ts ${op === '<<' ? 'shl' : op === '>>' ? 'shr' : 'sar'}). */`,
    `function ${name}(x: bigint, n: bigint): bigint {`,
    `  ${body}`,
    '}',
  ].join('\n');
}

export function signedNumberText(name: string, k: 'sdiv' | 'srem', w: number): string {
  const s = 32 - w;
  const norm = (v: string): string => (w === 32 ? `${v} >>> 0` : `${v} & ${numberLiteral(maskOf(w))}`);
  const body = k === 'sdiv'
    ? ['  const x = (a << S) >> S;', '  const y = (b << S) >> S;', `  return y === 0 ? 0 : ${norm('Math.trunc(x / y)')};`]
    : ['  const x = (a << S) >> S;', '  const y = (b << S) >> S;', `  return y === 0 ? a : ${norm('(x % y)')};`];
  return [
    `/** Signed ${k === 'sdiv' ? 'division truncating toward zero (a zero divisor gives 0)' : 'remainder, the sign of the dividend (a zero divisor gives the dividend)'} of ${w}-bit values (values.ts ${k}). */`,
    `function ${name}(a: number, b: number): number {`,
    ...body.map((l) => l.replaceAll('S', String(s))),
    '}',
  ].join('\n');
}

export function signedBigText(name: string, k: 'sdiv' | 'srem', w: number): string {
  const body = k === 'sdiv'
    ? [`  const x = BigInt.asIntN(${w}, a);`, `  const y = BigInt.asIntN(${w}, b);`, `  return y === 0n ? 0n : BigInt.asUintN(${w}, x / y);`]
    : [`  const y = BigInt.asIntN(${w}, b);`, `  return y === 0n ? a : BigInt.asUintN(${w}, BigInt.asIntN(${w}, a) % y);`];
  return [
    `/** Signed ${k === 'sdiv' ? 'division' : 'remainder'} of ${w}-bit values (values.ts ${k}). */`,
    `function ${name}(a: bigint, b: bigint): bigint {`,
    ...body,
    '}',
  ].join('\n');
}
