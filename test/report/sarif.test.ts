/** SARIF 2.1.0 for code scanning, checked by hand against the parts of the standard that tools read. */
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import { RULES } from '../../src/check/findings.js';
import { renderSarif, SARIF_SCHEMA, sarifLog } from '../../src/report/sarif.js';
import { loadFixture } from '../check/fixtures.js';

describe('the SARIF log', () => {
  const holes = ['control-hole', 'timing-hole', 'innocuous-hole'] as const;
  const results = holes.map((h) => auditIsa(loadFixture(h)));
  const log: unknown = JSON.parse(renderSarif(results, { version: '9.9.9' }));

  it('is SARIF 2.1.0 from the tool isavirt, with a rule for each finding kind', () => {
    expect(log).toMatchObject({ $schema: SARIF_SCHEMA, version: '2.1.0' });
    expect(log).toHaveProperty('runs.0.tool.driver.name', 'isavirt');
    expect(log).toHaveProperty('runs.0.tool.driver.version', '9.9.9');
    expect(log).toHaveProperty(['runs', 0, 'tool', 'driver', 'rules'], RULES.map((r) => ({
      id: r.id, name: expect.any(String), shortDescription: { text: r.short }, fullDescription: { text: r.full },
      defaultConfiguration: { level: r.level }, helpUri: expect.any(String),
    })));
  });

  it('has one result per finding, at the instruction\'s (or the claim\'s) line in the description', () => {
    const sarif = sarifLog(results, { version: '1' });
    expect(sarif).toHaveProperty('runs.0.results.length', 6);
    const result = (i: number, expected: object): void => { expect(sarif).toHaveProperty(['runs', 0, 'results', i], expect.objectContaining(expected)); };
    const setie = results[0]!.instructions.find((i) => i.name === 'setie')!;
    const at = (file: string, line: number) => [{ physicalLocation: { artifactLocation: { uri: `test/fixtures/check/${file}.yaml` }, region: { startLine: line } } }];
    result(0, {
      ruleId: 'control-sensitive-not-privileged', ruleIndex: 0, level: 'error',
      message: { text: expect.stringMatching(/^setie is control-sensitive but not privileged: changes status/) },
      locations: at('control-hole', setie.line),
    });
    result(1, { ruleId: 'expectation-contradicted', level: 'error', locations: at('control-hole', setie.mismatches[0]!.line) });
    result(2, { ruleId: 'timing-dependent-not-privileged', level: 'warning' });
    result(3, { ruleId: 'expectation-contradicted', message: { text: expect.stringContaining('rdcycle: expect says privileged: true') } });
    result(4, { ruleId: 'control-sensitive-not-privileged' });
    result(5, { ruleId: 'expectation-contradicted', message: { text: expect.stringContaining('expect says innocuous: true') } });
  });

  it('is empty of results, but still lists its rules, when nothing is found', () => {
    const clean = sarifLog([auditIsa(loadFixture('sealed'))], { version: '1' });
    expect(clean).toHaveProperty('runs.0.results', []);
    expect(clean).toHaveProperty('runs.0.tool.driver.rules.length', RULES.length);
  });
});
