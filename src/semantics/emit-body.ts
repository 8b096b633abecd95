/**
 * One body of checked semantics (ir.ts) printed as a TypeScript function: statements in the order
 * written — so the checks that open a body still come before its effects — with named locals from
 * the description's `let`s, state accesses as `s.narrow[SLOT /* name *\/]`, and traps and halts
 * as status values, never exceptions. An instruction's body (its interpreter routine), the trap
 * entry and the interrupt check return a Status; an ISA function returns its value and leaves a
 * trap in `vm.status`, which every caller checks after a call that can stop.
 */
import type { Body, IArm, IExpr, IStmt } from './ir.js';
import * as V from './values.js';
import { walkStmts } from './walk.js';
import { ExpressionEmitter } from './emit-expressions.js';
import { stopCheck, type BodyScope, type ModuleScope } from './emit-scope.js';
import { Lines, Prec, bigintLiteral, bitsLiteral, commentText, identifier, numberLiteral, operand, primary } from './emit-text.js';

/** What kind of body, and so how it ends. */
export type BodyKind =
  /** An interpreter routine, the trap entry, the interrupt check: returns a Status. */
  | { readonly kind: 'step' }
  /** An ISA function: returns its value (`returns` bits; `numeric`: 33..53 bits as a number). */
  | { readonly kind: 'function'; readonly returns: number | null; readonly numeric: boolean };

export interface BodySignature {
  readonly id: string;
  readonly kind: BodyKind;
  /** Parameters (encoding fields, function parameters): the first local slots, in order. */
  readonly params: readonly { readonly name: string; readonly width: number }[];
  /** Does the body take the virtual machine as its first parameter (named `_vm` when it does not use it)? */
  readonly usesVm: boolean;
  /** The doc comment's lines, without the comment markers. */
  readonly doc: readonly string[];
  /** The body's text in the description (to name the constants of match arms). */
  readonly source: string;
}

/** Every local slot's name as the description writes it (a parameter, a `let`, a loop variable). */
function slotNames(body: Body, params: BodySignature['params']): Map<number, string> {
  const names = new Map<number, string>(params.map((p, i) => [i, p.name]));
  walkStmts(body.stmts, {
    stmt: (s) => { if (s.k === 'setLocal' && !names.has(s.slot)) names.set(s.slot, s.name); },
    expr: (e) => { if (e.k === 'local' && !names.has(e.slot)) names.set(e.slot, e.name); },
  });
  return names;
}

/** How often each slot is assigned and read. */
function slotUses(body: Body): { assigned: Map<number, number>; read: Set<number> } {
  const assigned = new Map<number, number>();
  const read = new Set<number>();
  walkStmts(body.stmts, {
    stmt: (s) => { if (s.k === 'setLocal') assigned.set(s.slot, (assigned.get(s.slot) ?? 0) + 1); },
    expr: (e) => { if (e.k === 'local') read.add(e.slot); },
  });
  return { assigned, read };
}

/** Does running `stmts` always end the body (every path through the last statement returns)? */
function ends(stmts: readonly IStmt[]): boolean {
  const last = stmts[stmts.length - 1];
  if (last === undefined) return false;
  switch (last.k) {
    case 'trap': case 'halt': case 'return': return true;
    case 'if': return ends(last.then) && ends(last.else);
    case 'match': return last.otherwise !== null && ends(last.otherwise) && last.arms.every((a) => ends(a.body));
    default: return false;
  }
}

export class BodyEmitter implements BodyScope {
  readonly out = new Lines();
  readonly bail: string;
  private readonly x: ExpressionEmitter;
  private readonly ids = new Map<number, string>();
  private readonly taken: Set<string>;
  private readonly declared = new Set<number>();
  private readonly uses: { assigned: Map<number, number>; read: Set<number> };
  private usesState = false;
  private temps = 0;

  constructor(
    private readonly mod: ModuleScope,
    private readonly body: Body,
    private readonly sig: BodySignature,
    moduleNames: ReadonlySet<string>,
  ) {
    this.taken = new Set([...moduleNames, 'vm', 's']);
    // One identifier per slot: a name the description uses twice (in sibling or nested blocks) gets a suffix.
    const seen = new Map<string, number>();
    for (const [slot, name] of [...slotNames(body, sig.params)].sort((a, b) => a[0] - b[0])) {
      const n = (seen.get(name) ?? 0) + 1;
      seen.set(name, n);
      const id = identifier(n === 1 ? name : `${name}_${n}`, this.taken);
      this.taken.add(id);
      this.ids.set(slot, id);
    }
    this.uses = slotUses(body);
    this.bail = this.zeroReturn();
    this.x = new ExpressionEmitter(mod, this);
  }

  local(slot: number): string {
    const id = this.ids.get(slot);
    if (id === undefined) throw new Error(`emit: local slot ${slot} has no name`);
    return id;
  }

  temp(): string {
    let id: string;
    do id = `t${++this.temps}`; while (this.taken.has(id));
    this.taken.add(id);
    return id;
  }

  useState(): void {
    this.usesState = true;
  }

  /** The whole function: doc comment, signature, body. */
  emit(): string {
    const { kind } = this.sig;
    this.block(this.body.stmts);
    if (!ends(this.body.stmts)) {
      if (kind.kind === 'step') this.out.line("return 'running';");
      else if (kind.returns !== null) this.out.line(`${this.zeroReturn()} // no return ran: the reference's value`);
    }
    const params = this.sig.params.map((p, i) => {
      const id = this.uses.read.has(i) ? this.local(i) : `_${this.local(i)}`;
      return `${id}: ${p.width <= V.NARROW ? 'number' : 'bigint'} /* ${p.width} bit${p.width === 1 ? '' : 's'} */`;
    });
    const text = this.out.text();
    // A routine that touches nothing (a fence) still takes the machine, as every routine does.
    if (this.sig.usesVm) params.unshift(`${this.usesState || /\bvm\b/.test(text) ? 'vm' : '_vm'}: VirtualMachine`);
    const result = kind.kind === 'step' ? 'Status'
      : kind.returns === null ? 'void'
      : kind.numeric || kind.returns <= V.NARROW ? 'number' : 'bigint';
    const lines = ['/**', ...this.sig.doc.map((l) => (l === '' ? ' *' : ` * ${commentText(l)}`)), ' */'];
    lines.push(`export function ${this.sig.id}(${params.join(', ')}): ${result} {`);
    if (this.usesState) lines.push('  const s = vm.s;');
    if (text !== '') lines.push(...text.split('\n').map((l) => (l === '' ? '' : `  ${l}`)));
    lines.push('}');
    return lines.join('\n');
  }

  /** `return` after a stop: the status is in `vm.status`. */
  private zeroReturn(): string {
    const { kind } = this.sig;
    if (kind.kind === 'step') return 'return vm.status;';
    if (kind.returns === null) return 'return;';
    return kind.numeric || kind.returns <= V.NARROW ? 'return 0;' : 'return 0n;';
  }

  private block(stmts: readonly IStmt[]): void {
    for (const s of stmts) this.stmt(s);
  }

  private check(): void {
    this.out.line(stopCheck(this));
  }

  private stmt(s: IStmt): void {
    const out = this.out;
    const x = this.x;
    switch (s.k) {
      case 'setLocal': return this.setLocal(s);
      case 'setReg': {
        this.useState();
        const { elem } = s;
        out.line(`s.${elem.wide ? 'wide' : 'narrow'}[${elem.slot} /* ${elem.name} */] = ${x.bits(s.e).text};`);
        return;
      }
      case 'setField': return this.setField(s);
      case 'setFile': {
        this.useState();
        const { elem } = s;
        const [i, v] = x.ordered([() => x.address(s.index), () => x.bits(s.e)]);
        if (elem.zero.length === 0 && 2 ** s.index.w <= elem.count) {
          out.line(`s.${elem.wide ? 'wide' : 'narrow'}[${elem.slot} /* ${elem.name} */ + ${i!.text}] = ${v!.text};`);
        } else {
          out.line(`${this.mod.fileWriter(elem)}(s, ${i!.text}, ${v!.text});`);
        }
        return;
      }
      case 'setPc':
        out.line(`vm.nextPc = ${x.bits(s.e).text};`);
        return;
      case 'if': {
        const c = x.cond(s.c);
        out.line(`if (${c.text}) {`);
        this.nested(s.then);
        let rest = s.else;
        // `else if` for an else that is just another if whose condition needs no statements before it.
        while (rest.length === 1 && rest[0]!.k === 'if' && !x.stops(rest[0]!.c)) {
          const inner = rest[0]!;
          out.line(`} else if (${x.cond(inner.c).text}) {`);
          this.nested(inner.then);
          rest = inner.else;
        }
        if (rest.length > 0) {
          out.line('} else {');
          this.nested(rest);
        }
        out.line('}');
        return;
      }
      case 'match': return this.match(s.subject, s.arms, s.otherwise);
      case 'for': {
        const id = this.local(s.slot);
        const [from, to, inc] = s.w <= V.NARROW
          ? [numberLiteral(s.from), numberLiteral(s.to), `${id}++`]
          : [bigintLiteral(BigInt(s.from)), bigintLiteral(BigInt(s.to)), `${id}++`];
        out.line(`for (let ${id} = ${from}; ${id} <= ${to}; ${inc}) {`);
        this.nested(s.body);
        out.line('}');
        return;
      }
      case 'trap': {
        const zero = this.mod.isa.addressWidth <= V.NARROW ? '0' : '0n';
        const v = s.value === null ? zero : x.bits(s.value).text;
        const cause = this.mod.cause(s.cause);
        if (this.sig.kind.kind === 'step') out.line(`return vm.trap(${cause}, ${v});`);
        else {
          out.line(`vm.trap(${cause}, ${v});`);
          out.line(this.bail);
        }
        return;
      }
      case 'halt': {
        const code = x.num(s.code).text;
        if (this.sig.kind.kind === 'step') out.line(`return vm.halt(${code});`);
        else {
          out.line(`vm.halt(${code});`);
          out.line(this.bail);
        }
        return;
      }
      case 'return': {
        const { kind } = this.sig;
        if (kind.kind === 'step') out.line("return 'running';");
        else if (s.e === null) out.line(kind.returns === null ? 'return;' : this.zeroReturn());
        else if (this.returnsDirectly(s.e, kind.numeric)) {
          // A load or a call that can stop, returned as it is: after a stop, its 0 is the dummy the caller ignores.
          out.line(`return ${(s.e.k === 'call' ? x.callText(s.e) : x.loadText(s.e)).text};`);
        } else out.line(`return ${(kind.numeric ? x.address(s.e) : x.bits(s.e)).text};`);
        return;
      }
      case 'eval': {
        if (s.e.k !== 'call') {
          // Only a call stands as a statement (typechecker.ts); anything else has no effect.
          out.line(`void ${x.bits(s.e).text};`);
          return;
        }
        out.line(`${x.callText(s.e).text};`);
        if (this.mod.fn(s.e.fn).stops) this.check();
        return;
      }
      case 'store': {
        const [va, v] = x.ordered([() => x.bits(s.addr), () => x.bits(s.e)]);
        out.line(`vm.store(${va!.text}, ${s.w}, ${v!.text});`);
        this.check();
        return;
      }
      case 'storePhys': {
        const [pa, v] = x.ordered([() => x.address(s.addr), () => x.bits(s.e)]);
        out.line(`vm.storePhys(${pa!.text}, ${s.w}, ${v!.text}, '${s.access}');`);
        this.check();
        return;
      }
      default:
        return exhaustive(s);
    }
  }

  /** Is `e` a load or stopping call whose value is already in the representation this function returns? */
  private returnsDirectly(e: IExpr, numeric: boolean): e is IExpr & { k: 'call' | 'load' | 'loadPhys' } {
    if (e.k === 'load' || e.k === 'loadPhys') return !numeric;
    return e.k === 'call' && this.mod.fn(e.fn).stops && this.mod.fn(e.fn).numeric === numeric;
  }

  private nested(stmts: readonly IStmt[]): void {
    this.out.indent();
    this.block(stmts);
    this.out.dedent();
  }

  /** `let` (its first assignment declares it: the language scopes locals by block, as JavaScript does), or `var` reassigned. */
  private setLocal(s: IStmt & { k: 'setLocal' }): void {
    const x = this.x;
    const out = this.out;
    const id = this.local(s.slot);
    const declares = !this.declared.has(s.slot);
    this.declared.add(s.slot);
    const keyword = !declares ? '' : (this.uses.assigned.get(s.slot) ?? 0) > 1 ? 'let ' : 'const ';
    if (!this.uses.read.has(s.slot)) {
      // Never read: only what evaluating it can do matters.
      const at = out.mark();
      const v = x.bits(s.e);
      if (out.mark() !== at) out.line(`void ${v.text}; // ${id}: never read`);
      else out.line(`// ${id} = ${commentText(v.text)}: never read`);
      return;
    }
    // A load or a stopping call as the whole value binds the local directly, then checks.
    // (A stop ends the body, so the local's dummy value is never seen.)
    const direct = s.e.k === 'load' || s.e.k === 'loadPhys' || (s.e.k === 'call' && this.mod.fn(s.e.fn).stops && !this.mod.fn(s.e.fn).numeric);
    if (direct) {
      const v = s.e.k === 'call' ? x.callText(s.e) : x.loadText(s.e);
      out.line(`${keyword}${id} = ${v.text};`);
      this.check();
      return;
    }
    out.line(`${keyword}${id} = ${x.bits(s.e).text};`);
  }

  /** Bits hi..lo of a register replaced by a value (values.ts deposit). */
  private setField(s: IStmt & { k: 'setField' }): void {
    this.useState();
    const { elem, hi, lo } = s;
    const fw = hi - lo + 1;
    const field = [...elem.fields.values()].find((f) => f.hi === hi && f.lo === lo);
    const at = `s.${elem.wide ? 'wide' : 'narrow'}[${elem.slot} /* ${elem.name} */]`;
    const comment = field === undefined ? `bits ${hi}:${lo}` : `${elem.name}.${field.name}`;
    const v = this.x.bits(s.e);
    if (fw === elem.width) {
      this.out.line(`${at} = ${v.text}; // ${comment}`);
      return;
    }
    if (!elem.wide) {
      const m = (fw === 32 ? 0xffffffff : ((2 ** fw - 1) * 2 ** lo)) >>> 0;
      if (v.literal !== undefined) {
        const bits = (v.literal * 2 ** lo) >>> 0;
        this.out.line(`${at} = ${bits === 0 ? `${at} & ~${numberLiteral(m)}` : `(${at} & ~${numberLiteral(m)}) | ${numberLiteral(bits)}`}; // ${comment}`);
        return;
      }
      const inserted = lo === 0 ? operand(v, Prec.BitOr + 1) : `(${operand(v, Prec.Shift)} << ${lo})`;
      this.out.line(`${at} = (${at} & ~${numberLiteral(m)}) | ${inserted}; // ${comment}`);
      return;
    }
    const m = V.maskOf(fw) << BigInt(lo);
    const big = fw <= V.NARROW ? primary(`BigInt(${v.text})`) : v;
    const inserted = lo === 0 ? operand(big, Prec.BitOr + 1) : `(${operand(big, Prec.Shift)} << ${bigintLiteral(BigInt(lo))})`;
    this.out.line(`${at} = (${at} & ~${bigintLiteral(m)}) | ${inserted}; // ${comment}`);
  }

  /** A match as a switch: the first arm listing a value wins, `_` is the default. */
  private match(subject: IExpr, arms: readonly IArm[], otherwise: readonly IStmt[] | null): void {
    const out = this.out;
    const v = this.x.bits(subject);
    out.line(`switch (${v.text}) {`);
    out.indent();
    const seen = new Set<V.Bits>();
    for (const arm of arms) {
      const values = arm.values.filter((a) => !seen.has(a));
      values.forEach((a) => seen.add(a));
      if (values.length === 0) continue;
      values.forEach((a, i) => {
        const name = this.mod.armName(V.toBigInt(a), subject.w, this.sig.source);
        out.line(`case ${bitsLiteral(a)}${name === null ? '' : ` /* ${name} */`}:${i === values.length - 1 ? ' {' : ''}`);
      });
      this.arm(arm.body);
    }
    if (otherwise !== null) {
      out.line('default: {');
      this.arm(otherwise);
    }
    out.dedent();
    out.line('}');
  }

  /** An arm's body, after the line that opens its block. */
  private arm(stmts: readonly IStmt[]): void {
    const out = this.out;
    out.indent();
    this.block(stmts);
    if (!ends(stmts)) out.line('break;');
    out.dedent();
    out.line('}');
  }
}

function exhaustive(x: never): never {
  throw new Error(`emit: unhandled statement ${JSON.stringify(x)}`);
}
