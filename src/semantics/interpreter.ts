/**
 * Runs checked semantics (ir.ts) against a machine state. Traps and halts are values, never
 * exceptions: a body ends with a Status and, for a trap, the cause and trap value in `trap`.
 * Translation (`load`, `store`) goes through the ISA's `translate` function, then physical
 * memory; a physical access where nothing is mapped raises the ISA's access-fault cause.
 */
import type { AccessKind, Cause, StateElement } from '../isa/model.js';
import type { CheckedIsa } from './check-isa.js';
import type { Body, IExpr, IStmt } from './ir.js';
import { arith, compare } from './operators.js';
import * as V from './values.js';
import type { Bits } from './values.js';

/** Architectural state storage: slots of width ≤ 32 bits in `narrow`, wider ones in `wide`. */
export interface StateStore {
  readonly narrow: Uint32Array;
  readonly wide: BigUint64Array;
}

/** Physical memory and devices as the semantics see them. Addresses are in memory units. */
export interface PhysicalBus {
  /** Read `bits` (a multiple of the unit) at `pa`; null where nothing is mapped. */
  read(pa: number, bits: number, access: AccessKind): Bits | null;
  /** Write; false where nothing is mapped (or the target refuses writes). */
  write(pa: number, bits: number, value: Bits, access: AccessKind): boolean;
}

/**
 * A bus that wants to know where each read of the semantics comes from: the `call` nodes that
 * reached it from the body being run (outermost first) and the `load` node itself. The audit's
 * storage keys its contents by that site (check/sites.ts); the machine's buses never ask.
 */
export interface SiteBus extends PhysicalBus {
  readAt(pa: number, bits: number, access: AccessKind, calls: readonly IExpr[], load: IExpr): Bits | null;
}

function isSiteBus(bus: PhysicalBus): bus is SiteBus {
  return 'readAt' in bus;
}

export const enum Status {
  Running = 0,
  Trap = 1,
  Halt = 2,
  Return = 3,
}

export interface PendingTrap {
  cause: Cause;
  tval: Bits;
}

const ACCESS_CODE: readonly AccessKind[] = ['fetch', 'load', 'store'];

export class Interpreter {
  status: Status = Status.Running;
  /** Set when status is Trap. */
  readonly trap: PendingTrap;
  /** Set when status is Halt. */
  haltCode = 0;
  /** The pc a completed instruction continues at (set by `pc = ...`). */
  nextPc: Bits = 0;
  /** The word of the instruction being executed. */
  instruction: Bits = 0;
  private retval: Bits = 0;
  private readonly zeroTval: Bits;
  /** The bus, when it is a SiteBus; then `calls` holds the calls being made, outermost first. */
  private readonly sited: SiteBus | null;
  private readonly calls: IExpr[] = [];

  constructor(
    readonly checked: CheckedIsa,
    readonly state: StateStore,
    readonly bus: PhysicalBus,
  ) {
    this.zeroTval = V.literal(0n, checked.isa.addressWidth);
    this.trap = { cause: [...checked.isa.causes.values()][0]!, tval: this.zeroTval };
    this.sited = isSiteBus(bus) ? bus : null;
  }

  /** Clear the status before calling `translate` or `call` directly. */
  begin(): void {
    this.status = Status.Running;
  }

  /** Run a body with the given frame (parameters first); returns Running on normal completion. */
  run(body: Body, frame: Bits[]): Status {
    this.status = Status.Running;
    this.block(body.stmts, frame);
    return this.settle();
  }

  /** A `return` ends only the body it is in. */
  private settle(): Status {
    if (this.status === Status.Return) this.status = Status.Running;
    return this.status;
  }

  /** Call a function by name (e.g. `translate`); check `status` afterwards. */
  call(name: string, args: readonly Bits[]): Bits {
    const fn = this.checked.functions.get(name)!;
    const frame: Bits[] = new Array<Bits>(fn.body.frameSize);
    for (let i = 0; i < args.length; i++) frame[i] = args[i]!;
    this.block(fn.body.stmts, frame);
    this.settle();
    const r = this.retval;
    this.retval = 0;
    return r;
  }

  /** Translate a virtual address (through `memory.translate`, or identity); check `status` afterwards. */
  translate(va: Bits, access: AccessKind): number {
    const isa = this.checked.isa;
    if (isa.translate === null) return V.toNumber(va);
    return V.toNumber(this.call(isa.translate, [va, ACCESS_CODE.indexOf(access)]));
  }

  readReg(elem: StateElement, index = 0): Bits {
    if (elem.isFile && elem.zero.length > 0 && elem.zero.includes(index)) return elem.wide ? 0n : 0;
    return elem.wide ? this.state.wide[elem.slot + index]! : this.state.narrow[elem.slot + index]!;
  }

  writeReg(elem: StateElement, value: Bits, index = 0): void {
    if (elem.isFile && elem.zero.length > 0 && elem.zero.includes(index)) return;
    if (elem.wide) this.state.wide[elem.slot + index] = V.toBigInt(value);
    else this.state.narrow[elem.slot + index] = value as number;
  }

  raise(cause: Cause, tval: Bits): void {
    this.status = Status.Trap;
    this.trap.cause = cause;
    this.trap.tval = tval;
  }

  private block(stmts: readonly IStmt[], frame: Bits[]): void {
    for (let i = 0; i < stmts.length; i++) {
      this.stmt(stmts[i]!, frame);
      if (this.status !== Status.Running) return;
    }
  }

  private stmt(s: IStmt, f: Bits[]): void {
    switch (s.k) {
      case 'setLocal': {
        const v = this.eval(s.e, f);
        if (this.status === Status.Running) f[s.slot] = v;
        return;
      }
      case 'setReg': {
        const v = this.eval(s.e, f);
        if (this.status === Status.Running) this.writeReg(s.elem, v);
        return;
      }
      case 'setField': {
        const v = this.eval(s.e, f);
        if (this.status === Status.Running) this.writeReg(s.elem, V.deposit(s.elem.width, this.readReg(s.elem), s.hi, s.lo, v));
        return;
      }
      case 'setFile': {
        const i = V.toNumber(this.eval(s.index, f));
        const v = this.eval(s.e, f);
        if (this.status !== Status.Running) return;
        if (i >= s.elem.count) throw new Error(`${s.elem.name}[${i}] is outside the file (${s.elem.count} elements)`);
        this.writeReg(s.elem, v, i);
        return;
      }
      case 'setPc': {
        const v = this.eval(s.e, f);
        if (this.status === Status.Running) this.nextPc = v;
        return;
      }
      case 'if':
        if (V.truthy(this.eval(s.c, f))) this.block(s.then, f);
        else if (this.status === Status.Running) this.block(s.else, f);
        return;
      case 'match': {
        const v = this.eval(s.subject, f);
        if (this.status !== Status.Running) return;
        for (const arm of s.arms) {
          if (arm.values.includes(v)) return this.block(arm.body, f);
        }
        if (s.otherwise) this.block(s.otherwise, f);
        return;
      }
      case 'for':
        for (let i = s.from; i <= s.to && this.status === Status.Running; i++) {
          f[s.slot] = V.literal(BigInt(i), s.w);
          this.block(s.body, f);
        }
        return;
      case 'trap': {
        const v = s.value === null ? this.zeroTval : this.eval(s.value, f);
        if (this.status === Status.Running) this.raise(s.cause, v);
        return;
      }
      case 'halt': {
        const v = this.eval(s.code, f);
        if (this.status !== Status.Running) return;
        this.haltCode = V.toNumber(v);
        this.status = Status.Halt;
        return;
      }
      case 'return': {
        const v = s.e === null ? 0 : this.eval(s.e, f);
        if (this.status !== Status.Running) return;
        this.retval = v;
        this.status = Status.Return;
        return;
      }
      case 'eval':
        this.eval(s.e, f);
        return;
      case 'store': {
        const va = this.eval(s.addr, f);
        const v = this.eval(s.e, f);
        if (this.status !== Status.Running) return;
        const pa = this.translate(va, 'store');
        if (this.status !== Status.Running) return;
        if (!this.bus.write(pa, s.w, v, 'store')) this.raise(this.checked.isa.accessFault.store, va);
        return;
      }
      case 'storePhys': {
        const pa = this.eval(s.addr, f);
        const v = this.eval(s.e, f);
        if (this.status !== Status.Running) return;
        if (!this.bus.write(V.toNumber(pa), s.w, v, s.access)) this.raise(this.checked.isa.accessFault[s.access], this.addressValue(pa));
        return;
      }
      default:
        exhaustive(s);
    }
  }

  /** A physical address as a trap value (addressWidth bits). */
  private addressValue(pa: Bits): Bits {
    return V.fromBigInt(V.toBigInt(pa), this.checked.isa.addressWidth);
  }

  eval(e: IExpr, f: Bits[]): Bits {
    switch (e.k) {
      case 'const': return e.v;
      case 'local': return f[e.slot]!;
      case 'instruction': return this.instruction;
      case 'reg': return e.elem.wide ? this.state.wide[e.elem.slot]! : this.state.narrow[e.elem.slot]!;
      case 'file': {
        const i = V.toNumber(this.eval(e.index, f));
        if (i >= e.elem.count) throw new Error(`${e.elem.name}[${i}] is outside the file (${e.elem.count} elements)`);
        return this.readReg(e.elem, i);
      }
      case 'slice': return V.slice(e.e.w, this.eval(e.e, f), e.hi, e.lo);
      case 'not': return V.not(e.w, this.eval(e.e, f));
      case 'neg': return V.neg(e.w, this.eval(e.e, f));
      case 'arith': return arith(e.op, e.w, this.eval(e.a, f), this.eval(e.b, f));
      case 'compare': return compare(e.op, e.a.w, this.eval(e.a, f), this.eval(e.b, f)) ? 1 : 0;
      case 'logic': {
        const a = V.truthy(this.eval(e.a, f));
        if (e.op === '&&' ? !a : a) return a ? 1 : 0;
        return V.truthy(this.eval(e.b, f)) ? 1 : 0;
      }
      case 'cond': return V.truthy(this.eval(e.c, f)) ? this.eval(e.a, f) : this.eval(e.b, f);
      case 'ext': {
        const v = this.eval(e.e, f);
        return e.signed ? V.sext(e.e.w, e.w, v) : V.zext(e.e.w, e.w, v);
      }
      case 'concat': return V.concat(e.w, e.parts.map((p) => this.eval(p, f)), e.parts.map((p) => p.w));
      case 'sdiv': return V.sdiv(e.w, this.eval(e.a, f), this.eval(e.b, f));
      case 'srem': return V.srem(e.w, this.eval(e.a, f), this.eval(e.b, f));
      case 'call': {
        const args = e.args.map((a) => this.eval(a, f));
        if (this.status !== Status.Running) return 0;
        if (this.sited === null) return this.call(e.fn, args);
        this.calls.push(e);
        const r = this.call(e.fn, args);
        this.calls.pop();
        return r;
      }
      case 'load': {
        const va = this.eval(e.addr, f);
        if (this.status !== Status.Running) return 0;
        const pa = this.translate(va, 'load');
        if (this.status !== Status.Running) return 0;
        return this.read(pa, e.w, 'load', va, e);
      }
      case 'loadPhys': {
        const pa = this.eval(e.addr, f);
        if (this.status !== Status.Running) return 0;
        return this.read(V.toNumber(pa), e.w, e.access, this.addressValue(pa), e);
      }
      default:
        return exhaustive(e);
    }
  }

  private read(pa: number, w: number, access: AccessKind, tval: Bits, load: IExpr): Bits {
    const v = this.sited === null ? this.bus.read(pa, w, access) : this.sited.readAt(pa, w, access, this.calls, load);
    if (v !== null) return v;
    this.raise(this.checked.isa.accessFault[access], tval);
    return w <= V.NARROW ? 0 : 0n;
  }
}

function exhaustive(x: never): never {
  throw new Error(`unhandled node ${JSON.stringify(x)}`);
}
