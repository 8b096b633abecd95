/**
 * The compiler: checked semantics (ir.ts) turned, once per body, into JavaScript closures — one
 * closure per node, with the width-specific operation chosen at compile time (a 32-bit `+` is
 * `(a(f) + b(f)) >>> 0`, a 64-bit one `BigInt.asUintN(64, a(f) + b(f))`), constants inlined and
 * state reads bound to their typed array and slot. The tree-walking Interpreter stays the
 * reference: a compiled body does exactly what `Interpreter.run` does — same order of evaluation,
 * same traps, halts and returns as status values in the same Interpreter (its `status`, `trap`,
 * `haltCode`, `nextPc`, `instruction`) — and test/semantics/compiler.test.ts checks that it does.
 * One difference that no guest can see: after a trap, the reference still evaluates the rest of
 * the statement's operands (which then have no effect); compiled code stops at once.
 *
 * Values follow values.ts inside compiled code too, with one exception kept internal: a function
 * returning 33..53 bits (riscv's `translate`, a 34-bit physical address) returns its value as an
 * exact JavaScript number, so that an address needs no bigint on the way to the bus. `call`
 * converts it back to a bigint for any other caller.
 */
import type { AccessKind, StateElement } from '../isa/model.js';
import type { Body, CheckedFunction, IStmt } from './ir.js';
import { Status, type Interpreter } from './interpreter.js';
import type { Bits } from './values.js';
import * as V from './values.js';
import { walkStmts } from './walk.js';
import type { TranslationCache } from './translation-cache.js';
import type { Frame } from './compiled-operators.js';
import { EXACT, ExpressionCompiler, exprStops, type CompiledFunction, type Linkage } from './compiled-expressions.js';

/** What the machine runs semantics with: the reference Interpreter, or its compiled form. */
export interface Executor {
  /** Run a body with the given frame (parameters first); Running on normal completion. */
  run(body: Body, frame: Bits[]): Status;
  /** Call a function by name; check the interpreter's `status` afterwards. */
  call(name: string, args: readonly Bits[]): Bits;
  /** Translate a virtual address (through `memory.translate`, or identity); check `status` afterwards. */
  translate(va: Bits, access: AccessKind): number;
}

type StmtFn = (f: Frame) => void;

/** The access code `translate` takes (its `access: 2` parameter): Fetch, Load, Store. */
const ACCESS_CODE: readonly AccessKind[] = ['fetch', 'load', 'store'];

const RUNNING = Status.Running;
const noop: StmtFn = () => {};

/** Can running `s` leave the status other than Running? */
function stmtStops(s: IStmt): boolean {
  let stops = false;
  walkStmts([s], {
    stmt: (x) => { if (x.k === 'trap' || x.k === 'halt' || x.k === 'return' || x.k === 'store' || x.k === 'storePhys') stops = true; },
    expr: (x) => { if (x.k === 'call' || x.k === 'load' || x.k === 'loadPhys') stops = true; },
  });
  return stops;
}

/**
 * The compiled semantics of one Interpreter's ISA, bound to its state store and bus. Bodies and
 * functions are compiled on first use and kept.
 */
export class CompiledSemantics implements Executor, Linkage {
  private readonly bodies = new Map<Body, StmtFn>();
  private readonly functions = new Map<string, CompiledFunction>();
  /** Functions being compiled, to refuse recursion (which would share a frame). */
  private readonly compiling = new Set<string>();
  /** The value of the last `return` (the reference's `retval`). */
  private readonly ret: { v: Bits } = { v: 0 };
  private readonly narrow: Uint32Array;
  private readonly wide: BigUint64Array;
  private readonly zeroTval: Bits;
  /** The ISA's translation per kind of access, made on first use. */
  private readonly translators: Partial<Record<AccessKind, (va: Bits) => number>> = {};
  private readonly expressions: ExpressionCompiler;

  /** @param cache translations kept between walks (a VMM's real machine), or null: walk every time */
  constructor(readonly interp: Interpreter, private readonly cache: TranslationCache | null = null) {
    this.narrow = interp.state.narrow;
    this.wide = interp.state.wide;
    this.zeroTval = V.literal(0n, interp.checked.isa.addressWidth);
    this.expressions = new ExpressionCompiler(this);
  }

  run(body: Body, frame: Bits[]): Status {
    this.interp.status = RUNNING;
    this.code(body)(frame);
    return this.settle();
  }

  /** A `return` ends only the body it is in. */
  private settle(): Status {
    const interp = this.interp;
    if (interp.status === Status.Return) interp.status = RUNNING;
    return interp.status;
  }

  /** `run` for one body, with the body's compiled form looked up once (for callers that run it often). */
  runner(body: Body): (frame: Bits[]) => Status {
    const interp = this.interp;
    const code = this.code(body);
    return (frame) => {
      interp.status = RUNNING;
      code(frame);
      return this.settle();
    };
  }

  /** The compiled form of `body` (compiled on first use). */
  private code(body: Body): StmtFn {
    let code = this.bodies.get(body);
    if (code === undefined) {
      code = this.block(body.stmts);
      this.bodies.set(body, code);
    }
    return code;
  }

  call(name: string, args: readonly Bits[]): Bits {
    const fn = this.fn(name);
    // Called after a trap or halt, the reference runs the body to no effect.
    if (this.interp.status !== RUNNING) return fn.numeric ? 0n : 0;
    for (let i = 0; i < args.length; i++) fn.frame[i] = args[i]!;
    const r = this.invoke(fn);
    return fn.numeric ? BigInt(V.toNumber(r)) : r;
  }

  translate(va: Bits, access: AccessKind): number {
    return this.translator(access)(va);
  }

  /** The ISA's translation for one kind of access, or the identity when it has none. */
  translator(access: AccessKind): (va: Bits) => number {
    let t = this.translators[access];
    if (t === undefined) {
      t = this.makeTranslator(access);
      this.translators[access] = t;
    }
    return t;
  }

  private makeTranslator(access: AccessKind): (va: Bits) => number {
    const name = this.interp.checked.isa.translate;
    if (name === null) return (va) => V.toNumber(va);
    const fn = this.fn(name);
    const { frame } = fn;
    const code = ACCESS_CODE.indexOf(access);
    const interp = this.interp;
    const walk = (va: Bits): number => {
      if (interp.status !== RUNNING) return 0;
      frame[0] = va;
      frame[1] = code;
      return V.toNumber(this.invoke(fn));
    };
    if (this.cache === null) return walk;
    const cached = this.cache.wrap(access, walk, () => interp.status === RUNNING);
    return (va) => (interp.status === RUNNING ? cached(V.toNumber(va)) : 0);
  }

  /** Run a function whose frame holds its arguments; its return value (0 when none). */
  invoke(fn: CompiledFunction): Bits {
    fn.body(fn.frame);
    this.settle();
    const r = this.ret.v;
    this.ret.v = 0;
    return r;
  }

  fn(name: string): CompiledFunction {
    const known = this.functions.get(name);
    if (known !== undefined) return known;
    const f: CheckedFunction | undefined = this.interp.checked.functions.get(name);
    if (f === undefined) throw new Error(`no function '${name}'`);
    if (this.compiling.has(name)) throw new Error(`function '${name}' is recursive`);
    this.compiling.add(name);
    const numeric = f.returns !== null && f.returns > V.NARROW && f.returns <= EXACT;
    const compiled: CompiledFunction = { frame: new Array<Bits>(Math.max(1, f.body.frameSize)), body: this.block(f.body.stmts, numeric), numeric };
    this.compiling.delete(name);
    this.functions.set(name, compiled);
    return compiled;
  }

  // ------------------------------------------------------------------ statements

  /** `numeric`: the block belongs to a function returning an exact number (see `fn`). */
  private block(stmts: readonly IStmt[], numeric = false): StmtFn {
    const interp = this.interp;
    const fns = stmts.map((s) => this.stmt(s, numeric));
    const stops = stmts.map(stmtStops);
    if (fns.length === 0) return noop;
    if (fns.length === 1) return fns[0]!;
    if (fns.length === 2) {
      const [a, b] = [fns[0]!, fns[1]!];
      return stops[0] ? (f) => { a(f); if (interp.status === RUNNING) b(f); } : (f) => { a(f); b(f); };
    }
    return (f) => {
      for (let i = 0; i < fns.length; i++) {
        fns[i]!(f);
        if (stops[i] && interp.status !== RUNNING) return;
      }
    };
  }

  private stmt(s: IStmt, numeric: boolean): StmtFn {
    const interp = this.interp;
    const { narrow, wide } = this;
    switch (s.k) {
      case 'setLocal': {
        const { slot } = s;
        const e = this.expressions.bits(s.e);
        if (!exprStops(s.e)) return (f) => { f[slot] = e(f); };
        return (f) => { const v = e(f); if (interp.status === RUNNING) f[slot] = v; };
      }
      case 'setReg': {
        const { slot } = s.elem;
        const check = exprStops(s.e);
        if (s.elem.wide) {
          const e = this.expressions.big(s.e);
          return (f) => { const v = e(f); if (!check || interp.status === RUNNING) wide[slot] = v; };
        }
        const e = this.expressions.num(s.e);
        if (!check) return (f) => { narrow[slot] = e(f); };
        return (f) => { const v = e(f); if (interp.status === RUNNING) narrow[slot] = v; };
      }
      case 'setField': {
        const { elem, hi, lo } = s;
        const check = exprStops(s.e);
        if (elem.wide) {
          const e = this.expressions.bits(s.e);
          const { slot } = elem;
          return (f) => {
            const v = e(f);
            if (!check || interp.status === RUNNING) wide[slot] = V.toBigInt(V.deposit(elem.width, wide[slot]!, hi, lo, v));
          };
        }
        // Bits hi..lo of the register replaced by the field's value (values.ts `deposit`).
        const e = this.expressions.num(s.e);
        const { slot } = elem;
        const m = hi - lo + 1 === 32 ? -1 : ((1 << (hi - lo + 1)) - 1) << lo;
        return (f) => {
          const v = e(f);
          if (!check || interp.status === RUNNING) narrow[slot] = (narrow[slot]! & ~m) | ((v << lo) & m);
        };
      }
      case 'setFile': {
        const { elem } = s;
        const { count } = elem;
        const e = this.expressions.bits(s.e);
        const check = exprStops(s.index) || exprStops(s.e);
        const write = this.fileWriter(elem);
        const outside = (i: number): never => { throw new Error(`${elem.name}[${i}] is outside the file (${count} elements)`); };
        if (s.index.k === 'local' && !check) {
          // The common `X[rd] = ...`: the index straight from the frame.
          const slot = s.index.slot;
          return (f) => {
            const i = V.toNumber(f[slot]!);
            const v = e(f);
            if (i >= count) outside(i);
            write(i, v);
          };
        }
        const index = this.expressions.address(s.index);
        return (f) => {
          const i = index(f);
          const v = e(f);
          if (check && interp.status !== RUNNING) return;
          if (i >= count) outside(i);
          write(i, v);
        };
      }
      case 'setPc': {
        const e = this.expressions.bits(s.e);
        const check = exprStops(s.e);
        return (f) => { const v = e(f); if (!check || interp.status === RUNNING) interp.nextPc = v; };
      }
      case 'if': {
        const c = this.expressions.cond(s.c);
        const then = this.block(s.then, numeric);
        const otherwise = this.block(s.else, numeric);
        if (!exprStops(s.c)) return (f) => { if (c(f)) then(f); else otherwise(f); };
        return (f) => {
          const t = c(f);
          if (interp.status !== RUNNING) return;
          if (t) then(f); else otherwise(f);
        };
      }
      case 'match': {
        const subject = this.expressions.bits(s.subject);
        // The first arm listing a value wins, as in the reference's search.
        const arms = new Map<Bits, StmtFn>();
        for (const arm of s.arms) {
          const body = this.block(arm.body, numeric);
          for (const v of arm.values) if (!arms.has(v)) arms.set(v, body);
        }
        const otherwise = s.otherwise === null ? noop : this.block(s.otherwise, numeric);
        return (f) => {
          const v = subject(f);
          if (interp.status !== RUNNING) return;
          (arms.get(v) ?? otherwise)(f);
        };
      }
      case 'for': {
        const { slot, from, to } = s;
        const values = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => V.literal(BigInt(from + i), s.w));
        const body = this.block(s.body, numeric);
        return (f) => {
          for (let i = 0; i < values.length && interp.status === RUNNING; i++) {
            f[slot] = values[i]!;
            body(f);
          }
        };
      }
      case 'trap': {
        const { cause } = s;
        if (s.value === null) {
          const tval = this.zeroTval;
          return () => { if (interp.status === RUNNING) interp.raise(cause, tval); };
        }
        const e = this.expressions.bits(s.value);
        return (f) => { const v = e(f); if (interp.status === RUNNING) interp.raise(cause, v); };
      }
      case 'halt': {
        const e = this.expressions.bits(s.code);
        return (f) => {
          const v = e(f);
          if (interp.status !== RUNNING) return;
          interp.haltCode = V.toNumber(v);
          interp.status = Status.Halt;
        };
      }
      case 'return': {
        const ret = this.ret;
        const e: ((f: Frame) => Bits) | null = s.e === null ? null : numeric ? this.expressions.address(s.e) : this.expressions.bits(s.e);
        return (f) => {
          const v = e === null ? 0 : e(f);
          if (interp.status !== RUNNING) return;
          ret.v = v;
          interp.status = Status.Return;
        };
      }
      case 'eval': {
        const e = this.expressions.bits(s.e);
        return (f) => { e(f); };
      }
      case 'store': {
        const { w } = s;
        const addr = this.expressions.bits(s.addr);
        const e = this.expressions.bits(s.e);
        const fault = interp.checked.isa.accessFault.store;
        const bus = interp.bus;
        const translate = this.translator('store');
        return (f) => {
          const va = addr(f);
          const v = e(f);
          if (interp.status !== RUNNING) return;
          const pa = translate(va);
          if (interp.status !== RUNNING) return;
          if (!bus.write(pa, w, v, 'store')) interp.raise(fault, va);
        };
      }
      case 'storePhys': {
        const { w, access } = s;
        const addr = this.expressions.address(s.addr);
        const e = this.expressions.bits(s.e);
        const fault = interp.checked.isa.accessFault[access];
        const bus = interp.bus;
        const tval = this.expressions.addressValue(s.addr);
        return (f) => {
          const pa = addr(f);
          const v = e(f);
          if (interp.status !== RUNNING) return;
          if (!bus.write(pa, w, v, access)) interp.raise(fault, tval(f, pa));
        };
      }
      default:
        return exhaustive(s);
    }
  }

  /** Write element `i` of a register file, dropping writes to its hard-wired zeros (`writeReg`). */
  private fileWriter(elem: StateElement): (i: number, v: Bits) => void {
    const { narrow, wide } = this;
    const base = elem.slot;
    const zero = elem.zero;
    if (elem.wide) return (i, v) => { if (!zero.includes(i)) wide[base + i] = V.toBigInt(v); };
    if (zero.length === 0) return (i, v) => { narrow[base + i] = V.toNumber(v); };
    if (zero.length === 1) {
      const z = zero[0]!;
      return (i, v) => { if (i !== z) narrow[base + i] = V.toNumber(v); };
    }
    return (i, v) => { if (!zero.includes(i)) narrow[base + i] = V.toNumber(v); };
  }
}

function exhaustive(x: never): never {
  throw new Error(`unhandled node ${JSON.stringify(x)}`);
}
