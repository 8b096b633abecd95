/**
 * Expressions of checked semantics (ir.ts) printed as TypeScript, with the width-specific
 * operation chosen at emit time exactly as the closure compiler chooses it (compiler.ts,
 * compiled-operators.ts, compiled-expressions.ts): a value of at most 32 bits is a number in
 * [0, 2^w) — a 32-bit `+` is `(a + b) >>> 0`, a 15-bit one `(a + b) & 0x7fff` — a wider one a
 * bigint normalised with `BigInt.asUintN`, a condition a boolean.
 *
 * Something that can stop — a load, or a call of a function that can trap — is hoisted into a
 * `const` followed by a status check, so that a trap ends the body at once, as the reference
 * interpreter's does. Operands keep the reference's order of evaluation: when a later operand is
 * hoisted, every earlier one whose value could change meanwhile (it reads state) is fixed in a
 * temporary first. Conditionals and `&&`/`||` whose later operands can stop become statements, so
 * that those run only when the reference would run them.
 */
import type { IExpr } from './ir.js';
import * as V from './values.js';
import { walkExpr } from './walk.js';
import { stopCheck, type BodyScope, type ModuleScope } from './emit-scope.js';
import * as O from './emit-operators.js';
import { EXACT, ZERO, bigLit, isShift, lit, part } from './emit-operators.js';
import { Prec, binary, bigintLiteral, code, numberLiteral, operand, primary, unary, type Code } from './emit-text.js';

type Load = IExpr & { k: 'load' | 'loadPhys' };
type Call = IExpr & { k: 'call' };

export class ExpressionEmitter {
  constructor(
    private readonly mod: ModuleScope,
    private readonly body: BodyScope,
  ) {}

  /** Can evaluating `e` end with the status other than running? */
  stops(e: IExpr): boolean {
    let stops = false;
    walkExpr(e, {
      expr: (x) => {
        if (x.k === 'load' || x.k === 'loadPhys' || (x.k === 'call' && this.mod.fn(x.fn).stops)) stops = true;
      },
    });
    return stops;
  }

  bits(e: IExpr): Code {
    return e.w <= V.NARROW ? this.num(e) : this.big(e);
  }

  /**
   * Emit operands in evaluation order. When one writes lines (it can stop), every earlier operand
   * that is not stable is fixed in a temporary just before those lines.
   */
  ordered(parts: readonly (() => Code)[]): Code[] {
    const out = this.body.out;
    const codes: Code[] = [];
    for (const part of parts) {
      const at = out.mark();
      const c = part();
      if (out.mark() !== at) {
        let k = at;
        for (let i = 0; i < codes.length; i++) {
          if (codes[i]!.stable) continue;
          const t = this.body.temp();
          out.insert(k++, `const ${t} = ${codes[i]!.text};`);
          codes[i] = primary(t, true);
        }
      }
      codes.push(c);
    }
    return codes;
  }

  /** A value that can stop, fixed in a temporary and followed by the status check. */
  private stopping(c: Code): Code {
    const t = this.body.temp();
    this.body.out.line(`const ${t} = ${c.text};`);
    this.body.out.line(stopCheck(this.body));
    return primary(t, true);
  }

  /** A constant, with its name in the description as a comment. */
  private constant(e: IExpr & { k: 'const' }, text: string): Code {
    const name = this.mod.constantName(e);
    if (name !== null) return primary(`${text} /* ${name} */`, true);
    return typeof e.v === 'number' ? lit(e.v) : primary(text, true);
  }

  // ------------------------------------------------------------------ number (≤ 32 bits)

  num(e: IExpr): Code {
    if (e.w > V.NARROW) throw new Error(`emit: a ${e.w}-bit ${e.k} where at most 32 bits were expected`);
    switch (e.k) {
      case 'const': return this.constant(e, numberLiteral(V.toNumber(e.v)));
      case 'instruction': return primary(this.mod.isa.maxInstructionWidth > V.NARROW ? 'Number(vm.instruction)' : 'vm.instruction');
      case 'local': return primary(this.body.local(e.slot), true);
      case 'reg':
        this.body.useState();
        return primary(`s.narrow[${e.elem.slot} /* ${e.elem.name} */]`);
      case 'file': return this.fileNumber(e);
      case 'slice': return this.sliceNumber(e);
      case 'not':
        if (e.w === 1) return code(`${part(this.cond(e.e))} ? 0 : 1`, Prec.Cond);
        return O.unaryNumber('~', e.w, this.num(e.e));
      case 'neg': return O.unaryNumber('-', e.w, this.num(e.e));
      case 'arith': return this.arithNumber(e);
      case 'compare':
      case 'logic': return code(`${part(this.cond(e))} ? 1 : 0`, Prec.Cond);
      case 'cond': return this.conditional(e, 'number');
      // A zero extension within 32 bits changes nothing.
      case 'ext': return e.signed ? O.sextNumber(this.num(e.e), e.e.w, e.w) : this.num(e.e);
      case 'concat': return this.concatNumber(e.parts);
      case 'sdiv':
      case 'srem': {
        const [a, b] = this.ordered([() => this.num(e.a), () => this.num(e.b)]);
        return O.signedDivision(e.k, e.w, a, b, this.helper);
      }
      case 'call': return this.call(e);
      case 'load':
      case 'loadPhys': return this.load(e);
      default:
        return exhaustive(e);
    }
  }

  /** Bits hi..lo of a value; a register's field gets the field's name as a comment. */
  private sliceNumber(e: IExpr & { k: 'slice' }): Code {
    const field = e.e.k === 'reg' ? [...e.e.elem.fields.values()].find((f) => f.hi === e.hi && f.lo === e.lo) : undefined;
    const c = e.e.w > V.NARROW ? O.sliceBigToNumber(this.big(e.e), e.hi, e.lo) : O.sliceNumber(this.num(e.e), e.e.w, e.hi, e.lo);
    return field === undefined || c.prec === Prec.Primary ? c : code(`${c.text} /* ${field.name} */`, c.prec, c.stable);
  }

  private arithNumber(e: IExpr & { k: 'arith' }): Code {
    const { op, w } = e;
    if (isShift(op) && e.b.k === 'const') return O.shiftNumberBy(op, w, this.num(e.a), O.amountOf(e.b.v));
    const [a, b] = this.ordered([() => this.num(e.a), () => (isShift(op) ? this.amountNumber(e.b) : this.num(e.b))]);
    return O.arithNumber(op, w, a, b, this.helper);
  }

  /** A shift amount for a ≤ 32-bit shift, as a number. */
  private amountNumber(e: IExpr): Code {
    return e.w <= V.NARROW ? this.num(e) : O.amountToNumber(this.big(e), this.helper);
  }

  /** concat of narrow parts, most significant first, as a number; an unnamed literal 0 part is left out. */
  private concatNumber(parts: readonly IExpr[]): Code {
    const codes = this.ordered(parts.map((p) => () => this.num(p)));
    return O.concatNumber(codes, parts.map((p) => p.w), codes.map((c) => c.literal === 0));
  }

  // ------------------------------------------------------------------ bigint (33..64 bits)

  big(e: IExpr): Code {
    if (e.w <= V.NARROW) throw new Error(`emit: a ${e.w}-bit ${e.k} where more than 32 bits were expected`);
    switch (e.k) {
      case 'const': return this.constant(e, bigintLiteral(V.toBigInt(e.v)));
      case 'instruction': return primary(this.mod.isa.maxInstructionWidth > V.NARROW ? 'vm.instruction' : 'BigInt(vm.instruction)');
      case 'local': return primary(this.body.local(e.slot), true);
      case 'reg':
        this.body.useState();
        return primary(`s.wide[${e.elem.slot} /* ${e.elem.name} */]`);
      case 'file': return this.fileBig(e);
      case 'slice': return O.sliceBig(this.big(e.e), e.e.w, e.hi, e.lo);
      case 'not':
      case 'neg': {
        const a = this.big(e.e);
        return primary(`BigInt.asUintN(${e.w}, ${unary(e.k === 'not' ? '~' : '-', a).text})`, a.stable);
      }
      case 'arith': return this.arithBig(e);
      case 'compare':
      case 'logic': throw new Error('emit: a condition is 1 bit wide');
      case 'cond': return this.conditional(e, 'bigint');
      case 'ext': {
        if (e.e.w > V.NARROW) {
          const a = this.big(e.e);
          return e.signed && e.e.w !== e.w ? primary(`BigInt.asUintN(${e.w}, BigInt.asIntN(${e.e.w}, ${a.text}))`, a.stable) : a;
        }
        const a = this.num(e.e);
        return e.signed ? O.sextNumberToBig(a, e.e.w, e.w) : primary(`BigInt(${a.text})`, a.stable);
      }
      case 'concat': {
        // Narrow parts that fit a number exactly are combined as one, then made a bigint once.
        if (e.w <= EXACT && e.parts.every((p) => p.w <= V.NARROW)) {
          const n = this.concatNumber(e.parts);
          return primary(`BigInt(${n.text})`, n.stable);
        }
        return O.concatBig(this.ordered(e.parts.map((p) => () => this.bits(p))), e.parts.map((p) => p.w));
      }
      case 'sdiv':
      case 'srem': {
        const [a, b] = this.ordered([() => this.big(e.a), () => this.big(e.b)]);
        return O.signedDivision(e.k, e.w, a, b, this.helper);
      }
      case 'call': {
        const c = this.call(e);
        return this.mod.fn(e.fn).numeric ? primary(`BigInt(${c.text})`, c.stable) : c;
      }
      case 'load':
      case 'loadPhys': return this.load(e);
      default:
        return exhaustive(e);
    }
  }

  private arithBig(e: IExpr & { k: 'arith' }): Code {
    const { op, w } = e;
    if (isShift(op) && e.b.k === 'const') return O.shiftBigBy(op, w, this.big(e.a), O.amountOf(e.b.v));
    const [a, b] = this.ordered([() => this.big(e.a), () => (isShift(op) ? this.amountBig(e.b) : this.big(e.b))]);
    return O.arithBig(op, w, a, b, this.helper);
  }

  /** A shift amount for a 33..64-bit shift, as a bigint. */
  private amountBig(e: IExpr): Code {
    if (e.w > V.NARROW) return this.big(e);
    const n = this.num(e);
    return primary(`BigInt(${n.text})`, n.stable);
  }

  // ------------------------------------------------------------------ numbers used as numbers

  /**
   * A value used as a number — an address, a file index — exact when it has at most 53 bits, and
   * made without a bigint for a zero extension, a concatenation of narrow parts, or a function
   * returning an exact number; wider, `Number` of its value (compiled-expressions.ts `address`).
   */
  address(e: IExpr): Code {
    if (e.w <= V.NARROW) return this.num(e);
    if (e.w <= EXACT) {
      if (e.k === 'ext' && !e.signed && e.e.w <= V.NARROW) return this.num(e.e);
      if (e.k === 'concat' && e.parts.every((p) => p.w <= V.NARROW)) return this.concatNumber(e.parts);
      if (e.k === 'call' && this.mod.fn(e.fn).numeric) return this.call(e);
    }
    const x = this.big(e);
    return primary(`Number(${x.text})`, x.stable);
  }

  // ------------------------------------------------------------------ conditions

  /** A condition (1 bit) as a boolean. */
  cond(e: IExpr): Code {
    switch (e.k) {
      case 'const': return primary(V.truthy(e.v) ? 'true' : 'false', true);
      case 'compare': return this.compare(e);
      case 'logic': return this.logic(e);
      case 'not':
        if (e.w === 1) return this.negated(e.e);
        break;
      default:
        break;
    }
    if (e.w > V.NARROW) return binary(this.big(e), '!==', bigLit(0n), Prec.Equality);
    return binary(this.num(e), '!==', ZERO, Prec.Equality);
  }

  /** The condition that `e` (1 bit) is false: `a !== b` for `!(a == b)`, `x === 0` for `!x`. */
  private negated(e: IExpr): Code {
    switch (e.k) {
      case 'compare':
        if (e.op === '==' || e.op === '!=') return this.compare({ ...e, op: e.op === '==' ? '!=' : '==' });
        break;
      case 'not':
        if (e.w === 1) return this.cond(e.e);
        break;
      case 'logic':
        break;
      default:
        return binary(this.num(e), '===', ZERO, Prec.Equality);
    }
    return unary('!', this.cond(e));
  }

  private compare(e: IExpr & { k: 'compare' }): Code {
    const wide = e.a.w > V.NARROW;
    const [a, b] = this.ordered([() => (wide ? this.big(e.a) : this.num(e.a)), () => (wide ? this.big(e.b) : this.num(e.b))]);
    return O.compare(e.op, e.a.w, a, b);
  }

  /** `a && b`, `a || b`; when `b` can stop, it runs in a statement only when the reference would run it. */
  private logic(e: IExpr & { k: 'logic' }): Code {
    const prec = e.op === '&&' ? Prec.LogicalAnd : Prec.LogicalOr;
    const a = this.cond(e.a);
    if (!this.stops(e.b)) return binary(a, e.op, this.cond(e.b), prec);
    const out = this.body.out;
    const t = this.body.temp();
    out.line(`let ${t} = ${a.text};`);
    out.block(`if (${e.op === '&&' ? t : `!${t}`}) {`, () => {
      out.line(`${t} = ${this.cond(e.b).text};`);
    });
    return primary(t, true);
  }

  /** `c ? a : b`; when `a` or `b` can stop, an if statement that runs only the arm taken. */
  private conditional(e: IExpr & { k: 'cond' }, kind: 'number' | 'bigint'): Code {
    const arm = (x: IExpr): Code => (kind === 'number' ? this.num(x) : this.big(x));
    const c = this.cond(e.c);
    if (!this.stops(e.a) && !this.stops(e.b)) {
      const [a, b] = [arm(e.a), arm(e.b)];
      return code(`${part(c)} ? ${part(a)} : ${part(b)}`, Prec.Cond, c.stable && a.stable && b.stable);
    }
    const out = this.body.out;
    const t = this.body.temp();
    out.line(`let ${t}: ${kind};`);
    out.block(`if (${c.text}) {`, () => { out.line(`${t} = ${arm(e.a).text};`); }, '} else {');
    out.indent();
    out.line(`${t} = ${arm(e.b).text};`);
    out.dedent();
    out.line('}');
    return primary(t, true);
  }

  // ------------------------------------------------------------------ calls and memory

  /** `fn(vm, args...)` as the function returns it: a number up to 32 bits (or exact, `numeric`), else a bigint. */
  callText(e: Call): Code {
    const f = this.mod.fn(e.fn);
    const args = this.ordered(e.args.map((a) => () => this.bits(a)));
    const all = f.usesVm ? ['vm', ...args.map((a) => a.text)] : args.map((a) => a.text);
    return primary(`${f.id}(${all.join(', ')})`);
  }

  private call(e: Call): Code {
    const c = this.callText(e);
    return this.mod.fn(e.fn).stops ? this.stopping(c) : c;
  }

  /** A load through the guest's translation, or a physical one, as the virtual machine's method call. */
  loadText(e: Load): Code {
    const narrow = e.w <= V.NARROW;
    if (e.k === 'load') {
      const va = this.bits(e.addr);
      return primary(`vm.${narrow ? 'loadNumber' : 'loadBig'}(${va.text}, ${e.w})`);
    }
    const pa = this.address(e.addr);
    return primary(`vm.${narrow ? 'loadPhysNumber' : 'loadPhysBig'}(${pa.text}, ${e.w}, '${e.access}')`);
  }

  private load(e: Load): Code {
    return this.stopping(this.loadText(e));
  }

  // ------------------------------------------------------------------ register files

  /** Element `index` of a narrow file: inline when it has no hard-wired zero and the index cannot leave it, else its reader. */
  private fileNumber(e: IExpr & { k: 'file' }): Code {
    const { elem } = e;
    this.body.useState();
    const i = this.address(e.index);
    if (elem.zero.length === 0 && 2 ** e.index.w <= elem.count) {
      return primary(`s.narrow[${elem.slot} /* ${elem.name} */ + ${operand(i, Prec.Additive + 1)}]`);
    }
    return primary(`${this.mod.fileReader(elem)}(s, ${i.text})`);
  }

  private fileBig(e: IExpr & { k: 'file' }): Code {
    const { elem } = e;
    this.body.useState();
    const i = this.address(e.index);
    if (elem.zero.length === 0 && 2 ** e.index.w <= elem.count) {
      return primary(`s.wide[${elem.slot} /* ${elem.name} */ + ${operand(i, Prec.Additive + 1)}]`);
    }
    return primary(`${this.mod.fileReader(elem)}(s, ${i.text})`);
  }

  /** The module's helper of `key` (ModuleScope.helper), as the operators ask for it. */
  private readonly helper: O.Helper = (key, base, make) => this.mod.helper(key, base, make);
}

function exhaustive(x: never): never {
  throw new Error(`emit: unhandled node ${JSON.stringify(x)}`);
}
