/**
 * Golden malformed descriptions (test/fixtures/isa/invalid/*.yaml). Each file is a small valid
 * machine with one thing wrong, and says on its second line what loading and checking must report:
 *
 *     # expect: LINE:COL: error CODE: message
 *
 * Adding a case means adding a file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, type Diagnostic } from '../../src/diagnostic.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';
import { fixture } from './fixtures.js';

const DIR = fixture('invalid');

function diagnosticsOf(file: string): readonly Diagnostic[] {
  try {
    loadCheckedIsa(file);
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics;
    throw e;
  }
  return [];
}

describe('a malformed description gives exactly one diagnostic, with its code at file:line:col', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

  it('covers every stage: YAML syntax, schema, ISA structure, encodings, semantics', () => {
    const codes = new Set(files.map((f) => /^# expect: \d+:\d+: error (\S+):/m.exec(readFileSync(join(DIR, f), 'utf8'))?.[1]));
    expect([...codes].sort()).toEqual(['encoding/invalid', 'encoding/overlap', 'isa/invalid', 'schema/invalid', 'semantics/syntax', 'semantics/unknown-name', 'semantics/width', 'yaml/syntax']);
  });

  for (const name of files) {
    it(name, () => {
      const file = join(DIR, name);
      const expected = /^# expect: (.*)$/m.exec(readFileSync(file, 'utf8'))?.[1];
      expect(expected, `${name} has no '# expect:' line`).toBeDefined();
      const diagnostics = diagnosticsOf(file);
      expect(diagnostics.map((d) => `${d.pos?.line}:${d.pos?.col}: error ${d.code}: ${d.message}`)).toEqual([expected]);
      expect(diagnostics[0]?.pos?.file).toBe(file);
    });
  }
});
