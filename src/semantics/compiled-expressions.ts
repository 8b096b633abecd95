/**
 * Expressions of checked semantics compiled to closures (see compiler.ts): a value of at most 32
 * bits as a `(frame) => number`, a wider one as a `(frame) => bigint`, a condition as a
 * `(frame) => boolean`, each evaluating its operands in the reference interpreter's order.
 */
import type { AccessKind, StateElement } from '../isa/model.js';
import type { ArithOp, IExpr } from './ir.js';
import { Status, type Interpreter } from './interpreter.js';
import type { Bits } from './values.js';
import * as V from './values.js';
import { walkExpr } from './walk.js';
import * as O from './compiled-operators.js';
import type { BigFn, BoolFn, Frame, NumFn } from './compiled-operators.js';

/** A compiled function: its own frame (functions are never recursive, check-isa.ts) and body. */
export interface CompiledFunction {
  readonly frame: Bits[];
  readonly body: (f: Frame) => void;
  /** Returns 33..53 bits as an exact number (see compiler.ts). */
  readonly numeric: boolean;
}

/** What compiled expressions need of the program around them. */
export interface Linkage {
  readonly interp: Interpreter;
  /** Function `name`, compiled on first use. */
  fn(name: string): CompiledFunction;
  /** Run a function whose frame holds its arguments; its return value. */
  invoke(fn: CompiledFunction): Bits;
  /** The ISA's translation for one kind of access. */
  translator(access: AccessKind): (va: Bits) => number;
}

/** Widths up to this are exact as JavaScript numbers. */
export const EXACT = 53;

const RUNNING = Status.Running;

/** Does evaluating `e` possibly change the status (a trap in a call or an access)? */
export function exprStops(e: IExpr): boolean {
  let stops = false;
  walkExpr(e, { expr: (x) => { if (x.k === 'call' || x.k === 'load' || x.k === 'loadPhys') stops = true; } });
  return stops;
}

/** Compiles the expressions of one program (compiler.ts's CompiledSemantics), bound to its state. */
export class ExpressionCompiler {
  private readonly narrow: Uint32Array;
  private readonly wide: BigUint64Array;

  constructor(private readonly link: Linkage) {
    this.narrow = link.interp.state.narrow;
    this.wide = link.interp.state.wide;
  }

  bits(e: IExpr): (f: Frame) => Bits {
    return e.w <= V.NARROW ? this.num(e) : this.big(e);
  }

  /** A condition (1 bit) as a boolean. */
  cond(e: IExpr): BoolFn {
    switch (e.k) {
      case 'compare':
        if (e.a.w > V.NARROW) return O.compareBig(e.op, e.a.w, this.big(e.a), this.big(e.b));
        if (e.b.k === 'const') return O.compareNumberWith(e.op, e.a.w, this.num(e.a), V.toNumber(e.b.v));
        return O.compareNumber(e.op, e.a.w, this.num(e.a), this.num(e.b));
      case 'logic': {
        const a = this.cond(e.a);
        const b = this.cond(e.b);
        return e.op === '&&' ? (f) => a(f) && b(f) : (f) => a(f) || b(f);
      }
      case 'not':
        if (e.w === 1) {
          const a = this.cond(e.e);
          return (f) => !a(f);
        }
        break;
      default:
        break;
    }
    const x = this.num(e);
    return (f) => x(f) !== 0;
  }

  /** An expression of at most 32 bits, as a number. */
  num(e: IExpr): NumFn {
    const interp = this.link.interp;
    const { narrow } = this;
    if (e.w > V.NARROW) throw new Error(`compiler: a ${e.w}-bit ${e.k} where at most 32 bits were expected`);
    switch (e.k) {
      case 'const': {
        const v = V.toNumber(e.v);
        return () => v;
      }
      case 'instruction': return () => V.toNumber(interp.instruction);
      case 'local': {
        const { slot } = e;
        return (f) => V.toNumber(f[slot]!);
      }
      case 'reg': {
        const { slot } = e.elem;
        return () => narrow[slot]!;
      }
      case 'file': return this.fileNumber(e.elem, e.index);
      case 'slice': {
        if (e.e.w > V.NARROW) return O.sliceBigToNumber(e.hi, e.lo, this.big(e.e));
        if (e.e.k === 'reg' && e.w < 32) {
          // A field of a register (`mstatus.MPRV`) read straight from the state.
          const { slot } = e.e.elem;
          const { lo } = e;
          const m = 2 ** e.w - 1;
          return () => (narrow[slot]! >>> lo) & m;
        }
        return O.sliceNumber(e.hi, e.lo, this.num(e.e));
      }
      case 'not': {
        if (e.w === 1) {
          const c = this.cond(e.e);
          return (f) => (c(f) ? 0 : 1);
        }
        const a = this.num(e.e);
        const m = 2 ** e.w - 1;
        return e.w === 32 ? (f) => ~a(f) >>> 0 : (f) => ~a(f) & m;
      }
      case 'neg': {
        const a = this.num(e.e);
        const m = 2 ** e.w - 1;
        return e.w === 32 ? (f) => -a(f) >>> 0 : (f) => -a(f) & m;
      }
      case 'arith': return O.arithNumber(e.op, e.w, this.num(e.a), isShift(e.op) ? this.amountNum(e.b) : this.num(e.b));
      case 'compare':
      case 'logic': {
        const c = this.cond(e);
        return (f) => (c(f) ? 1 : 0);
      }
      case 'cond': {
        const c = this.cond(e.c);
        const a = this.num(e.a);
        const b = this.num(e.b);
        return (f) => (c(f) ? a(f) : b(f));
      }
      // A zero extension within 32 bits changes nothing.
      case 'ext': return e.signed ? O.sextNumber(e.e.w, e.w, this.num(e.e)) : this.num(e.e);
      case 'concat': return O.concatNumber(e.parts.map((p) => p.w), e.parts.map((p) => this.num(p)));
      case 'sdiv':
      case 'srem': return O.signedNumber(e.k, e.w, this.num(e.a), this.num(e.b));
      case 'call': {
        const call = this.callSite(e);
        return (f) => V.toNumber(call(f));
      }
      case 'load': {
        const load = this.load(e);
        return (f) => V.toNumber(load(f));
      }
      case 'loadPhys': {
        const load = this.loadPhys(e);
        return (f) => V.toNumber(load(f));
      }
      default:
        return exhaustive(e);
    }
  }

  /** A shift amount for a ≤ 32-bit shift, of whatever width, as a number (amounts past 64 shift everything out alike). */
  private amountNum(e: IExpr): NumFn {
    if (e.w <= V.NARROW) return this.num(e);
    const n = this.big(e);
    return (f) => { const v = n(f); return v > 64n ? 64 : Number(v); };
  }

  /** A shift amount for a 33..64-bit shift, of whatever width, as a bigint. */
  private amountBig(e: IExpr): BigFn {
    if (e.w > V.NARROW) return this.big(e);
    const n = this.num(e);
    return (f) => BigInt(n(f));
  }

  /** An expression of 33..64 bits, as a bigint. */
  big(e: IExpr): BigFn {
    const interp = this.link.interp;
    const { wide } = this;
    if (e.w <= V.NARROW) throw new Error(`compiler: a ${e.w}-bit ${e.k} where more than 32 bits were expected`);
    switch (e.k) {
      case 'const': {
        const v = V.toBigInt(e.v);
        return () => v;
      }
      case 'instruction': return () => V.toBigInt(interp.instruction);
      case 'local': {
        const { slot } = e;
        return (f) => V.toBigInt(f[slot]!);
      }
      case 'reg': {
        const { slot } = e.elem;
        return () => wide[slot]!;
      }
      case 'file': return this.fileBig(e.elem, e.index);
      case 'slice': return O.sliceBig(e.hi, e.lo, this.big(e.e));
      case 'not': {
        const a = this.big(e.e);
        const w = e.w;
        return (f) => BigInt.asUintN(w, ~a(f));
      }
      case 'neg': {
        const a = this.big(e.e);
        const w = e.w;
        return (f) => BigInt.asUintN(w, -a(f));
      }
      case 'arith': return O.arithBig(e.op, e.w, this.big(e.a), isShift(e.op) ? this.amountBig(e.b) : this.big(e.b));
      case 'compare':
      case 'logic': throw new Error('compiler: a condition is 1 bit wide');
      case 'cond': {
        const c = this.cond(e.c);
        const a = this.big(e.a);
        const b = this.big(e.b);
        return (f) => (c(f) ? a(f) : b(f));
      }
      case 'ext': {
        if (e.e.w > V.NARROW) return e.signed ? O.sextBig(e.e.w, e.w, this.big(e.e)) : this.big(e.e);
        if (e.signed) return O.sextNumberToBig(e.e.w, e.w, this.num(e.e));
        const a = this.num(e.e);
        return (f) => BigInt(a(f));
      }
      case 'concat': {
        // Narrow parts that fit a number exactly are combined as one, then made a bigint once.
        if (e.w <= EXACT && e.parts.every((p) => p.w <= V.NARROW)) {
          const v = O.concatNumber(e.parts.map((p) => p.w), e.parts.map((p) => this.num(p)));
          return (f) => BigInt(v(f));
        }
        return O.concatBig(e.parts.map((p) => p.w), e.parts.map((p) => this.bits(p)));
      }
      case 'sdiv':
      case 'srem': return O.signedBig(e.k, e.w, this.big(e.a), this.big(e.b));
      case 'call': {
        const call = this.callSite(e);
        if (this.link.fn(e.fn).numeric) return (f) => BigInt(V.toNumber(call(f)));
        return (f) => V.toBigInt(call(f));
      }
      case 'load': {
        const load = this.load(e);
        return (f) => V.toBigInt(load(f));
      }
      case 'loadPhys': {
        const load = this.loadPhys(e);
        return (f) => V.toBigInt(load(f));
      }
      default:
        return exhaustive(e);
    }
  }

  /**
   * A value used as a number — an address, a file index — exact when it has at most 53 bits, and
   * made without a bigint for a zero extension, a concatenation of narrow parts, or a function
   * returning an exact number; wider, `toNumber` of its value (the reference's conversion).
   */
  address(e: IExpr): NumFn {
    if (e.w <= V.NARROW) return this.num(e);
    if (e.w <= EXACT) {
      if (e.k === 'ext' && !e.signed && e.e.w <= V.NARROW) return this.num(e.e);
      if (e.k === 'concat' && e.parts.every((p) => p.w <= V.NARROW)) {
        return O.concatNumber(e.parts.map((p) => p.w), e.parts.map((p) => this.num(p)));
      }
      if (e.k === 'call' && this.link.fn(e.fn).numeric) {
        const call = this.callSite(e);
        return (f) => V.toNumber(call(f));
      }
    }
    const x = this.big(e);
    return (f) => Number(x(f));
  }

  /** A trap value for physical address `pa` (the reference's `addressValue`, addressWidth bits). */
  addressValue(addr: IExpr): (f: Frame, pa: number) => Bits {
    const w = this.link.interp.checked.isa.addressWidth;
    if (addr.w <= EXACT) return (_f, pa) => V.fromBigInt(BigInt(pa), w);
    // Wider than a number holds exactly: evaluate the address again for its exact value (on a fault only).
    const exact = this.big(addr);
    return (f) => V.fromBigInt(exact(f), w);
  }

  /** Element `index` of a narrow register file; a hard-wired zero reads 0 (`readReg`). */
  private fileNumber(elem: StateElement, indexExpr: IExpr): NumFn {
    const { narrow } = this;
    const { slot, count, zero } = elem;
    const outside = (i: number): never => { throw new Error(`${elem.name}[${i}] is outside the file (${count} elements)`); };
    if (zero.length > 1) {
      const index = this.address(indexExpr);
      return (f) => { const i = index(f); return i >= count ? outside(i) : zero.includes(i) ? 0 : narrow[slot + i]!; };
    }
    // No hard-wired zero: an index no file has.
    const z = zero.length === 1 ? zero[0]! : -1;
    if (indexExpr.k === 'local') {
      // The common `X[rs1]`: the index straight from the frame.
      const at = indexExpr.slot;
      return (f) => { const i = V.toNumber(f[at]!); return i >= count ? outside(i) : i === z ? 0 : narrow[slot + i]!; };
    }
    const index = this.address(indexExpr);
    return (f) => { const i = index(f); return i >= count ? outside(i) : i === z ? 0 : narrow[slot + i]!; };
  }

  /** Element `index` of a wide register file. */
  private fileBig(elem: StateElement, indexExpr: IExpr): BigFn {
    const { wide } = this;
    const index = this.address(indexExpr);
    const { slot, count, zero } = elem;
    return (f) => {
      const i = index(f);
      if (i >= count) throw new Error(`${elem.name}[${i}] is outside the file (${count} elements)`);
      return zero.includes(i) ? 0n : wide[slot + i]!;
    };
  }

  /** A call: arguments in order, then (if nothing trapped) the function; its raw return value. */
  private callSite(e: IExpr & { k: 'call' }): (f: Frame) => Bits {
    const link = this.link;
    const interp = link.interp;
    const fn = this.link.fn(e.fn);
    const { frame } = fn;
    const args = e.args.map((a) => this.bits(a));
    const zero: Bits = e.w <= V.NARROW ? 0 : 0n;
    // Arguments are all evaluated before the frame is filled: an argument may call the same function.
    switch (args.length) {
      case 0: return () => (interp.status !== RUNNING ? zero : link.invoke(fn));
      case 1: {
        const a0 = args[0]!;
        return (f) => {
          const v0 = a0(f);
          if (interp.status !== RUNNING) return zero;
          frame[0] = v0;
          return link.invoke(fn);
        };
      }
      case 2: {
        const [a0, a1] = [args[0]!, args[1]!];
        return (f) => {
          const v0 = a0(f);
          const v1 = a1(f);
          if (interp.status !== RUNNING) return zero;
          frame[0] = v0;
          frame[1] = v1;
          return link.invoke(fn);
        };
      }
      default:
        return (f) => {
          const vs = args.map((a) => a(f));
          if (interp.status !== RUNNING) return zero;
          for (let i = 0; i < vs.length; i++) frame[i] = vs[i]!;
          return link.invoke(fn);
        };
    }
  }

  /** `load(addr, w)`: translate (access load), then the bus; a refused read is the load access fault. */
  private load(e: IExpr & { k: 'load' }): (f: Frame) => Bits {
    const interp = this.link.interp;
    const { w } = e;
    const addr = this.bits(e.addr);
    const fault = interp.checked.isa.accessFault.load;
    const bus = interp.bus;
    const zero: Bits = w <= V.NARROW ? 0 : 0n;
    const translate = this.link.translator('load');
    return (f) => {
      const va = addr(f);
      if (interp.status !== RUNNING) return zero;
      const pa = translate(va);
      if (interp.status !== RUNNING) return zero;
      const v = bus.read(pa, w, 'load');
      if (v !== null) return v;
      interp.raise(fault, va);
      return zero;
    };
  }

  /** `loadPhys(addr, w, access)`: the bus at a physical address; a refused read is `access`'s fault. */
  private loadPhys(e: IExpr & { k: 'loadPhys' }): (f: Frame) => Bits {
    const interp = this.link.interp;
    const { w, access } = e;
    const addr = this.address(e.addr);
    const tval = this.addressValue(e.addr);
    const fault = interp.checked.isa.accessFault[access];
    const bus = interp.bus;
    const zero: Bits = w <= V.NARROW ? 0 : 0n;
    return (f) => {
      const pa = addr(f);
      if (interp.status !== RUNNING) return zero;
      const v = bus.read(pa, w, access);
      if (v !== null) return v;
      interp.raise(fault, tval(f, pa));
      return zero;
    };
  }
}

function exhaustive(x: never): never {
  throw new Error(`unhandled node ${JSON.stringify(x)}`);
}

/** The shift operators take an amount of any width (docs/description-format.md). */
function isShift(op: ArithOp): boolean {
  return op === '<<' || op === '>>' || op === '>>>';
}
