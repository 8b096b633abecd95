/**
 * The audit as a terminal table (AuditResult → text): one row per instruction, or per variant
 * under its instruction's name, with the classes P (privileged), CS (control-sensitive), MS
 * (mode-sensitive), US (user-sensitive), each a value and a mark for its evidence; then the
 * theorem lines and, for every offender, the witness that shows it. No analysis here.
 */
import type { AuditResult, ClassVerdict, InstructionAudit, TheoremVerdict, VariantAudit, Witness } from '../check/result.js';

const MARK = { proven: '✓', witnessed: 'w', unknown: '?' } as const;

function cell(c: ClassVerdict): string {
  return `${c.value ? 'yes' : 'no '} ${MARK[c.evidence]}`;
}

function verdict(v: VariantAudit): string {
  const sensitive = !v.innocuous.value;
  if (v.privileged.value) return sensitive ? 'privileged, sensitive' : 'privileged';
  if (!sensitive) return 'innocuous';
  return v.userSensitive.value ? '✗ sensitive, not privileged (T1, T3)' : '✗ sensitive, not privileged (T1)';
}

function rows(i: InstructionAudit): string[][] {
  const row = (name: string, v: VariantAudit): string[] =>
    [name, cell(v.privileged), cell(v.controlSensitive), cell(v.modeSensitive), cell(v.userSensitive), verdict(v)];
  const only = i.variants[0];
  if (i.variants.length === 1 && only !== undefined && only.label === '') return [row(i.name, only)];
  return [[i.name, '', '', '', '', ''], ...i.variants.map((v) => row(`  ${v.label}`, v))];
}

function layout(table: readonly string[][]): string[] {
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => [...r[c]!].length)));
  return table.map((r) => r.map((x, c) => (c === r.length - 1 ? x : x + ' '.repeat(widths[c]! - [...x].length))).join('  ').trimEnd());
}

const THEOREMS = {
  theorem1: {
    title: 'Theorem 1 (sensitive ⊆ privileged)',
    offenders: 'sensitive but not privileged',
    holds: 'a trap-and-emulate VMM can be built',
    fails: 'no trap-and-emulate VMM by this construction (Theorem 1 is sufficient, not necessary)',
  },
  theorem3: {
    title: 'Theorem 3 (user-sensitive ⊆ privileged)',
    offenders: 'user-sensitive but not privileged',
    holds: 'a hybrid VMM can be built (interpret virtual-supervisor code, run virtual-user code directly)',
    fails: 'no hybrid VMM by this construction',
  },
} as const;

function theoremLines(name: keyof typeof THEOREMS, t: TheoremVerdict): string[] {
  const words = THEOREMS[name];
  if (!t.holds) {
    return [
      `${words.title}: FAILS — ${words.offenders}: ${abbreviate(t.offending)}`,
      `  ${words.fails}.`,
    ];
  }
  const out = [`${words.title}: holds${t.evidence === 'proven' ? ', proven' : ''} — ${words.holds}.`];
  if (t.unresolved.length > 0) {
    out.push(`  On search evidence for ${t.unresolved.length} (no witness against it): ${abbreviate(t.unresolved)}`);
  }
  return out;
}

function abbreviate(items: readonly string[], max = 8): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')}, … (${items.length - max} more)`;
}

function witnessLines(item: string, w: Witness): string[] {
  const state = (i: number): string => {
    const s = w.states[i]!;
    const elements = Object.entries(s.elements).map(([k, v]) => `${k}=${v}`);
    if (s.memorySeed !== 0) elements.push(`memory seed ${s.memorySeed}`);
    return `mode ${s.mode}${elements.length > 0 ? ', ' + elements.join(', ') : ''}`;
  };
  const fields = Object.entries(w.fields).map(([k, v]) => `${k}=${v}`).join(' ');
  const pair = w.states.length === 2;
  const diffs = w.differences.map((d) => (pair ? `${d.location}: ${d.a} vs ${d.b}` : `${d.location}: ${d.a === '' ? '' : d.a + ' → '}${d.b}`));
  return [
    `  ${item}: ${w.summary}`,
    `    word ${w.word}${fields === '' ? '' : ` (${fields})`}; state: ${pair ? w.states.map((_, i) => state(i)).join(' | ') : state(0)}`,
    ...(diffs.length > 0 ? [`    ${diffs.join('; ')}`] : []),
    `    replay: search ${w.search}, seed ${w.seed}, path ${w.path}`,
  ];
}

/** Witnesses of the offenders: for each, the sensitivity witness and the one against privilege. */
function offenderLines(r: AuditResult): string[] {
  const out: string[] = [];
  for (const i of r.instructions) {
    for (const v of i.variants) {
      if (v.privileged.value || v.innocuous.value) continue;
      const item = v.label === '' ? i.name : `${i.name} ${v.label}`;
      const sensitivity = v.userSensitive.value ? v.userSensitive : v.controlSensitive.value ? v.controlSensitive : v.modeSensitive;
      if (sensitivity.witness) out.push(...witnessLines(item, sensitivity.witness));
      if (v.privileged.witness) out.push(...witnessLines(item, v.privileged.witness));
    }
  }
  return out.length > 0 ? ['Witnesses:', ...out] : [];
}

function mismatchLines(r: AuditResult): string[] {
  const out = r.instructions.flatMap((i) => i.mismatches.map((m) =>
    `  ${i.at}: ${i.name}: expect says ${m.claim}: ${m.claimed}, the audit finds ${m.found} (${m.evidence})`));
  return out.length > 0 ? ['Expectations contradicted:', ...out] : [];
}

export function renderTable(r: AuditResult): string {
  const header = ['instruction', 'P', 'CS', 'MS', 'US', 'verdict'];
  const table = layout([header, ...r.instructions.flatMap(rows)]);
  return [
    `${r.isa} — ${r.title}`,
    `${r.file} · seed ${r.seed} · ${r.runs} runs per search · ${r.seconds.toFixed(2)} s`,
    `user mode ${r.userMode}, supervisor mode ${r.supervisorMode} · classified modulo address translation (docs/audit.md)`,
    '',
    ...table,
    '',
    `P privileged · CS control-sensitive · MS mode-sensitive · US user-sensitive`,
    `${MARK.proven} proven statically · ${MARK.witnessed} witnessed (fast-check, shrunk; --json has seed and path) · ${MARK.unknown} no witness in ${r.runs} runs`,
    '',
    ...theoremLines('theorem1', r.theorem1),
    ...theoremLines('theorem3', r.theorem3),
    ...offenderLines(r),
    ...mismatchLines(r),
  ].join('\n') + '\n';
}
