/**
 * `isavirt audit ISA...`: the Popek–Goldberg audit (DESIGN.md §3, docs/audit.md) of each ISA
 * description (or of every *.yaml in a directory): the verdict table, or `--json` for the report
 * objects; several ISAs end with a summary table (report/summary.ts); `--reports DIR` writes DIR/NAME.md and DIR/NAME.json, `--sarif FILE` the findings as
 * SARIF 2.1.0; `--replay` re-executes every witness recorded in DIR/NAME.json instead of auditing.
 * Searches are seeded (printed; `--seed` overrides) so a run is reproducible.
 * Exit status: 0 when the required theorem (`--require t1|t2|t3|none`, default t1; over all
 * states, or `--config vmm` under the `vmm:` configuration) holds for every ISA (with `--replay`:
 * every witness replays), 1 when not, 2 for bad input.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { raise } from '../diagnostic.js';
import { auditIsa } from '../check/audit.js';
import { Replayer } from '../check/replay.js';
import { DEFAULT_RUNS, type AuditResult, type TheoremName } from '../check/result.js';
import { renderJson, renderReportJson, witnessJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { readReport } from '../report/recorded.js';
import { renderSarif } from '../report/sarif.js';
import { renderSummary } from '../report/summary.js';
import { renderTable } from '../report/table.js';
import { loadCheckedIsa, type CheckedIsa } from '../semantics/check-isa.js';
import { parseCount } from './options.js';

export type Requirement = TheoremName | 'none';
export type VerdictConfig = 'all' | 'vmm';

const REQUIREMENTS: readonly Requirement[] = ['t1', 't2', 't3', 'none'];
const CONFIGS: readonly VerdictConfig[] = ['all', 'vmm'];

/** Where `npm start` puts the reports, and where `--replay` reads them unless `--reports` says otherwise. */
export const REPORTS_DIR = 'reports';

function parseRequirement(text: string): Requirement {
  const r = REQUIREMENTS.find((x) => x === text);
  if (r === undefined) throw new InvalidArgumentError(`expected t1, t2, t3 or none, got '${text}'`);
  return r;
}

function parseConfig(text: string): VerdictConfig {
  const c = CONFIGS.find((x) => x === text);
  if (c === undefined) throw new InvalidArgumentError(`expected all or vmm, got '${text}'`);
  return c;
}

/** A seed: a whole number 0..2^31-1, decimal or hex. */
function parseSeed(text: string): number {
  const n = Number(text.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < 0 || n > 0x7fffffff) throw new InvalidArgumentError(`expected a seed 0..2147483647, got '${text}'`);
  return n;
}

/** A path as reports show it: relative to the working directory with forward slashes, when it lies inside it. */
export function displayPath(p: string): string {
  const rel = relative(process.cwd(), resolve(p));
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? p : rel.split(sep).join('/');
}

/** The description files named: files as given, directories as their *.yaml files in name order. */
export function descriptionFiles(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(p).isDirectory();
    } catch {
      return raise('io/read', `cannot read ${p}: no such file or directory`);
    }
    if (!isDirectory) return [displayPath(p)];
    const files = readdirSync(p).filter((f) => f.endsWith('.yaml')).sort().map((f) => displayPath(join(p, f)));
    if (files.length === 0) raise('io/read', `${p}: no ISA descriptions (*.yaml) in this directory`);
    return files;
  });
}

/** Does the required theorem hold for this result, over the states `config` names? */
export function meets(result: AuditResult, requirement: Requirement, config: VerdictConfig = 'all'): boolean {
  if (requirement === 'none') return true;
  return (config === 'all' ? result.theorems : result.underVmmConfig)[requirement].holds;
}

/** The report files of one audit: DIR/NAME.md and DIR/NAME.json. */
export function reportFiles(result: AuditResult, dir: string): { readonly path: string; readonly text: string }[] {
  const sourceLink = relative(dir, result.file).split(sep).join('/');
  return [
    { path: join(dir, `${result.isa}.md`), text: renderMarkdown(result, { sourceLink }) },
    { path: join(dir, `${result.isa}.json`), text: renderReportJson(result) },
  ];
}

/** The cross-ISA summary `npm start` writes beside the reports. */
export const SUMMARY_FILE = 'summary.md';

export function writeText(path: string, text: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (e) {
    raise('io/write', `cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Writes the reports of `results` into `dir`; the paths written. */
export function writeReports(results: readonly AuditResult[], dir: string): string[] {
  return results.flatMap((r) => reportFiles(r, dir).map((f) => {
    writeText(f.path, f.text);
    return f.path;
  }));
}

export function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : 'unknown';
}

/** Per-instruction wall-clock times, slowest first (not in the reports: they are deterministic). */
function timingLines(r: AuditResult): string {
  const rows = [...r.instructions].sort((a, b) => b.seconds - a.seconds)
    .map((i) => `  ${(i.seconds * 1000).toFixed(1).padStart(8)} ms  ${i.name} (${i.variants.length} row${i.variants.length === 1 ? '' : 's'})`);
  return `Time per instruction, ${r.isa} (total ${(r.seconds * 1000).toFixed(0)} ms):\n${rows.join('\n')}\n`;
}

/** What replaying a report's witnesses found. */
export interface Replay {
  readonly total: number;
  /** One line per witness that did not replay to what the report records. */
  readonly problems: readonly string[];
  /** The report was made from a different description. */
  readonly stale: boolean;
}

/** Replays every witness recorded in a report (the text of NAME.json) against the description. */
export function replayReport(checked: CheckedIsa, text: string): Replay | string {
  const report = readReport(text);
  if (typeof report === 'string') return report;
  const replayer = new Replayer(checked);
  const problems: string[] = [];
  for (const w of report.witnesses) {
    const replayed = replayer.replay(w);
    const item = `${w.instruction}${w.selection === '' ? '' : ` ${w.selection}`} (${w.search}${w.config === 'vmm' ? ' under vmm:' : ''})`;
    if (typeof replayed === 'string') problems.push(`${item}: ${replayed}`);
    else if (JSON.stringify(witnessJson(replayed, w.selection)) !== w.json) problems.push(`${item}: replays to a different witness: ${replayed.summary}`);
  }
  return { total: report.witnesses.length, problems, stale: report.hash !== checked.isa.hash };
}

/** Replays every witness recorded in DIR/NAME.json and says so; true when all are confirmed. */
function replayRecorded(checked: CheckedIsa, dir: string): boolean {
  const path = join(dir, `${checked.isa.name}.json`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return raise('io/read', `cannot read ${path}: no report to replay (write one with --reports ${dir}, or npm start)`);
  }
  const replay = replayReport(checked, text);
  if (typeof replay === 'string') return raise('io/read', `${path}: ${replay}`);
  const stale = replay.stale ? ` (the report was made from a different ${checked.isa.file}: regenerate it)` : '';
  const confirmed = replay.total - replay.problems.length;
  process.stdout.write(`${checked.isa.name}: ${confirmed} of ${replay.total} witnesses in ${path} replayed and confirmed${stale}\n`);
  for (const p of replay.problems) process.stdout.write(`  ${p}\n`);
  return replay.problems.length === 0 && !replay.stale;
}

interface AuditCliOptions {
  readonly seed?: number;
  readonly runs: number;
  readonly json?: boolean;
  readonly require: Requirement;
  readonly config: VerdictConfig;
  readonly reports?: string;
  readonly sarif?: string;
  readonly replay?: boolean;
  readonly timings?: boolean;
}

export function register(program: Command): void {
  program
    .command('audit')
    .description('Popek–Goldberg audit: classify every instruction (privileged; control-, mode-, location-, resource-, '
      + 'user-sensitive; timing-dependent) with proofs or witnesses, and decide Theorems 1, 2 and 3')
    .argument('<isa...>', 'ISA descriptions (isas/NAME.yaml), or directories of them')
    .option('--seed <n>', 'base seed of every witness search (default: derived from the ISA name)', parseSeed)
    .option('--runs <n>', 'fast-check runs per search', parseCount, DEFAULT_RUNS)
    .option('--json', 'print the reports (an array, one per ISA) as JSON')
    .option('--require <theorem>', 'the theorem that decides the exit status: t1, t2, t3 or none', parseRequirement, 't1')
    .option('--config <states>', 'decide the exit status over all states, or under the vmm: configuration', parseConfig, 'all')
    .option('--reports <dir>', 'write DIR/NAME.md and DIR/NAME.json for each ISA')
    .option('--sarif <file>', 'write the findings of every ISA as SARIF 2.1.0')
    .option('--replay', `replay every witness recorded in the reports (--reports DIR, default ${REPORTS_DIR}) instead of auditing`)
    .option('--timings', 'print the time spent per instruction')
    .action((paths: string[], opts: AuditCliOptions) => {
      // Load everything first, so bad input stops the command before any audit runs.
      const isas = descriptionFiles(paths).map(loadCheckedIsa);
      const dir = opts.reports ?? REPORTS_DIR;
      if (opts.replay) {
        let ok = true;
        for (const checked of isas) ok = replayRecorded(checked, dir) && ok;
        process.exitCode = ok ? 0 : 1;
        return;
      }
      const results: AuditResult[] = [];
      for (const checked of isas) {
        const result = auditIsa(checked, opts.seed === undefined ? { runs: opts.runs } : { runs: opts.runs, seed: opts.seed });
        results.push(result);
        if (!opts.json) process.stdout.write(`${results.length > 1 ? '\n' : ''}${renderTable(result)}`);
        if (opts.timings) (opts.json ? process.stderr : process.stdout).write(timingLines(result));
      }
      if (opts.json) process.stdout.write(renderJson(results));
      else if (results.length > 1) process.stdout.write(`\nSummary\n\n${renderSummary(results, { times: true })}`);
      if (opts.reports !== undefined) writeReports(results, dir);
      if (opts.sarif !== undefined) writeText(opts.sarif, renderSarif(results, { version: packageVersion() }));
      process.exitCode = results.every((r) => meets(r, opts.require, opts.config)) ? 0 : 1;
    });
}
