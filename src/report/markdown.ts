/**
 * The audit for people: reports/NAME.md. The theorems over all states and under the `vmm:`
 * configuration; a summary table, one row per instruction and, under it, one row per group of
 * selections that classify alike (`csr ∈ {CSR_SSTATUS, CSR_SIE, …}`); then every finding with its
 * line in the description and its witness as a before/after state difference. Deterministic: no
 * timings, so a second run gives the same bytes.
 */
import { findingsOf, RULES, type Finding } from '../check/findings.js';
import type { AuditResult, InstructionAudit, TheoremVerdict, VariantAudit, Witness, WitnessState } from '../check/result.js';
import {
  abbreviate, cellText, changes, COLUMNS, LEGEND, MARK, THEOREM_NAMES, THEOREMS, theoremState, unknownCount, verdictOf,
} from './words.js';

export interface MarkdownOptions {
  /** The description's path as seen from the report's folder, for links (`../isas/riscv32.yaml`). */
  readonly sourceLink: string;
}

const code = (s: string): string => `\`${s.replaceAll('`', "'")}\``;
const cell = (s: string): string => s.replaceAll('|', '\\|');

function vmmColumn(v: VariantAudit): string {
  const changed = changes(v, v.underVmmConfig);
  if (changed.length === 0) return '';
  const after = verdictOf(v.underVmmConfig);
  return after === verdictOf(v) ? changed.join(', ') : `${changed.join(', ')}: ${after}`;
}

function rowCells(v: VariantAudit, withVmm: boolean): string[] {
  return [...COLUMNS.map((k) => cellText(v[k.key]).replace(/ +/, ' ')), verdictOf(v), ...(withVmm ? [vmmColumn(v)] : [])];
}

/** `csr ∈ {CSR_SSTATUS, CSR_SIE}` when every label selects the same one field, else the labels. */
function groupLabel(labels: readonly string[]): string {
  const parts = labels.map((l) => /^([^=\s]+)=(.+)$/.exec(l));
  const field = parts[0]?.[1];
  if (labels.length > 1 && parts.every((p) => p !== null && p[1] === field && !p[2]!.includes('='))) {
    return `${field} ∈ {${parts.map((p) => p![2]).join(', ')}}`;
  }
  return labels.join(', ');
}

function instructionRows(i: InstructionAudit, withVmm: boolean, sourceLink: string): string[] {
  const link = `[${i.line}](${sourceLink}#L${i.line})`;
  const only = i.variants[0];
  if (i.variants.length === 1 && only !== undefined && only.label === '') {
    return [`| ${code(i.name)} | ${link} | ${rowCells(only, withVmm).map(cell).join(' | ')} |`];
  }
  const groups = new Map<string, string[]>();
  for (const v of i.variants) {
    const key = rowCells(v, withVmm).join('\u0000');
    groups.set(key, [...(groups.get(key) ?? []), v.label]);
  }
  const blank = Array.from({ length: COLUMNS.length + 1 + (withVmm ? 1 : 0) }, () => '');
  return [
    `| ${code(i.name)} | ${link} | ${blank.join(' | ')} |`,
    ...[...groups].map(([key, labels]) => `| ↳ ${cell(groupLabel(labels))} | | ${key.split('\u0000').map(cell).join(' | ')} |`),
  ];
}

function theoremCell(t: TheoremVerdict): string {
  if (t.holds) return theoremState(t);
  return `**fails**: ${cell(abbreviate(t.offending.map((o) => o.instruction), 4))}`;
}

function verdictSection(r: AuditResult): string[] {
  const withVmm = r.vmm !== null;
  const head = withVmm ? '| theorem | over all states | under `vmm:` |\n|---|---|---|' : '| theorem | verdict |\n|---|---|';
  const rows = THEOREM_NAMES.map((n) =>
    `| ${THEOREMS[n].title} | ${theoremCell(r.theorems[n])} |${withVmm ? ` ${theoremCell(r.underVmmConfig[n])} |` : ''}`);
  const says = THEOREM_NAMES.map((n) => {
    const all = r.theorems[n];
    const vmm = r.underVmmConfig[n];
    const words = THEOREMS[n];
    const main = all.holds ? `holds: ${words.holds}` : `fails: ${words.fails}`;
    const under = !withVmm || vmm.holds === all.holds ? '' : vmm.holds ? `; under the \`vmm:\` configuration it holds: ${words.holds}` : '; under the `vmm:` configuration it fails';
    return `- Theorem ${n.slice(1)} ${main}${under}.`;
  });
  const variants = r.instructions.flatMap((i) => i.variants);
  const unknown = `Classes left unknown: ${unknownCount(variants)} rows over all states${withVmm ? `, ${unknownCount(variants.map((v) => v.underVmmConfig))} under \`vmm:\`` : ''}.`;
  return ['## Verdict', '', head, ...rows, '', ...says, '', unknown];
}

function stateLine(s: WitnessState): string {
  const parts = [`mode ${s.mode}`, ...Object.entries(s.elements).map(([k, v]) => `${k} = ${v}`)];
  if (s.memorySeed !== 0) parts.push(`storage seed ${s.memorySeed}`);
  for (const [k, v] of Object.entries(s.memory)) parts.push(`${k} = ${v}`);
  return parts.join(', ');
}

/** A witness as a before/after table (one state) or a side-by-side table (a pair). */
export function witnessMarkdown(w: Witness, label: string): string[] {
  const fields = Object.entries(w.fields).map(([k, v]) => `${k}=${v}`).join(' ');
  const head = `${label} (search \`${w.search}\`${w.config === 'vmm' ? ' under `vmm:`' : ''}, seed ${w.seed}, path \`${w.path}\`): `
    + `word ${code(w.word)}${fields === '' ? '' : ` (${fields})`} — ${w.summary}.`;
  if (w.states.length === 2) {
    const [a, b] = [w.states[0]!, w.states[1]!];
    const keys = [...new Set([...Object.keys(a.elements), ...Object.keys(b.elements)])];
    const rows = [
      `| mode | ${a.mode} | ${b.mode} |`,
      ...keys.map((k) => `| ${k} | ${a.elements[k] ?? 'reset'} | ${b.elements[k] ?? 'reset'} |`),
      ...(a.memorySeed !== 0 ? [`| storage seed | ${a.memorySeed} | ${b.memorySeed} |`] : []),
      ...Object.entries(a.memory).map(([k, v]) => `| ${k} | ${v} | ${b.memory[k] ?? ''} |`),
      ...w.differences.map((d) => `| **${cell(d.location)}** after | ${cell(d.a)} | ${cell(d.b)} |`),
    ];
    return [head, '', '| | first state | second state |', '|---|---|---|', ...rows];
  }
  const rows = w.differences.map((d) => `| ${cell(d.location)} | ${cell(d.a === '' ? '' : d.a)} | ${cell(d.b)} |`);
  return [head, '', `State: ${stateLine(w.states[0]!)}.`, ...(rows.length > 0 ? ['', '| | before | after |', '|---|---|---|', ...rows] : [])];
}

function findingMarkdown(r: AuditResult, f: Finding, n: number, sourceLink: string): string[] {
  const rule = RULES.find((x) => x.id === f.rule)!;
  const vmm = r.vmm === null ? '' : f.underVmmConfig ? ' · persists under `vmm:`' : ' · removed by the `vmm:` configuration';
  const where = `[${r.file}:${f.line}](${sourceLink}#L${f.line})`;
  const out = [`### ${n}. ${code(f.instruction)} — ${rule.short.toLowerCase()}`, '', `${where} · rule \`${f.rule}\` · ${f.level}${vmm}`, '', f.message];
  f.witnesses.forEach((w, i) => out.push('', ...witnessMarkdown(w, i === 0 ? 'Witness' : 'Against privilege')));
  return out;
}

export function renderMarkdown(r: AuditResult, options: MarkdownOptions): string {
  const withVmm = r.vmm !== null && r.instructions.some((i) => i.variants.some((v) => changes(v, v.underVmmConfig).length > 0));
  const heads = ['instruction', 'line', ...COLUMNS.map((k) => k.head), 'verdict', ...(withVmm ? ['under `vmm:`'] : [])];
  const findings = findingsOf(r);
  return [
    `# ${r.isa} — ${r.title}`,
    '',
    `<!-- generated by \`isavirt audit\` (npm start) from ${r.file}; do not edit -->`,
    '',
    `Popek–Goldberg audit of [${r.file}](${options.sourceLink}) (sha256 \`${r.hash}\`): seed ${r.seed}, ${r.runs} runs per search; `
      + `user mode ${r.userMode}, supervisor mode ${r.supervisorMode}; classified modulo address translation (docs/audit.md).`,
    ...(r.vmm === null ? [] : ['', `\`vmm:\` ${r.vmm.description}: ${r.vmm.settings}, in every mode but ${r.supervisorMode}.`]),
    '',
    ...verdictSection(r),
    '',
    '## Instructions',
    '',
    `${LEGEND}. ${MARK.proven} proven, ${MARK.witnessed} witnessed, ${MARK.unknown} unknown.`,
    '',
    `| ${heads.join(' | ')} |`,
    `|${heads.map(() => '---').join('|')}|`,
    ...r.instructions.flatMap((i) => instructionRows(i, withVmm, options.sourceLink)),
    '',
    '## Findings',
    '',
    ...(findings.length === 0 ? ['None.'] : findings.flatMap((f, n) => [...findingMarkdown(r, f, n + 1, options.sourceLink), ''])),
  ].join('\n').trimEnd() + '\n';
}
