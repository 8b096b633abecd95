/**
 * The audit's findings (src/check/findings.ts) as SARIF 2.1.0 (OASIS Static Analysis Results
 * Interchange Format, https://docs.oasis-open.org/sarif/sarif/v2.1.0/) for code scanning: one run
 * of the tool `isavirt` over every ISA audited, every rule listed, and each result located at the
 * instruction's (or the `expect:` claim's) line in its description, by the path as given
 * (repo-relative when run from the repository root, as `npm start` and CI do).
 */
import { findingsOf, RULES } from '../check/findings.js';
import type { AuditResult } from '../check/result.js';
import type { Json } from './json.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifOptions {
  /** The tool's version (package.json). */
  readonly version: string;
}

/** A path as a SARIF relative URI: forward slashes, no leading `./`. */
function uriOf(file: string): string {
  return file.replaceAll('\\', '/').replace(/^(\.\/)+/, '');
}

export function sarifLog(results: readonly AuditResult[], options: SarifOptions): Json {
  const rules = RULES.map((r) => ({
    id: r.id,
    name: r.id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: r.short },
    fullDescription: { text: r.full },
    defaultConfiguration: { level: r.level },
    helpUri: 'https://doi.org/10.1145/361011.361073',
  }));
  const out = results.flatMap((r) => findingsOf(r).map((f) => ({
    ruleId: f.rule,
    ruleIndex: RULES.findIndex((x) => x.id === f.rule),
    level: f.level,
    message: { text: f.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: uriOf(r.file) },
        region: { startLine: f.line },
      },
    }],
    partialFingerprints: { 'isavirtFinding/v1': `${r.isa}/${f.rule}/${f.instruction}` },
    properties: {
      isa: r.isa,
      instruction: f.instruction,
      theorems: [...f.theorems],
      underVmmConfig: f.underVmmConfig,
      witnesses: f.witnesses.map((w) => ({ search: w.search, config: w.config, seed: w.seed, path: w.path, summary: w.summary })),
    },
  })));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'isavirt',
          version: options.version,
          informationUri: 'https://doi.org/10.1145/361011.361073',
          rules,
        },
      },
      results: out,
    }],
  };
}

export function renderSarif(results: readonly AuditResult[], options: SarifOptions): string {
  return `${JSON.stringify(sarifLog(results, options), null, 2)}\n`;
}
