/** reports/NAME.json: the shape programs rely on (docs/audit.md), deterministic and one witness per line. */
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import { renderJson, renderReportJson, stringify } from '../../src/report/json.js';
import { loadFixture } from '../check/fixtures.js';

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error(`not an object: ${JSON.stringify(x)}`);
  return Object.fromEntries(Object.entries(x));
};
const list = (x: unknown): unknown[] => {
  if (!Array.isArray(x)) throw new Error(`not an array: ${JSON.stringify(x)}`);
  return x.map((y: unknown) => y);
};

describe('the JSON report', () => {
  const result = auditIsa(loadFixture('configured'));
  const report = obj(JSON.parse(renderReportJson(result)));

  it('has the theorems over all states and under the vmm: configuration', () => {
    expect(report['isa']).toBe('configured');
    expect(Object.keys(report)).toEqual([
      'isa', 'title', 'file', 'hash', 'seed', 'runs', 'modes', 'vmm', 'theorems', 'underVmmConfig', 'unknown', 'instructions', 'findings',
    ]);
    expect(obj(report['theorems'])['t1']).toEqual({ holds: true, evidence: 'proven', offending: [], unresolved: [] });
    expect(obj(obj(report['theorems'])['t2'])).toMatchObject({ holds: false, offending: [{ instruction: 'rdcycle' }] });
    expect(obj(obj(report['underVmmConfig'])['t2'])).toMatchObject({ holds: true, offending: [] });
    expect(report['unknown']).toEqual({ allStates: 0, underVmmConfig: 0 });
  });

  it('has every instruction with its line, its classes and innocuous; a witnessed class carries its witness', () => {
    const instructions = list(report['instructions']).map(obj);
    const rdcycle = instructions.find((i) => i['name'] === 'rdcycle')!;
    expect(rdcycle['line']).toBe(result.instructions.find((i) => i.name === 'rdcycle')!.line);
    expect(Object.keys(obj(rdcycle['classes']))).toEqual([
      'privileged', 'controlSensitive', 'modeSensitive', 'locationSensitive', 'resourceSensitive', 'userSensitive', 'timingDependent',
    ]);
    expect(obj(rdcycle['classes'])['controlSensitive']).toEqual({ value: false, evidence: 'proven' });
    const timing = obj(obj(rdcycle['classes'])['timingDependent']);
    expect(timing).toMatchObject({ value: true, evidence: 'witnessed' });
    const w = obj(timing['witness']);
    expect(Object.keys(w)).toEqual(['search', 'config', 'seed', 'path', 'selection', 'word', 'fields', 'summary', 'before', 'after']);
    expect(typeof w['seed']).toBe('number');
    expect(list(w['before'])).toHaveLength(2);
    expect(list(w['after']).map(obj)[0]).toHaveProperty('R[1]');
    expect(rdcycle['innocuous']).toBe(true);
    expect(obj(obj(obj(rdcycle['underVmmConfig'])['classes'])['privileged'])).toEqual({ value: true, evidence: 'proven' });
  });

  it('groups variants under their instruction and aggregates them', () => {
    const csrw = list(report['instructions']).map(obj).find((i) => i['name'] === 'csrw')!;
    expect(list(csrw['variants']).map((v) => obj(v)['selection'])).toEqual(['csr=CSR_VECTOR', 'csr=CSR_STATUS', 'csr=CSR_BASE', 'csr=CSR_BOUND', 'csr=other']);
    // Privileged must hold for every variant; csr=other traps in every mode (proven), so it does not.
    expect(obj(obj(csrw['classes'])['privileged'])).toMatchObject({ value: false, evidence: 'proven' });
    // A sensitivity holds when some variant shows it; its witness names that variant.
    const control = obj(obj(csrw['classes'])['controlSensitive']);
    expect(control).toMatchObject({ value: true, evidence: 'witnessed' });
    expect(obj(control['witness'])['selection']).toMatch(/^csr=CSR_/);
  });

  it('lists the findings with their rule and line', () => {
    expect(list(report['findings'])).toEqual([{
      rule: 'timing-dependent-not-privileged', level: 'warning', instruction: 'rdcycle', line: result.instructions.find((i) => i.name === 'rdcycle')!.line,
      message: expect.stringMatching(/^rdcycle is timing-dependent in user mode but not privileged: .* The vmm: configuration \(counteren.CY = 0x0\) removes it\.$/),
      theorems: ['t2'], underVmmConfig: false,
    }]);
  });

  it('is the same bytes every time, with short values and witnesses on one line', () => {
    expect(renderReportJson(auditIsa(loadFixture('configured')))).toBe(renderReportJson(result));
    expect(stringify({ a: [1, 2], b: { witness: { x: 'y'.repeat(200) } } })).toBe(`{\n  "a": [1,2],\n  "b": {\n    "witness": {"x":"${'y'.repeat(200)}"}\n  }\n}`);
    expect(JSON.parse(renderJson([result]))).toEqual([report]);
  });
});
