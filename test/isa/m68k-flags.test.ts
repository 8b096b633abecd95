/**
 * The 68000/68010 condition codes against an independent reference: integer arithmetic, not the
 * manual's bit formulas the descriptions use.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Machine } from '../../src/machine/machine.js';
import type { CheckedIsa } from '../../src/semantics/check-isa.js';
import { BOTH, CODE, boot, get, set, step } from './m68k-machine.js';

/** A 68000 register operation `op d1, d0` at `size` bits on d0 = a, d1 = b: d0 and the CCR after. */
const machines = new Map<CheckedIsa, Machine>();
function operate(c: CheckedIsa, opcode: number, a: number, b: number, ccr = 0): { d0: number; ccr: number } {
  let m = machines.get(c);
  if (m === undefined) {
    m = boot(c, []);
    machines.set(c, m);
  }
  m.ram.write(CODE, 16, opcode);
  m.pc = CODE;
  set(m, 'D', a, 0);
  set(m, 'D', b, 1);
  set(m, 'CCR', ccr);
  expect(step(m)).toEqual({ kind: 'retired' });
  return { d0: get(m, 'D', 0), ccr: get(m, 'CCR') };
}

/** X N Z V C as the CCR holds them. */
const ccrOf = (f: { x: boolean; n: boolean; z: boolean; v: boolean; c: boolean }): number =>
  (Number(f.x) << 4) | (Number(f.n) << 3) | (Number(f.z) << 2) | (Number(f.v) << 1) | Number(f.c);

/**
 * The reference: arithmetic on integers (carry = the unsigned result out of range, overflow =
 * the signed result out of range), not the manual's bit formulas that the description uses.
 */
function reference(kind: 'add' | 'sub' | 'cmp' | 'neg', bits: number, a: number, b: number, x: boolean): { r: number; ccr: number } {
  const mod = 2 ** bits;
  const ua = a % mod;
  const ub = b % mod;
  const signed = (u: number): number => (u >= mod / 2 ? u - mod : u);
  let exact: number;
  let sexact: number;
  switch (kind) {
    case 'add': exact = ua + ub; sexact = signed(ua) + signed(ub); break;
    case 'sub': case 'cmp': exact = ua - ub; sexact = signed(ua) - signed(ub); break;
    case 'neg': exact = 0 - ua; sexact = 0 - signed(ua); break;
  }
  const r = ((exact % mod) + mod) % mod;
  const c = exact < 0 || exact >= mod;
  const v = sexact < -mod / 2 || sexact >= mod / 2;
  return { r, ccr: ccrOf({ x: kind === 'cmp' ? x : c, n: r >= mod / 2, z: r === 0, v, c }) };
}

/** Shifts one bit at a time, as the manual defines them (V: the msb changed at any time). */
function shiftReference(kind: 'asl' | 'asr' | 'lsl' | 'lsr', bits: number, a: number, count: number, x: boolean): { r: number; ccr: number } {
  const mod = 2n ** BigInt(bits);
  const top = mod / 2n;
  let v = BigInt(a >>> 0) % mod;
  const msb0 = v >= top;
  let c = false;
  let overflow = false;
  for (let i = 0; i < count; i++) {
    if (kind === 'asl' || kind === 'lsl') {
      c = v >= top;
      v = (v * 2n) % mod;
      if ((v >= top) !== msb0) overflow = true;
    } else {
      c = (v & 1n) === 1n;
      v = kind === 'asr' && v >= top ? v / 2n + top : v / 2n;
    }
  }
  return { r: Number(v), ccr: ccrOf({ x: count === 0 ? x : c, n: v >= top, z: v === 0n, v: kind === 'asl' && overflow, c }) };
}

describe('m68000 and m68010: condition codes against an independent reference', () => {
  const SIZES = [[8, 0], [16, 1], [32, 2]] as const; // bits, size field (00 01 10)
  const u32 = fc.oneof(fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff), fc.nat({ max: 0xffffffff }));

  it('ADD, SUB, CMP and NEG of data registers at every size', () => {
    for (const [, c] of BOTH) {
      fc.assert(fc.property(u32, u32, fc.boolean(), (a, b, x) => {
        for (const [bits, s] of SIZES) {
          const keep = (r: number): number => (bits === 32 ? r : ((a & ~(2 ** bits - 1)) | r) >>> 0);
          const ops = [['add', 0xd001], ['sub', 0x9001], ['cmp', 0xb001], ['neg', 0x4400]] as const;
          for (const [kind, base] of ops) {
            const opcode = base | (s << 6);
            const ref = reference(kind, bits, a, b, x);
            const got = operate(c, opcode, a, b, x ? 0x10 : 0);
            expect(got, `${kind} size ${bits} a=${a} b=${b}`).toEqual({ d0: kind === 'cmp' ? a : keep(ref.r), ccr: ref.ccr });
          }
        }
      }), { numRuns: 200 });
    }
  });

  it('ASL, ASR, LSL, LSR by a register count 0-63 at every size', () => {
    const kinds = [['asr', 0xe220], ['asl', 0xe320], ['lsr', 0xe228], ['lsl', 0xe328]] as const; // op d1, d0
    for (const [, c] of BOTH) {
      fc.assert(fc.property(u32, fc.nat({ max: 63 }), fc.boolean(), (a, count, x) => {
        for (const [bits, s] of SIZES) {
          for (const [kind, base] of kinds) {
            const ref = shiftReference(kind, bits, a, count, x);
            const keep = bits === 32 ? ref.r : ((a & ~(2 ** bits - 1)) | ref.r) >>> 0;
            expect(operate(c, base | (s << 6), a, count, x ? 0x10 : 0), `${kind} size ${bits} a=${a} count=${count}`)
              .toEqual({ d0: keep, ccr: ref.ccr });
          }
        }
      }), { numRuns: 200 });
    }
  });
});
