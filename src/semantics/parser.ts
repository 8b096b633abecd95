/**
 * Recursive-descent parser of the semantics language (docs/description-format.md). Produces the
 * syntax tree of ast.ts; raises `semantics/syntax` at the offending token's file:line:col.
 */
import { raise, type SourcePos } from '../diagnostic.js';
import type { SourceText } from '../isa/model.js';
import type { BinaryOp, Body, Expr, MatchArm, Stmt } from './ast.js';
import { tokenize, type Token } from './lexer.js';

/** Binary operators by precedence level, loosest first. */
const LEVELS: readonly (readonly BinaryOp[])[] = [
  ['||'],
  ['&&'],
  ['|'],
  ['^'],
  ['&'],
  ['==', '!='],
  ['<', '<=', '>', '>=', '<s', '<=s', '>s', '>=s'],
  ['<<', '>>', '>>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

export function parseBody(src: SourceText): Body {
  const p = new Parser(src);
  const stmts: Stmt[] = [];
  while (!p.at('eof')) stmts.push(p.statement());
  return { stmts, pos: src.locate(0) };
}

/** Parse a single expression (used by tests and by the assembler for operand expressions). */
export function parseExpr(src: SourceText): Expr {
  const p = new Parser(src);
  const e = p.expression();
  p.expect('eof');
  return e;
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;

  constructor(private readonly src: SourceText) {
    this.tokens = tokenize(src);
  }

  private get tok(): Token {
    return this.tokens[this.i]!;
  }

  private pos(t: Token = this.tok): SourcePos {
    return this.src.locate(t.offset);
  }

  at(kind: 'eof'): boolean;
  at(kind: 'op' | 'ident', text: string): boolean;
  at(kind: Token['kind'], text?: string): boolean {
    return this.tok.kind === kind && (text === undefined || this.tok.text === text);
  }

  private accept(text: string): boolean {
    if ((this.tok.kind === 'op' || this.tok.kind === 'ident') && this.tok.text === text) {
      this.i++;
      return true;
    }
    return false;
  }

  expect(text: string): Token {
    const t = this.tok;
    if (text === 'eof' ? t.kind !== 'eof' : !((t.kind === 'op' || t.kind === 'ident') && t.text === text)) {
      raise('semantics/syntax', `expected '${text}' but found ${describe(t)}`, this.pos());
    }
    this.i++;
    return t;
  }

  private ident(what: string): Token {
    const t = this.tok;
    if (t.kind !== 'ident') raise('semantics/syntax', `expected ${what} but found ${describe(t)}`, this.pos());
    this.i++;
    return t;
  }

  private integer(what: string): number {
    const t = this.tok;
    if (t.kind !== 'num') raise('semantics/syntax', `expected ${what} but found ${describe(t)}`, this.pos());
    this.i++;
    return Number(t.value);
  }

  private block(): Stmt[] {
    this.expect('{');
    const stmts: Stmt[] = [];
    while (!this.at('op', '}')) {
      if (this.at('eof')) raise('semantics/syntax', "expected '}' before the end of the body", this.pos());
      stmts.push(this.statement());
    }
    this.expect('}');
    return stmts;
  }

  statement(): Stmt {
    const t = this.tok;
    const pos = this.pos();
    if (t.kind === 'ident') {
      switch (t.text) {
        case 'let':
        case 'var': {
          this.i++;
          const name = this.ident('a local name').text;
          const width = this.accept(':') ? this.integer('a width in bits') : null;
          if (t.text === 'var' && width === null) raise('semantics/syntax', `'var ${name}' needs a width: var ${name}: W = ...`, pos);
          this.expect('=');
          const value = this.expression();
          this.expect(';');
          return { kind: 'let', name, mutable: t.text === 'var', width, value, pos };
        }
        case 'if':
          return this.ifStatement();
        case 'match':
          return this.matchStatement();
        case 'for': {
          this.i++;
          const name = this.ident('a loop variable').text;
          this.expect(':');
          const width = this.integer('a width in bits');
          this.expect('in');
          const from = this.integer('a constant bound');
          this.expect('..');
          const to = this.integer('a constant bound');
          return { kind: 'for', name, width, from, to, body: this.block(), pos };
        }
        case 'trap': {
          this.i++;
          const cause = this.ident('a trap cause').text;
          let value: Expr | null = null;
          if (this.accept('(')) {
            value = this.expression();
            this.expect(')');
          }
          this.expect(';');
          return { kind: 'trap', cause, value, pos };
        }
        case 'halt': {
          this.i++;
          this.expect('(');
          const code = this.expression();
          this.expect(')');
          this.expect(';');
          return { kind: 'halt', code, pos };
        }
        case 'return': {
          this.i++;
          const value = this.at('op', ';') ? null : this.expression();
          this.expect(';');
          return { kind: 'return', value, pos };
        }
      }
    }
    const target = this.expression();
    if (this.accept('=')) {
      const value = this.expression();
      this.expect(';');
      return { kind: 'assign', target, value, pos };
    }
    this.expect(';');
    return { kind: 'expr', expr: target, pos };
  }

  private ifStatement(): Stmt {
    const pos = this.pos();
    this.expect('if');
    const cond = this.expression();
    const then = this.block();
    let otherwise: Stmt[] = [];
    if (this.accept('else')) otherwise = this.at('ident', 'if') ? [this.ifStatement()] : this.block();
    return { kind: 'if', cond, then, else: otherwise, pos };
  }

  private matchStatement(): Stmt {
    const pos = this.pos();
    this.expect('match');
    const subject = this.expression();
    this.expect('{');
    const arms: MatchArm[] = [];
    while (!this.accept('}')) {
      const armPos = this.pos();
      const patterns: Expr[] = [];
      if (!this.accept('_')) {
        do patterns.push(this.primary()); while (this.accept(','));
      }
      this.expect('=>');
      arms.push({ patterns, body: this.block(), pos: armPos });
    }
    return { kind: 'match', subject, arms, pos };
  }

  expression(): Expr {
    const cond = this.binary(0);
    if (!this.at('op', '?')) return cond;
    const pos = this.pos();
    this.i++;
    const then = this.expression();
    this.expect(':');
    return { kind: 'cond', cond, then, else: this.expression(), pos };
  }

  private binary(level: number): Expr {
    if (level === LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.tok;
      const op = LEVELS[level]!.find((o) => t.kind === 'op' && t.text === o);
      if (op === undefined) return left;
      this.i++;
      left = { kind: 'binary', op, left, right: this.binary(level + 1), pos: this.pos(t) };
    }
  }

  private unary(): Expr {
    const t = this.tok;
    if (t.kind === 'op' && (t.text === '~' || t.text === '-' || t.text === '!')) {
      this.i++;
      return { kind: 'unary', op: t.text, expr: this.unary(), pos: this.pos(t) };
    }
    return this.postfix(this.primary());
  }

  private postfix(e: Expr): Expr {
    for (;;) {
      const pos = this.pos();
      if (this.accept('.')) {
        e = { kind: 'field', base: e, field: this.ident('a field name').text, pos: this.pos(this.tokens[this.i - 1]) };
      } else if (this.accept('[')) {
        const first = this.expression();
        if (this.accept(':')) {
          const lo = this.integer('a constant low bit');
          this.expect(']');
          if (first.kind !== 'lit') raise('semantics/syntax', 'a slice needs constant bounds: e[HI:LO]', first.pos);
          e = { kind: 'slice', expr: e, hi: Number(first.value), lo, pos };
        } else {
          this.expect(']');
          e = e.kind === 'name'
            ? { kind: 'index', file: e.name, index: first, pos: e.pos }
            : first.kind === 'lit'
              ? { kind: 'slice', expr: e, hi: Number(first.value), lo: Number(first.value), pos }
              : raise('semantics/syntax', 'a bit select needs a constant index: e[I]', first.pos);
        }
      } else {
        return e;
      }
    }
  }

  primary(): Expr {
    const t = this.tok;
    const pos = this.pos();
    if (t.kind === 'num') {
      this.i++;
      return { kind: 'lit', value: t.value, width: t.width, pos };
    }
    if (t.kind === 'op' && t.text === '-' && this.tokens[this.i + 1]?.kind === 'num') {
      const n = this.tokens[this.i + 1]!;
      if (n.width === null) {
        this.i += 2;
        return { kind: 'lit', value: -n.value, width: null, pos };
      }
    }
    if (t.kind === 'op' && t.text === '(') {
      this.i++;
      const e = this.expression();
      this.expect(')');
      return e;
    }
    if (t.kind === 'ident') {
      this.i++;
      if (t.text === 'true' || t.text === 'false') return { kind: 'lit', value: t.text === 'true' ? 1n : 0n, width: 1, pos };
      if (this.accept('(')) {
        const args: Expr[] = [];
        if (!this.accept(')')) {
          do args.push(this.expression()); while (this.accept(','));
          this.expect(')');
        }
        return { kind: 'call', name: t.text, args, pos };
      }
      return { kind: 'name', name: t.text, pos };
    }
    return raise('semantics/syntax', `expected an expression but found ${describe(t)}`, pos);
  }
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'the end of the body' : `'${t.text}'`;
}
