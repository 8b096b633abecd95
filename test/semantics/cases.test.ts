/**
 * Golden cases of the semantics language (test/semantics/cases/*.txt; the format is in
 * case-files.ts), eval cases run by the reference interpreter. Adding a language test means
 * adding a case.
 */
import { describe, expect, it } from 'vitest';
import { caseFiles, readCases, runCase } from './case-files.js';

for (const file of caseFiles()) {
  describe(`semantics cases: ${file}`, () => {
    for (const c of readCases(file)) {
      it(`${c.kind}: ${c.title}`, () => {
        expect(runCase(c)).toBe(c.expected);
      });
    }
  });
}
