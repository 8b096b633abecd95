/**
 * The text of emitted TypeScript (emit.ts): expressions as code with their precedence, so that
 * parentheses appear only where JavaScript needs them; literals of both value kinds; identifiers
 * that are safe to declare; and a line writer with indentation that the body emitter can insert
 * into (an operand evaluated before a hoisted one is moved in front of it).
 */
import type { Bits } from './values.js';

/** JavaScript operator precedence, from the loosest (a conditional) to a primary expression. */
export const enum Prec {
  Cond = 2,
  LogicalOr = 3,
  LogicalAnd = 4,
  BitOr = 5,
  BitXor = 6,
  BitAnd = 7,
  Equality = 8,
  Relational = 9,
  Shift = 10,
  Additive = 11,
  Multiplicative = 12,
  Exponent = 13,
  Unary = 14,
  Primary = 20,
}

/** An emitted expression: its text, and how tightly it binds. */
export interface Code {
  readonly text: string;
  readonly prec: Prec;
  /**
   * Its value cannot change between where it stands and where it is used: a literal, a local,
   * a parameter or a temporary (nothing the statement does assigns those).
   */
  readonly stable: boolean;
  /**
   * The same value before its final normalisation (`a + b` for `(a + b) >>> 0`): congruent to it
   * modulo 2^32 and exact, so an operand of `+`, `-`, `Math.imul` or a 32-bit bitwise operator,
   * which normalises again, may use it instead.
   */
  readonly raw?: Code;
  /** A literal with no name: its value, for folding. */
  readonly literal?: number;
}

export function code(text: string, prec: Prec, stable = false): Code {
  return { text, prec, stable };
}

export function primary(text: string, stable = false): Code {
  return { text, prec: Prec.Primary, stable };
}

/** `c` normalised by `norm`, remembering `c` as its raw form. */
export function normalised(c: Code, norm: (c: Code) => Code): Code {
  return { ...norm(c), raw: c };
}

/** `c` as an operand that binds at least as tightly as `min`, in parentheses when it is any operation (for readability). */
export function grouped(c: Code, min: Prec): string {
  return c.prec < Prec.Unary || c.prec < min ? `(${c.text})` : c.text;
}

/** `c` as an operand that must bind at least as tightly as `min`. */
export function operand(c: Code, min: Prec): string {
  return c.prec < min ? `(${c.text})` : c.text;
}

/**
 * A left-associative binary operation of precedence `p`. Beyond what JavaScript needs, an operand
 * of a bitwise operator or a shift that is another kind of operation is parenthesised, and so is a
 * shift compared: `(a + b) >>> 0`, `(pa >>> 16) !== 0`, not `a + b >>> 0`.
 */
export function binary(a: Code, op: string, b: Code, p: Prec): Code {
  const side = (c: Code, min: Prec): string => (readableParens(c, p) ? `(${c.text})` : operand(c, min));
  return code(`${side(a, p)} ${op} ${side(b, p + 1)}`, p, a.stable && b.stable);
}

function readableParens(c: Code, p: Prec): boolean {
  if (c.prec >= Prec.Unary) return false;
  if (p === Prec.LogicalOr) return c.prec === Prec.LogicalAnd;
  if (p === Prec.Shift) return true;
  if (p >= Prec.BitOr && p <= Prec.BitAnd) return c.prec !== p;
  if (p === Prec.Equality || p === Prec.Relational) return c.prec === Prec.Shift;
  return false;
}

/** A prefix operator; an operand that is itself unary is parenthesised (`- -x` is not `--x`). */
export function unary(op: string, a: Code): Code {
  return code(`${op}${a.prec <= Prec.Unary ? `(${a.text})` : a.text}`, Prec.Unary, a.stable);
}

/** A count (a shift amount, a width) in decimal. */
export function countLiteral(v: number): string {
  return String(v);
}

/** A number literal: decimal below 10, hexadecimal above (masks and addresses read better so). */
export function numberLiteral(v: number): string {
  return v < 10 ? String(v) : `0x${v.toString(16)}`;
}

export function bigintLiteral(v: bigint): string {
  return v < 10n ? `${v}n` : `0x${v.toString(16)}n`;
}

/** The literal of a value as its representation holds it (number up to 32 bits, bigint above). */
export function bitsLiteral(v: Bits): string {
  return typeof v === 'bigint' ? bigintLiteral(v) : numberLiteral(v);
}

/** Words a declared name may not be (JavaScript's reserved words and the globals emitted code uses). */
const RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield',
  'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'arguments',
  'eval', 'undefined', 'NaN', 'Infinity', 'Math', 'Number', 'BigInt', 'Error', 'String', 'Object', 'Array', 'Map',
]);

/** `name` made a valid identifier (dots and dashes become `_`), `_` appended when it is reserved or taken. */
export function identifier(name: string, taken: ReadonlySet<string> = new Set()): string {
  let id = name.replace(/[^A-Za-z0-9_$]/g, '_');
  if (/^[0-9]/.test(id)) id = `_${id}`;
  while (RESERVED.has(id) || taken.has(id)) id = `${id}_`;
  return id;
}

/** `name` as a property key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** `obj.name`, or `obj["a-b"]` when the name is not an identifier. */
export function member(obj: string, name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `${obj}.${name}` : `${obj}[${JSON.stringify(name)}]`;
}

/** A comment's text made safe to sit inside `/* ... *\/`. */
export function commentText(text: string): string {
  return text.replaceAll('*/', '* /');
}

/**
 * Lines of code at an indentation of two spaces per level. `mark()` and `insert()` let an
 * emitter put a line in front of lines it has already written.
 */
export class Lines {
  private readonly lines: string[] = [];
  private depth = 0;

  line(text: string): void {
    this.lines.push(text === '' ? '' : '  '.repeat(this.depth) + text);
  }

  /** Write `open`, then `body` one level deeper, then `close`. */
  block(open: string, body: () => void, close = '}'): void {
    this.line(open);
    this.depth++;
    body();
    this.depth--;
    this.line(close);
  }

  indent(): void {
    this.depth++;
  }

  dedent(): void {
    this.depth--;
  }

  /** Where the next line goes. */
  mark(): number {
    return this.lines.length;
  }

  /** Put `text` (at the current indentation) before the line at `at`. */
  insert(at: number, text: string): void {
    this.lines.splice(at, 0, '  '.repeat(this.depth) + text);
  }

  /** The lines written since `at` (for a caller that checks whether anything was). */
  since(at: number): readonly string[] {
    return this.lines.slice(at);
  }

  text(): string {
    return this.lines.join('\n');
  }
}
