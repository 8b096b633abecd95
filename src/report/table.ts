/**
 * The audit as a terminal table (AuditResult → text): one row per instruction, or per variant
 * under its instruction's name, with the classes P, CS, MS, LS, RS, US and TD (words.ts), each a
 * value and a mark for its evidence, the row's verdict and — where the ISA has a `vmm:`
 * configuration and it changes the row — what changes under it; then the theorem lines over all
 * states and under the configuration and, for every offender, the witness that shows it.
 * No analysis here.
 */
import type { AuditResult, Classification, InstructionAudit, Theorems, VariantAudit, Witness } from '../check/result.js';
import { itemName } from '../check/theorems.js';
import {
  abbreviate, cellText, changes, COLUMNS, LEGEND, MARK, THEOREM_NAMES, THEOREMS, theoremState, unknownCount, verdictOf,
} from './words.js';

function vmmCell(v: VariantAudit): string {
  const changed = changes(v, v.underVmmConfig);
  if (changed.length === 0) return '';
  const before = verdictOf(v);
  const after = verdictOf(v.underVmmConfig);
  return before === after ? changed.join(', ') : `${changed.join(', ')}: ${after}`;
}

function rows(i: InstructionAudit, withVmm: boolean): string[][] {
  const row = (name: string, v: VariantAudit): string[] =>
    [name, ...COLUMNS.map((k) => cellText(v[k.key])), verdictOf(v), ...(withVmm ? [vmmCell(v)] : [])];
  const only = i.variants[0];
  if (i.variants.length === 1 && only !== undefined && only.label === '') return [row(i.name, only)];
  return [[i.name], ...i.variants.map((v) => row(`  ${v.label}`, v))];
}

function layout(table: readonly string[][]): string[] {
  const columns = Math.max(...table.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...table.map((r) => (c < r.length - 1 ? [...r[c]!].length : 0))));
  return table.map((r) => r.map((x, c) => (c === r.length - 1 ? x : x + ' '.repeat(widths[c]! - [...x].length))).join('  ').trimEnd());
}

function theoremLines(t: Theorems, where: string): string[] {
  return THEOREM_NAMES.flatMap((name) => {
    const words = THEOREMS[name];
    const v = t[name];
    if (!v.holds) {
      return [
        `${words.title}${where}: FAILS — ${words.offenders}: ${abbreviate(v.offending.map((o) => o.instruction))}`,
        `  ${words.fails}.`,
      ];
    }
    const out = [`${words.title}${where}: ${theoremState(v)} — ${words.holds}.`];
    if (v.unresolved.length > 0) out.push(`  On search evidence for ${v.unresolved.length} (no witness against it): ${abbreviate(v.unresolved)}`);
    return out;
  });
}

export function witnessLines(item: string, w: Witness): string[] {
  const state = (i: number): string => {
    const s = w.states[i]!;
    const elements = Object.entries(s.elements).map(([k, v]) => `${k}=${v}`);
    if (s.memorySeed !== 0) elements.push(`memory seed ${s.memorySeed}`);
    for (const [k, v] of Object.entries(s.memory)) elements.push(`${k}=${v}`);
    return `mode ${s.mode}${elements.length > 0 ? ', ' + elements.join(', ') : ''}`;
  };
  const fields = Object.entries(w.fields).map(([k, v]) => `${k}=${v}`).join(' ');
  const pair = w.states.length === 2;
  const diffs = w.differences.map((d) => (pair ? `${d.location}: ${d.a} vs ${d.b}` : `${d.location}: ${d.a === '' ? '' : d.a + ' → '}${d.b}`));
  return [
    `  ${item}: ${w.summary}`,
    `    word ${w.word}${fields === '' ? '' : ` (${fields})`}; state: ${pair ? w.states.map((_, i) => state(i)).join(' | ') : state(0)}`,
    ...(diffs.length > 0 ? [`    ${diffs.join('; ')}`] : []),
    `    replay: search ${w.search}${w.config === 'vmm' ? ' under vmm:' : ''}, seed ${w.seed}, path ${w.path}`,
  ];
}

/** The witnesses that make a row an offender: its sensitivity (or timing) and the one against privilege. */
export function offenderWitnesses(c: Classification): Witness[] {
  const shown = [c.userSensitive, c.controlSensitive, c.modeSensitive, c.locationSensitive, c.resourceSensitive, c.timingDependent]
    .find((x) => x.value && x.witness !== null);
  if (c.privileged.value || shown === undefined) return [];
  return [shown.witness, c.privileged.witness].filter((w): w is Witness => w !== null);
}

function offenderLines(r: AuditResult): string[] {
  const out = r.instructions.flatMap((i) => i.variants.flatMap((v) => offenderWitnesses(v).flatMap((w) => witnessLines(itemName(i, v), w))));
  return out.length > 0 ? ['Witnesses:', ...out] : [];
}

function mismatchLines(r: AuditResult): string[] {
  const out = r.instructions.flatMap((i) => i.mismatches.map((m) =>
    `  ${r.file}:${m.line}: ${i.name}: expect says ${m.claim}: ${m.claimed}, the audit finds ${m.found} (${m.evidence})`));
  return out.length > 0 ? ['Expectations contradicted:', ...out] : [];
}

function unknownLines(r: AuditResult): string[] {
  const all = r.instructions.flatMap((i) => i.variants);
  const n = unknownCount(all);
  const m = unknownCount(all.map((v) => v.underVmmConfig));
  return [`Unknown: ${n} row${n === 1 ? '' : 's'} over all states${r.vmm === null ? '' : `, ${m} under the vmm: configuration`}.`];
}

export function renderTable(r: AuditResult): string {
  const withVmm = r.vmm !== null && r.instructions.some((i) => i.variants.some((v) => vmmCell(v) !== ''));
  const header = ['instruction', ...COLUMNS.map((k) => k.head), 'verdict', ...(withVmm ? ['under vmm:'] : [])];
  const table = layout([header, ...r.instructions.flatMap((i) => rows(i, withVmm))]);
  return [
    `${r.isa} — ${r.title}`,
    `${r.file} · seed ${r.seed} · ${r.runs} runs per search · ${r.seconds.toFixed(2)} s`,
    `user mode ${r.userMode}, supervisor mode ${r.supervisorMode} · classified modulo address translation (docs/audit.md)`,
    ...(r.vmm === null ? [] : [`vmm: ${r.vmm.description} (${r.vmm.settings}, in every mode but ${r.supervisorMode})`]),
    '',
    ...table,
    '',
    LEGEND,
    `${MARK.proven} proven statically · ${MARK.witnessed} witnessed (fast-check, shrunk; reports/NAME.json has seed and path) · ${MARK.unknown} no witness in ${r.runs} runs`,
    '',
    ...theoremLines(r.theorems, ''),
    ...(r.vmm === null ? [] : theoremLines(r.underVmmConfig, ' under vmm:')),
    ...unknownLines(r),
    ...offenderLines(r),
    ...mismatchLines(r),
  ].join('\n') + '\n';
}
