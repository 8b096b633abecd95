/**
 * `isavirt audit ISA...`: the Popek–Goldberg audit (DESIGN.md §3, docs/audit.md) of each ISA
 * description (or of every *.yaml in a directory): the verdict table, or `--json` for the
 * AuditResult data. Searches are seeded (printed; `--seed` overrides) so a run is reproducible.
 * Exit status: 0 when the required theorem (`--require t1|t3|none`, default t1) holds for every
 * ISA, 1 when it fails for one, 2 for bad input.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { raise } from '../diagnostic.js';
import { auditIsa } from '../check/audit.js';
import { DEFAULT_RUNS, type AuditResult } from '../check/result.js';
import { renderJson } from '../report/json.js';
import { renderTable } from '../report/table.js';
import { loadCheckedIsa } from '../semantics/check-isa.js';
import { parseCount } from './options.js';

export type Requirement = 't1' | 't3' | 'none';

const REQUIREMENTS: readonly Requirement[] = ['t1', 't3', 'none'];

function parseRequirement(text: string): Requirement {
  const r = REQUIREMENTS.find((x) => x === text);
  if (r === undefined) throw new InvalidArgumentError(`expected t1, t3 or none, got '${text}'`);
  return r;
}

/** A seed: a whole number 0..2^31-1, decimal or hex. */
function parseSeed(text: string): number {
  const n = Number(text.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < 0 || n > 0x7fffffff) throw new InvalidArgumentError(`expected a seed 0..2147483647, got '${text}'`);
  return n;
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
    if (!isDirectory) return [p];
    const files = readdirSync(p).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(p, f));
    if (files.length === 0) raise('io/read', `${p}: no ISA descriptions (*.yaml) in this directory`);
    return files;
  });
}

/** Does the required theorem hold for this result? */
export function meets(result: AuditResult, requirement: Requirement): boolean {
  switch (requirement) {
    case 't1': return result.theorem1.holds;
    case 't3': return result.theorem3.holds;
    case 'none': return true;
    default: return exhaustive(requirement);
  }
}

interface AuditCliOptions {
  readonly seed?: number;
  readonly runs: number;
  readonly json?: boolean;
  readonly require: Requirement;
}

export function register(program: Command): void {
  program
    .command('audit')
    .description('Popek–Goldberg audit: classify every instruction (privileged, control- and mode-sensitive) and decide Theorems 1 and 3')
    .argument('<isa...>', 'ISA descriptions (isas/NAME.yaml), or directories of them')
    .option('--seed <n>', 'base seed of every witness search (default: derived from the ISA name)', parseSeed)
    .option('--runs <n>', 'fast-check runs per search', parseCount, DEFAULT_RUNS)
    .option('--json', 'print the audit results (an array, one per ISA) as JSON')
    .option('--require <theorem>', 'the theorem that decides the exit status: t1, t3 or none', parseRequirement, 't1')
    .action((paths: string[], opts: AuditCliOptions) => {
      // Load everything first, so bad input stops the command before any audit runs.
      const isas = descriptionFiles(paths).map(loadCheckedIsa);
      const results: AuditResult[] = [];
      for (const checked of isas) {
        const result = auditIsa(checked, opts.seed === undefined ? { runs: opts.runs } : { runs: opts.runs, seed: opts.seed });
        results.push(result);
        if (!opts.json) process.stdout.write(`${results.length > 1 ? '\n' : ''}${renderTable(result)}`);
      }
      if (opts.json) process.stdout.write(renderJson(results));
      process.exitCode = results.every((r) => meets(r, opts.require)) ? 0 : 1;
    });
}

function exhaustive(x: never): never {
  throw new Error(`unhandled requirement ${String(x)}`);
}
