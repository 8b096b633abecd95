/**
 * Semantics bodies and encodings are YAML scalars; the stages that parse them report errors by
 * offset into the scalar's value. A SourceText carries that value with the map from each offset
 * back to the character it came from in the file, so "unknown register at file:line:col" points
 * at the exact character.
 *
 * Literal blocks (`|`, `|-`, `|+`, with or without an indentation indicator) keep their lines, so
 * the map is exact: value line k is file line header+1+k, shifted right by the block indentation.
 * Every other style (plain, quoted, folded `>`) is mapped by walking the value and the source side
 * by side, decoding quote escapes: exact for every visible character, approximate for whitespace
 * that folding made up.
 */
import type { SourcePos } from '../diagnostic.js';
import type { SourceText } from './model.js';

/** What this module needs to know about the file a scalar sits in. */
export interface FileText {
  readonly file: string;
  readonly text: string;
  /** The offset where each line starts: line 1 at index 0. */
  readonly lineStarts: readonly number[];
  readonly position: (offset: number) => SourcePos;
}

/** yaml's `Scalar.type`. */
export type ScalarStyle = 'BLOCK_LITERAL' | 'BLOCK_FOLDED' | 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';

/** A scalar as the YAML parser saw it: its value, its style, and `[start, valueEnd]` offsets. */
export interface ScalarSource {
  readonly value: string;
  readonly style: ScalarStyle;
  readonly start: number;
  readonly end: number;
}

export function scalarSourceText(scalar: ScalarSource, file: FileText): SourceText {
  const { value } = scalar;
  const locateChar =
    (scalar.style === 'BLOCK_LITERAL' ? literalLocator(scalar, file) : null) ?? alignedLocator(scalar, file);
  const lastVisible = value.trimEnd().length - 1;
  const locate = (offset: number): SourcePos => {
    const i = Math.max(0, Math.trunc(offset));
    if (i < value.length) return locateChar(i);
    // The end of the body: just after its last visible character, where "expected ;" belongs.
    if (lastVisible < 0) return file.position(scalar.start);
    const last = locateChar(lastVisible);
    return { ...last, col: last.col + 1 };
  };
  return { text: value, locate };
}

function fileLine(file: FileText, line: number): string | null {
  const start = file.lineStarts[line - 1];
  if (start === undefined) return null;
  const end = file.lineStarts[line] ?? file.text.length;
  return file.text.slice(start, end).replace(/\r?\n$/, '');
}

function lineStartsOf(value: string): number[] {
  const starts = [0];
  for (let i = 0; i < value.length; i++) if (value[i] === '\n') starts.push(i + 1);
  return starts;
}

/** Largest k with starts[k] <= offset. */
function lineIndex(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * A literal block's content starts on the line after its header (`|`, possibly with indicators and
 * a comment); each value line is the file line with the block indentation removed. Returns null if
 * the file does not look that way (then the aligned walk takes over).
 */
function literalLocator(scalar: ScalarSource, file: FileText): ((i: number) => SourcePos) | null {
  const firstLine = file.position(scalar.start).line + 1;
  const lines = scalar.value.split('\n');
  let indent: number | null = null;
  for (const [k, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const inFile = fileLine(file, firstLine + k);
    if (inFile === null || !inFile.endsWith(line)) return null;
    const here = inFile.length - line.length;
    if (indent !== null && here !== indent) return null;
    indent = here;
  }
  const blockIndent = indent ?? 0;
  const starts = lineStartsOf(scalar.value);
  return (i) => {
    const k = lineIndex(starts, i);
    return { file: file.file, line: firstLine + k, col: blockIndent + (i - (starts[k] ?? 0)) + 1 };
  };
}

const SPACE = new Set([' ', '\t', '\n', '\r']);

/** YAML double-quoted escapes of one character. */
const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};
const HEX_ESCAPES: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/** The value character(s) that the source at `s` stands for, and how many source characters that takes. */
function unitAt(src: string, s: number, style: ScalarStyle): { readonly ch: string; readonly len: number } {
  const c = src[s] ?? '';
  if (style === 'QUOTE_SINGLE' && c === "'" && src[s + 1] === "'") return { ch: "'", len: 2 };
  if (style === 'QUOTE_DOUBLE' && c === '\\') {
    const e = src[s + 1] ?? '';
    const single = ESCAPES[e];
    if (single !== undefined) return { ch: single, len: 2 };
    const digits = HEX_ESCAPES[e];
    if (digits !== undefined) {
      const code = Number.parseInt(src.slice(s + 2, s + 2 + digits), 16);
      return { ch: Number.isNaN(code) ? '' : String.fromCodePoint(code), len: 2 + digits };
    }
    // An escaped line break joins lines: it stands for nothing.
    if (e === '\n' || e === '\r') return { ch: '\n', len: 2 };
  }
  return { ch: c, len: 1 };
}

function contentStart(scalar: ScalarSource, src: string): number {
  switch (scalar.style) {
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
      return scalar.start + 1;
    case 'BLOCK_FOLDED':
    case 'BLOCK_LITERAL': {
      const newline = src.indexOf('\n', scalar.start);
      return newline < 0 ? scalar.end : newline + 1;
    }
    case 'PLAIN':
      return scalar.start;
    default: {
      const unexpected: never = scalar.style;
      throw new Error(`unknown scalar style ${String(unexpected)}`);
    }
  }
}

/** Walks value and source together: each visible value character is the next source unit that decodes to it. */
function alignedLocator(scalar: ScalarSource, file: FileText): (i: number) => SourcePos {
  const src = file.text;
  const { value, end } = scalar;
  const map: number[] = [];
  let s = contentStart(scalar, src);
  for (let i = 0; i < value.length; i++) {
    const t = value[i] ?? '';
    if (SPACE.has(t)) {
      const u = unitAt(src, s, scalar.style);
      map.push(s);
      if (s < end && SPACE.has(u.ch)) s += u.len;
      continue;
    }
    let at = s;
    while (s < end) {
      const u = unitAt(src, s, scalar.style);
      if (u.ch === t) {
        at = s;
        s += u.len;
        break;
      }
      if (!SPACE.has(u.ch)) break; // the walk lost its way: stay where we are rather than guess
      s += u.len;
      at = s;
    }
    map.push(at);
  }
  return (i) => file.position(map[i] ?? scalar.start);
}
