/**
 * The assembler, derived from the description: nothing in it is written for one ISA. A line of a
 * `.s` file is matched against every instruction's `syntax` template (literal text and `{field}`
 * placeholders, whitespace-insensitive around punctuation, mnemonics in any case); each operand is
 * read as its `operands` entry says and checked against its field, and the word is the encoding's
 * fixed bits with every field inserted.
 *
 *     # comment            ; comment too
 *     label:  add r1, r2   # a label is the address (in memory units) of what follows it
 *             .org 0x100   # continue at this address
 *             .word 42, label, -1, end - start   # one instruction-width value each
 *
 * Immediates are decimal, hex (0x) or binary (0b), labels, or sums and differences of those.
 * Every error is an InputError `asm/syntax` at file:line:col of the offending text.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { InputError, raise, type Diagnostic, type SourcePos } from '../diagnostic.js';
import { bytesPerUnit, syntaxTemplate, unitsOfWord, type TemplatePart } from './disassembler.js';
import { fieldBits, insertField } from './encoding.js';
import type { EncodingField, Instruction, Isa, Operand } from './model.js';

/** An assembled program: `units[i]` is the memory unit at address `origin + i`. */
export interface Program {
  /** Address of the first unit, in memory units. */
  readonly origin: number;
  /** One value per memory unit (bytes on a byte-addressed ISA); gaps left by `.org` are 0. */
  readonly units: readonly bigint[];
  /** Every label and its address in memory units. */
  readonly symbols: ReadonlyMap<string, number>;
}

export interface Assembler {
  /** Assemble a whole source text; `file` names it in diagnostics. */
  readonly assemble: (source: string, file: string) => Program;
  /** Encode one instruction (no labels but those in `symbols`); throws InputError `asm/syntax`. */
  readonly encode: (line: string, symbols?: ReadonlyMap<string, number>) => bigint;
}

/** An instruction's template as a regular expression whose groups are its operands, in order. */
interface Matcher {
  readonly instruction: Instruction;
  readonly mnemonic: string;
  readonly regex: RegExp;
  readonly operands: readonly Extract<TemplatePart, { kind: 'field' }>[];
}

/** A line's text after the labels, with the column where it starts. */
interface Statement {
  readonly text: string;
  readonly col: number;
  readonly line: number;
}

const LABEL = /^\s*([A-Za-z_.$][A-Za-z0-9_.$]*)\s*:/;
const SYMBOL = /^[A-Za-z_.$][A-Za-z0-9_.$]*$/;
const TERM = /\s*([+-])?\s*(0[xX][0-9a-fA-F_]+|0[bB][01_]+|[0-9][0-9_]*|[A-Za-z_.$][A-Za-z0-9_.$]*)\s*/y;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Literal template text as a pattern: words must be separated where the template separates them,
 * any other whitespace is optional, and whitespace is allowed around punctuation.
 */
function literalPattern(text: string, before: boolean, after: boolean): string {
  const tokens = text.match(/[A-Za-z0-9_.]+|\S/g) ?? [];
  const isWord = (t: string | undefined): boolean => t !== undefined && /^[A-Za-z0-9_.]/.test(t);
  let out = '';
  tokens.forEach((t, i) => {
    if (i > 0) out += isWord(tokens[i - 1]) && isWord(t) ? '\\s+' : '\\s*';
    out += escape(t);
  });
  // A word next to a placeholder across a space (`jmp {t}`) needs that space: `jmp` ≠ `jm p`.
  const lead = before && /^\s/.test(text) && isWord(tokens[0]) ? '\\s+' : '\\s*';
  const trail = after && /\s$/.test(text) && isWord(tokens[tokens.length - 1]) ? '\\s+' : '\\s*';
  return tokens.length === 0 ? (text.length > 0 && before && after ? '\\s+' : '\\s*') : `${lead}${out}${trail}`;
}

function matcher(isa: Isa, instruction: Instruction): Matcher {
  const parts = syntaxTemplate(isa, instruction);
  let pattern = '^\\s*';
  parts.forEach((part, i) => {
    if (part.kind === 'field') pattern += '(.+?)';
    else pattern += literalPattern(part.text, i > 0, i < parts.length - 1);
  });
  pattern += '\\s*$';
  return {
    instruction,
    mnemonic: (instruction.syntax.match(/^\s*([^\s{]+)/)?.[1] ?? '').toLowerCase(),
    regex: new RegExp(pattern, 'di'),
    operands: parts.filter((p): p is Extract<TemplatePart, { kind: 'field' }> => p.kind === 'field'),
  };
}

/** The index of register `text` in `file`: one of its `names`, or `<file-lowercase><n>`. */
function registerIndex(isa: Isa, file: string, text: string): number | null {
  const element = isa.state.get(file);
  if (element === undefined) return null;
  const named = element.names.indexOf(text);
  if (named >= 0) return named;
  const lower = element.names.findIndex((n) => n.toLowerCase() === text.toLowerCase());
  if (lower >= 0) return lower;
  const m = /^([A-Za-z_]+)([0-9]+)$/.exec(text);
  if (m && m[1]?.toLowerCase() === file.toLowerCase()) {
    const n = Number(m[2]);
    if (n < element.count) return n;
  }
  return null;
}

export function createAssembler(isa: Isa): Assembler {
  const matchers = isa.instructions.map((i) => matcher(isa, i));
  const unitsPerWord = isa.instructionWidth / isa.unit;
  const wordBits = BigInt(isa.instructionWidth);

  /** Value of an expression: numbers and labels joined by + and -. */
  const evaluate = (text: string, pos: SourcePos, symbols: ReadonlyMap<string, number>): bigint => {
    let value = 0n;
    let at = 0;
    let first = true;
    while (at < text.length) {
      TERM.lastIndex = at;
      const m = TERM.exec(text);
      const sign = m?.[1];
      const term = m?.[2];
      if (!m || term === undefined || (!first && sign === undefined)) {
        return raise('asm/syntax', `expected a number or a label, got '${text.slice(at).trim()}'`, { ...pos, col: pos.col + at });
      }
      let v: bigint;
      if (SYMBOL.test(term)) {
        const address = symbols.get(term);
        if (address === undefined) return raise('asm/syntax', `undefined label '${term}'`, { ...pos, col: pos.col + text.indexOf(term, at) });
        v = BigInt(address);
      } else {
        v = BigInt(term.replaceAll('_', ''));
      }
      value += sign === '-' ? -v : v;
      at = TERM.lastIndex;
      first = false;
    }
    if (first) return raise('asm/syntax', 'expected a value', pos);
    return value;
  };

  /** The bits of one operand for `field`, or a diagnostic at the operand. */
  const operandBits = (field: EncodingField, operand: Operand, text: string, pos: SourcePos, symbols: ReadonlyMap<string, number>): bigint => {
    if (operand.kind === 'register') {
      const index = registerIndex(isa, operand.file, text);
      if (index === null) return raise('asm/syntax', `'${text}' is not a register of ${operand.file}`, pos);
      if (index >= 2 ** field.width) return raise('asm/syntax', `register '${text}' does not fit the ${field.width}-bit field ${field.name}`, pos);
      return BigInt(index);
    }
    const value = evaluate(text, pos, symbols);
    const shown = text === value.toString() ? text : `${text} (= ${value})`;
    const w = BigInt(field.width);
    const [lo, hi] = operand.kind === 'signed' ? [-(1n << (w - 1n)), (1n << (w - 1n)) - 1n] : [0n, (1n << w) - 1n];
    if (value < lo || value > hi) {
      return raise('asm/syntax', `${shown} does not fit the ${field.width}-bit ${operand.kind} field ${field.name}: ${lo}..${hi}`, pos);
    }
    const bits = BigInt.asUintN(field.width, value);
    const missing = bits & ~fieldBits(field);
    if (missing !== 0n) {
      const low = (fieldBits(field) & -fieldBits(field)).toString(2).length - 1;
      return raise('asm/syntax', `${shown} must be a multiple of ${1n << BigInt(low)}: field ${field.name} has no bit ${missing.toString(2).length - 1}`, pos);
    }
    return bits;
  };

  /**
   * The length in bits a statement will take: that of the first template its text matches (for
   * variable-length instructions, pass 1 fixes the layout before label values are known).
   */
  const widthOf = (st: Statement): number =>
    matchers.find((m) => m.regex.test(st.text))?.instruction.encoding.width ?? isa.instructionWidth;

  /**
   * Encode one statement; the first template (of `width` bits, when given) whose operands all
   * fit wins, else the first template's error.
   */
  const encodeStatement = (st: Statement, file: string, symbols: ReadonlyMap<string, number>, width?: number): bigint => {
    const at = (offset: number): SourcePos => ({ file, line: st.line, col: st.col + offset });
    let firstError: InputError | null = null;
    for (const m of matchers) {
      if (width !== undefined && m.instruction.encoding.width !== width) continue;
      const found = m.regex.exec(st.text);
      if (!found) continue;
      try {
        let word = m.instruction.encoding.match;
        m.operands.forEach((part, i) => {
          const text = found[i + 1] ?? '';
          const start = found.indices?.[i + 1]?.[0] ?? 0;
          word = insertField(word, part.field, operandBits(part.field, part.operand, text, at(start), symbols));
        });
        return word;
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        firstError ??= e;
      }
    }
    if (firstError) throw firstError;
    // No template matched: name the mnemonic if no instruction has it, else show its forms at the operands.
    const head = /^(\s*)(\S*)\s*/.exec(st.text);
    const mnemonic = head?.[2] ?? '';
    const forms = matchers.filter((m) => m.mnemonic === mnemonic.toLowerCase()).map((m) => m.instruction.syntax);
    if (forms.length === 0) return raise('asm/syntax', `unknown instruction '${mnemonic}'`, at(head?.[1]?.length ?? 0));
    return raise('asm/syntax', `operands do not match ${forms.map((f) => `'${f}'`).join(' or ')}`, at(head?.[0].length ?? 0));
  };

  const assemble = (source: string, file: string): Program => {
    const diagnostics: Diagnostic[] = [];
    const symbols = new Map<string, number>();
    const words: { address: number; width: number; value: () => bigint; pos: SourcePos }[] = [];
    let location = isa.board?.ram.base ?? 0;
    const attempt = (work: () => void): void => {
      try {
        work();
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        diagnostics.push(...e.diagnostics);
      }
    };

    // Pass 1: labels, directives and where each statement goes.
    source.split(/\r?\n/).forEach((raw, i) => {
      const line = i + 1;
      let text = raw.replace(/[#;].*$/, '');
      let col = 1;
      for (let m = LABEL.exec(text); m; m = LABEL.exec(text)) {
        const name = m[1] ?? '';
        const labelCol = col + m[0].indexOf(name);
        if (symbols.has(name)) diagnostics.push({ code: 'asm/syntax', message: `label '${name}' is already defined`, pos: { file, line, col: labelCol } });
        else symbols.set(name, location);
        col += m[0].length;
        text = text.slice(m[0].length);
      }
      if (text.trim() === '') return;
      const directive = /^\s*\.([A-Za-z]+)\b\s*(.*?)\s*$/d.exec(text);
      const pos: SourcePos = { file, line, col: col + (directive?.indices?.[2]?.[0] ?? 0) };
      if (directive && directive[1] === 'org') {
        attempt(() => {
          const address = evaluate(directive[2] ?? '', pos, symbols);
          if (address < 0n || address > BigInt(Number.MAX_SAFE_INTEGER)) raise('asm/syntax', `.org ${address} is not an address`, pos);
          location = Number(address);
        });
      } else if (directive && directive[1] === 'word') {
        let offset = 0;
        for (const item of (directive[2] ?? '').split(',')) {
          const itemPos = { ...pos, col: pos.col + offset + (item.length - item.trimStart().length) };
          words.push({
            address: location,
            width: isa.instructionWidth,
            pos: itemPos,
            value: () => {
              const v = evaluate(item.trim(), itemPos, symbols);
              if (v < -(1n << (wordBits - 1n)) || v >= 1n << wordBits) raise('asm/syntax', `.word ${v} does not fit ${wordBits} bits`, itemPos);
              return BigInt.asUintN(isa.instructionWidth, v);
            },
          });
          location += unitsPerWord;
          offset += item.length + 1;
        }
      } else if (directive) {
        diagnostics.push({ code: 'asm/syntax', message: `unknown directive '.${directive[1]}' (there are .org and .word)`, pos: { file, line, col: col + (directive.indices?.[1]?.[0] ?? 1) - 1 } });
      } else {
        const st: Statement = { text, col, line };
        const width = widthOf(st);
        words.push({ address: location, width, pos: { file, line, col }, value: () => encodeStatement(st, file, symbols, width) });
        location += width / isa.unit;
      }
    });

    // Pass 2: values, now that every label is known; each unit may be written once.
    const memory = new Map<number, bigint>();
    for (const w of words) {
      attempt(() => {
        for (let i = 0; i < w.width / isa.unit; i++) {
          if (memory.has(w.address + i)) raise('asm/syntax', `address 0x${(w.address + i).toString(16)} is already assembled (an .org goes back over code)`, w.pos);
          memory.set(w.address + i, 0n);
        }
        unitsOfWord(isa, w.value(), w.width).forEach((u, i) => memory.set(w.address + i, u));
      });
    }
    if (diagnostics.length > 0) throw new InputError(diagnostics.sort((a, b) => (a.pos?.line ?? 0) - (b.pos?.line ?? 0) || (a.pos?.col ?? 0) - (b.pos?.col ?? 0)));
    const addresses = [...memory.keys()];
    const origin = addresses.length === 0 ? location : Math.min(...addresses);
    const end = addresses.length === 0 ? origin : Math.max(...addresses) + 1;
    const units = Array.from({ length: end - origin }, (_, i) => memory.get(origin + i) ?? 0n);
    return { origin, units, symbols };
  };

  const encode = (line: string, symbols: ReadonlyMap<string, number> = new Map()): bigint =>
    encodeStatement({ text: line, col: 1, line: 1 }, '<line>', symbols);

  return { assemble, encode };
}

/** Assemble `source` for `isa`; `file` names it in diagnostics. */
export function assemble(isa: Isa, source: string, file: string): Program {
  return createAssembler(isa).assemble(source, file);
}

/** Read and assemble a `.s` file. */
export function assembleFile(isa: Isa, file: string): Program {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    return raise('io/read', `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return assemble(isa, source, file);
}

/**
 * The flat image of a program, as `loadGuestImage` (machine/image.ts) loads it: from the RAM
 * base (0 without a board) up to the program's last unit, zeros before its origin, every unit
 * padded to whole bytes in the ISA's byte order.
 */
export function flatImage(isa: Isa, program: Program): Uint8Array {
  const base = isa.board?.ram.base ?? 0;
  if (program.origin < base) {
    raise('asm/syntax', `the program starts at 0x${program.origin.toString(16)}, below the RAM base 0x${base.toString(16)}: a flat image cannot hold it`);
  }
  const size = bytesPerUnit(isa);
  const bytes = new Uint8Array((program.origin - base + program.units.length) * size);
  program.units.forEach((unit, i) => {
    const at = (program.origin - base + i) * size;
    for (let b = 0; b < size; b++) {
      const byte = Number((unit >> BigInt(8 * b)) & 0xffn);
      bytes[isa.endian === 'big' ? at + size - 1 - b : at + b] = byte;
    }
  });
  return bytes;
}

/** Write a program's flat image to `file`. */
export function writeFlatImage(isa: Isa, program: Program, file: string): void {
  try {
    writeFileSync(file, flatImage(isa, program));
  } catch (e) {
    raise('io/write', `cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
