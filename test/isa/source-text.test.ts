/**
 * A semantics body's `locate(offset)` names the file:line:col of the character at that offset, so
 * the semantics stage's errors point at the exact character in the YAML file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SourcePos } from '../../src/diagnostic.js';
import { loadIsa } from '../../src/isa/load.js';
import type { SourceText } from '../../src/isa/model.js';
import { parseYaml } from '../../src/isa/yaml-source.js';
import { TINY } from './fixtures.js';

const tiny = loadIsa(TINY);
const lines = readFileSync(TINY, 'utf8').split('\n');

/** Where `needle` (the n-th occurrence, from 0) starts in the body, located. */
function locateIn(src: SourceText, needle: string, n = 0): SourcePos {
  let offset = -1;
  for (let i = 0; i <= n; i++) offset = src.text.indexOf(needle, offset + 1);
  expect(offset, `'${needle}' is in the body`).toBeGreaterThanOrEqual(0);
  return src.locate(offset);
}

function at(line: number, col: number): SourcePos {
  return { file: TINY, line, col };
}

/** The character at a position of a text. */
function charAt(text: string, pos: SourcePos): string | undefined {
  return text.split('\n')[pos.line - 1]?.[pos.col - 1];
}

function inline(yaml: string, key = 'k'): SourceText {
  return parseYaml(yaml, 'inline.yaml').sourceText([key]);
}

describe('locate in a literal block (|)', () => {
  const entry = tiny.trapEntry;
  const translate = tiny.functions.get('translate')?.body;

  it('maps the first character to the line after the header, at the block indentation', () => {
    expect(entry.locate(0)).toEqual(at(56, 5));
    expect(lines[55]?.slice(4)).toBe('epc = pc;');
  });

  it('maps a character inside a later line to its own line and column', () => {
    expect(locateIn(entry, 'code')).toEqual(at(57, 13));
    expect(locateIn(entry, 'tvec')).toEqual(at(62, 10));
  });

  it('keeps deeper indentation inside the block', () => {
    expect(translate).toBeDefined();
    if (!translate) return;
    expect(locateIn(translate, 'bound')).toEqual(at(43, 18));
    expect(locateIn(translate, 'AccessFault')).toEqual(at(43, 31));
    expect(locateIn(translate, 'return', 1)).toEqual(at(46, 7));
  });

  it('maps the end of the body just past its last visible character', () => {
    expect(entry.locate(entry.text.length)).toEqual(at(62, 15));
  });
});

describe('locate in one-line scalars', () => {
  it('plain: the offset from where the value starts', () => {
    const add = tiny.instructions[0]?.semantics;
    expect(add?.locate(0)).toEqual(at(88, 16));
    if (add) expect(locateIn(add, 'rt')).toEqual(at(88, 34));
  });

  it('double- and single-quoted: one further, past the quote', () => {
    expect(tiny.instructions[1]?.semantics.locate(0)).toEqual(at(94, 17));
    expect(tiny.instructions[2]?.semantics.locate(0)).toEqual(at(99, 17));
  });
});

describe('every visible character of every body locates to that same character in the file', () => {
  const text = readFileSync(TINY, 'utf8');
  const interrupts: [string, SourceText][] = tiny.interrupts ? [['interrupts', tiny.interrupts]] : [];
  const bodies: [string, SourceText][] = [
    ['trap entry', tiny.trapEntry],
    ...interrupts,
    ...[...tiny.functions.values()].map((f): [string, SourceText] => [f.name, f.body]),
    ...tiny.instructions.map((i): [string, SourceText] => [i.name, i.semantics]),
  ];
  for (const [name, body] of bodies) {
    it(name, () => {
      for (let i = 0; i < body.text.length; i++) {
        const c = body.text[i] ?? '';
        if (/\s/.test(c)) continue;
        expect(charAt(text, body.locate(i)), `offset ${i} ('${c}')`).toBe(c);
      }
    });
  }
});

describe('locate through every scalar style', () => {
  const cases: [string, string][] = [
    ['block keep (|+)', 'k: |+\n  a = 1;\n\n  b = 2;\n\nz: 1\n'],
    ['block strip (|-) with a comment on its header', 'k: |- # the body\n  a = 1;\n    b = 2;\n'],
    ['block with an indentation indicator', 'k: |2\n     a = 1;\n   b = 2;\n'],
    ['block in a sequence', 'k:\n  - |\n    a = 1;\n    b = 2;\n'],
    ['folded (>)', 'k: >\n  a = 1;\n  b = 2;\n\n  c = 3;\n'],
    ['plain over several lines', 'k: a = 1;\n  b = 2;\n  c = 3;\n'],
    ['double-quoted with escapes', 'k: "a = \\"x\\";\\tb = \\u0041; c\\\n  = 2;"\n'],
    ['single-quoted with a doubled quote', "k: 'it''s = 1; b = 2;'\n"],
    ['CRLF line ends', 'k: |\r\n  a = 1;\r\n  b = 2;\r\n'],
  ];
  for (const [name, yaml] of cases) {
    it(name, () => {
      const path = name === 'block in a sequence' ? ['k', 0] : ['k'];
      const src = parseYaml(yaml, 'inline.yaml').sourceText(path);
      expect(src.text.replace(/\s/g, '').length).toBeGreaterThan(0);
      for (let i = 0; i < src.text.length; i++) {
        const c = src.text[i] ?? '';
        if (/\s/.test(c)) continue;
        const pos = src.locate(i);
        const line = yaml.split('\n')[pos.line - 1] ?? '';
        const written = line.slice(pos.col - 1);
        // An escaped character is located at its backslash.
        expect(written.startsWith(c) || written.startsWith('\\'), `offset ${i} ('${c}') at ${pos.line}:${pos.col}: ${written}`).toBe(true);
      }
    });
  }

  it('a block body\'s lines keep their columns even after a more-indented line', () => {
    const src = inline('k: |2\n     a = 1;\n   b = 2;\n');
    expect(src.text).toBe('   a = 1;\n b = 2;\n');
    expect(src.locate(src.text.indexOf('a'))).toEqual({ file: 'inline.yaml', line: 2, col: 6 });
    expect(src.locate(src.text.indexOf('b'))).toEqual({ file: 'inline.yaml', line: 3, col: 4 });
  });

  it('an empty body locates to where its scalar starts', () => {
    const src = inline('k: ""\n');
    expect(src.locate(0)).toEqual({ file: 'inline.yaml', line: 1, col: 4 });
  });
});
