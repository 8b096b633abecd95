/**
 * Tokens of the semantics language (docs/description-format.md). Positions are offsets into the
 * body text; the SourceText's `locate` turns them into file:line:col.
 */
import { raise } from '../diagnostic.js';
import type { SourceText } from '../isa/model.js';

export type TokenKind = 'num' | 'ident' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** For `num`: the value, and the width implied by a hex/binary literal (null for decimal). */
  readonly value: bigint;
  readonly width: number | null;
  readonly offset: number;
}

/** Longest first, so `>>>` wins over `>>` and `<=s` over `<=`. */
const OPERATORS = [
  '>>>', '<=s', '>=s', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '=>', '..', '<s', '>s',
  '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '=', '(', ')', '[', ']', '{', '}',
  ',', ';', ':', '.', '?',
] as const;

const isIdentStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isIdentChar = (c: string): boolean => /[A-Za-z0-9_]/.test(c);

export function tokenize(src: SourceText): Token[] {
  const text = src.text;
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c)) {
      let value: bigint;
      let width: number | null = null;
      if (c === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
        i += 2;
        while (i < text.length && /[0-9a-fA-F_]/.test(text[i]!)) i++;
        const digits = text.slice(start + 2, i).replaceAll('_', '');
        if (digits === '') raise('semantics/syntax', 'hex literal without digits', src.locate(start));
        value = BigInt('0x' + digits);
        width = digits.length * 4;
      } else if (c === '0' && (text[i + 1] === 'b' || text[i + 1] === 'B')) {
        i += 2;
        while (i < text.length && /[01_]/.test(text[i]!)) i++;
        const digits = text.slice(start + 2, i).replaceAll('_', '');
        if (digits === '') raise('semantics/syntax', 'binary literal without digits', src.locate(start));
        value = BigInt('0b' + digits);
        width = digits.length;
      } else {
        while (i < text.length && /[0-9_]/.test(text[i]!)) i++;
        value = BigInt(text.slice(start, i).replaceAll('_', ''));
      }
      if (i < text.length && isIdentChar(text[i]!)) {
        raise('semantics/syntax', `malformed number '${text.slice(start, i + 1)}'`, src.locate(start));
      }
      tokens.push({ kind: 'num', text: text.slice(start, i), value, width, offset: start });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < text.length && isIdentChar(text[i]!)) i++;
      tokens.push({ kind: 'ident', text: text.slice(start, i), value: 0n, width: null, offset: start });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i) && !signedOpSwallowsName(text, i, o));
    if (op === undefined) raise('semantics/syntax', `unexpected character '${c}'`, src.locate(start));
    i += op.length;
    tokens.push({ kind: 'op', text: op, value: 0n, width: null, offset: start });
  }
  tokens.push({ kind: 'eof', text: '', value: 0n, width: null, offset: text.length });
  return tokens;
}

/** `a <sum` is `<` then `sum`: a signed comparison's `s` must not start a longer name. */
function signedOpSwallowsName(text: string, i: number, op: string): boolean {
  if (!op.endsWith('s')) return false;
  const after = text[i + op.length];
  return after !== undefined && isIdentChar(after);
}
