/**
 * reports/ is generated (by `npm start`), never edited by hand: generating a report twice gives
 * the same bytes, and the committed reports are exactly what the current code generates from the
 * ISAs shipped in isas/ — so they never drift.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditIsa } from '../../src/check/audit.js';
import type { AuditResult } from '../../src/check/result.js';
import { replayReport, REPORTS_DIR, reportFiles, SUMMARY_FILE } from '../../src/cli/audit.js';
import { renderSummaryReport } from '../../src/report/summary.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';
import { FIXTURE_NAMES, loadFixture } from '../check/fixtures.js';

const SHIPPED = readdirSync('isas').filter((f) => f.endsWith('.yaml')).sort();
/** Each shipped ISA's audit, as the tests below make it (in SHIPPED order). */
const audits = new Map<string, AuditResult>();

describe('reports', () => {
  it('are the same bytes when generated twice', () => {
    for (const checked of [...FIXTURE_NAMES.map(loadFixture), loadCheckedIsa('isas/pg3.yaml')]) {
      const first = reportFiles(auditIsa(checked), REPORTS_DIR);
      const second = reportFiles(auditIsa(checked), REPORTS_DIR);
      expect(second, checked.isa.name).toEqual(first);
    }
  }, 60_000);

  it.each(SHIPPED)('reports/ for isas/%s match what the current code generates, and every witness in them replays', (file) => {
    const checked = loadCheckedIsa(`isas/${file}`);
    const result = auditIsa(checked);
    audits.set(file, result);
    const files = reportFiles(result, REPORTS_DIR);
    for (const f of files) {
      expect(existsSync(f.path), `${f.path} is missing (run npm start)`).toBe(true);
      expect(readFileSync(f.path, 'utf8'), `${f.path} has drifted (run npm start)`).toBe(f.text);
    }
    const replay = replayReport(checked, files.find((f) => f.path.endsWith('.json'))!.text);
    expect(replay).toMatchObject({ problems: [], stale: false });
    expect(typeof replay !== 'string' && replay.total).toBeGreaterThan(0);
  }, 300_000);

  it('reports/summary.md sets the shipped ISAs side by side, as the current code generates it', () => {
    const results = SHIPPED.map((f) => audits.get(f) ?? auditIsa(loadCheckedIsa(`isas/${f}`)));
    expect(readFileSync(`${REPORTS_DIR}/${SUMMARY_FILE}`, 'utf8'), 'reports/summary.md has drifted (run npm start)').toBe(renderSummaryReport(results));
  }, 300_000);

  it('reports/ holds nothing but the reports of the shipped ISAs and their summary', () => {
    const names = SHIPPED.map((f) => loadCheckedIsa(`isas/${f}`).isa.name);
    const expected = [...names.flatMap((n) => [`${n}.json`, `${n}.md`]), SUMMARY_FILE].sort();
    expect(readdirSync(REPORTS_DIR).sort()).toEqual(expected);
  });
});
