/**
 * Prints the syntax tree back as canonical source: one statement a line, four-space indents, and
 * parentheses only where precedence needs them. `parse(print(t))` gives `t` again.
 */
import type { BinaryOp, Body, Expr, Stmt } from './ast.js';

const PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6,
  '<': 7, '<=': 7, '>': 7, '>=': 7, '<s': 7, '<=s': 7, '>s': 7, '>=s': 7,
  '<<': 8, '>>': 8, '>>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};
const UNARY = 11;
const POSTFIX = 12;

export function printBody(body: Body): string {
  return body.stmts.map((s) => printStmt(s, '')).join('');
}

export function printStmt(s: Stmt, indent: string): string {
  switch (s.kind) {
    case 'let':
      return `${indent}${s.mutable ? 'var' : 'let'} ${s.name}${s.width === null ? '' : `: ${s.width}`} = ${printExpr(s.value)};\n`;
    case 'assign':
      return `${indent}${printExpr(s.target)} = ${printExpr(s.value)};\n`;
    case 'if': {
      let out = `${indent}if ${printExpr(s.cond)} ${block(s.then, indent)}`;
      let rest = s.else;
      while (rest.length === 1 && rest[0]!.kind === 'if') {
        const inner = rest[0]!;
        out += ` else if ${printExpr(inner.cond)} ${block(inner.then, indent)}`;
        rest = inner.else;
      }
      if (rest.length > 0) out += ` else ${block(rest, indent)}`;
      return out + '\n';
    }
    case 'match': {
      const arms = s.arms.map((a) => {
        const pats = a.patterns.length === 0 ? '_' : a.patterns.map((p) => printExpr(p)).join(', ');
        return `${indent}    ${pats} => ${block(a.body, indent + '    ')}\n`;
      });
      return `${indent}match ${printExpr(s.subject)} {\n${arms.join('')}${indent}}\n`;
    }
    case 'for':
      return `${indent}for ${s.name}: ${s.width} in ${s.from} .. ${s.to} ${block(s.body, indent)}\n`;
    case 'trap':
      return `${indent}trap ${s.cause}${s.value === null ? '' : `(${printExpr(s.value)})`};\n`;
    case 'halt':
      return `${indent}halt(${printExpr(s.code)});\n`;
    case 'return':
      return `${indent}return${s.value === null ? '' : ' ' + printExpr(s.value)};\n`;
    case 'expr':
      return `${indent}${printExpr(s.expr)};\n`;
    default:
      return exhaustive(s);
  }
}

function block(stmts: readonly Stmt[], indent: string): string {
  if (stmts.length === 0) return '{ }';
  return `{\n${stmts.map((s) => printStmt(s, indent + '    ')).join('')}${indent}}`;
}

/** Print an expression; `outer` is the precedence of the context it sits in. */
export function printExpr(e: Expr, outer = 0): string {
  switch (e.kind) {
    case 'lit':
      return e.width === null ? e.value.toString()
        : e.width % 4 === 0 ? '0x' + e.value.toString(16).padStart(e.width / 4, '0')
        : '0b' + e.value.toString(2).padStart(e.width, '0');
    case 'name':
      return e.name;
    case 'index':
      return `${e.file}[${printExpr(e.index)}]`;
    case 'field':
      return `${printExpr(e.base, POSTFIX)}.${e.field}`;
    case 'slice':
      return `${printExpr(e.expr, POSTFIX)}[${e.hi === e.lo ? e.hi : `${e.hi}:${e.lo}`}]`;
    case 'unary':
      return paren(`${e.op}${printExpr(e.expr, UNARY)}`, UNARY, outer);
    case 'binary': {
      const p = PRECEDENCE[e.op];
      // Left-associative: the right operand needs parentheses at equal precedence.
      return paren(`${printExpr(e.left, p)} ${e.op} ${printExpr(e.right, p + 1)}`, p, outer);
    }
    case 'cond':
      return paren(`${printExpr(e.cond, 1)} ? ${printExpr(e.then)} : ${printExpr(e.else)}`, 0, outer === 0 ? 0 : 1);
    case 'call':
      return `${e.name}(${e.args.map((a) => printExpr(a)).join(', ')})`;
    default:
      return exhaustive(e);
  }
}

function paren(text: string, own: number, outer: number): string {
  return own < outer ? `(${text})` : text;
}

function exhaustive(x: never): never {
  throw new Error(`unhandled node ${JSON.stringify(x)}`);
}
