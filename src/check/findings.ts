/**
 * The audit's findings, one per thing a person (or CI) must act on, each at a line of the
 * description: a sensitive instruction that is not privileged (one finding per sensitivity it
 * shows; it breaks Theorems 1 and 2, and 3 when user-sensitive), an unprivileged timing
 * dependency in user mode (Theorem 2), a contradicted `expect:` claim (at the claim's line), and a
 * class the audit could not decide (`unknown`). Findings are taken over all states; each says
 * whether it persists under the `vmm:` configuration. The Markdown and SARIF reports render them.
 */
import {
  CLASS_WORDS, SENSITIVITIES, type AuditResult, type Classification, type InstructionAudit, type Sensitivity, type TheoremName,
  type VariantAudit, type Witness,
} from './result.js';
import { itemName } from './theorems.js';

/** Stable rule ids (SARIF `ruleId`); never rename one. */
export type FindingRule =
  | 'control-sensitive-not-privileged'
  | 'mode-sensitive-not-privileged'
  | 'location-sensitive-not-privileged'
  | 'resource-sensitive-not-privileged'
  | 'timing-dependent-not-privileged'
  | 'expectation-contradicted'
  | 'class-unknown';

export type FindingLevel = 'error' | 'warning' | 'note';

export interface RuleDescription {
  readonly id: FindingRule;
  readonly level: FindingLevel;
  /** One line: what the rule finds. */
  readonly short: string;
  /** Why it matters, in Popek & Goldberg's terms. */
  readonly full: string;
}

const SENSITIVE_RULE: Readonly<Record<Sensitivity, FindingRule>> = {
  controlSensitive: 'control-sensitive-not-privileged',
  modeSensitive: 'mode-sensitive-not-privileged',
  locationSensitive: 'location-sensitive-not-privileged',
  resourceSensitive: 'resource-sensitive-not-privileged',
};

export const RULES: readonly RuleDescription[] = [
  {
    id: 'control-sensitive-not-privileged', level: 'error',
    short: 'A control-sensitive instruction is not privileged',
    full: 'It changes mode, relocation or control state without trapping in some state, yet does not trap in user mode: '
      + 'Theorem 1 (sensitive ⊆ privileged) fails, so no trap-and-emulate VMM by this construction.',
  },
  {
    id: 'mode-sensitive-not-privileged', level: 'error',
    short: 'A mode-sensitive instruction is not privileged',
    full: 'Its visible results differ between two states that differ only in the mode, yet it does not trap in user mode: '
      + 'a guest run deprivileged sees the real mode. Theorem 1 fails.',
  },
  {
    id: 'location-sensitive-not-privileged', level: 'error',
    short: 'A location-sensitive instruction is not privileged',
    full: 'Its visible results differ between two states that differ only in relocation state (storage moved to match), '
      + 'yet it does not trap in user mode: a guest sees where the VMM placed it. Theorem 1 fails.',
  },
  {
    id: 'resource-sensitive-not-privileged', level: 'error',
    short: 'A resource-sensitive instruction is not privileged',
    full: 'Its visible results differ between two states that differ only in other control state, yet it does not trap in '
      + 'user mode: a guest sees the real control state, not its virtual one. Theorem 1 fails.',
  },
  {
    id: 'timing-dependent-not-privileged', level: 'warning',
    short: 'An unprivileged instruction shows timing state in user mode',
    full: 'Its visible results in user mode depend on timing state (counters, clocks), which a VMM running guests directly '
      + 'cannot virtualise: Theorem 2 (recursive virtualisation) fails.',
  },
  {
    id: 'expectation-contradicted', level: 'error',
    short: 'An expect: claim is contradicted by the audit',
    full: 'The description claims a class for the instruction that its semantics do not have (docs/description-format.md).',
  },
  {
    id: 'class-unknown', level: 'warning',
    short: 'A class is neither proven nor witnessed',
    full: 'The static proof failed and the witness search found nothing: the verdict rests on an absence of evidence.',
  },
];

export interface Finding {
  readonly rule: FindingRule;
  readonly level: FindingLevel;
  /** `csrrs csr=CSR_CYCLE`. */
  readonly instruction: string;
  /** Line in the description: the instruction's, or the `expect:` claim's. */
  readonly line: number;
  readonly message: string;
  /** The theorems it breaks (over all states). */
  readonly theorems: readonly TheoremName[];
  /** Does it persist under the `vmm:` configuration? (Always true for an ISA without one.) */
  readonly underVmmConfig: boolean;
  /** The witness that shows it, and the one against privilege. */
  readonly witnesses: readonly Witness[];
}

const levelOf = (rule: FindingRule): FindingLevel => RULES.find((r) => r.id === rule)!.level;

/** `Theorem 2`, `Theorems 1 and 2`, `Theorems 1, 2 and 3`. */
function theoremList(ts: readonly TheoremName[]): string {
  const n = ts.map((t) => t.slice(1));
  return n.length === 1 ? `Theorem ${n[0]}` : `Theorems ${n.slice(0, -1).join(', ')} and ${n[n.length - 1]}`;
}

function vmmNote(r: AuditResult, persists: boolean): string {
  if (r.vmm === null) return '';
  return persists ? ' It persists under the vmm: configuration.' : ` The vmm: configuration (${r.vmm.settings}) removes it.`;
}

function variantFindings(r: AuditResult, i: InstructionAudit, v: VariantAudit): Finding[] {
  const item = itemName(i, v);
  const out: Finding[] = [];
  const against = (c: Classification): Witness[] => (c.privileged.witness === null ? [] : [c.privileged.witness]);
  const offends = (c: Classification, s: Sensitivity): boolean => c[s].value && !c.privileged.value;
  for (const s of SENSITIVITIES) {
    if (!offends(v, s)) continue;
    const persists = offends(v.underVmmConfig, s);
    const w = v[s].witness;
    const theorems: TheoremName[] = v.userSensitive.value ? ['t1', 't2', 't3'] : ['t1', 't2'];
    out.push({
      rule: SENSITIVE_RULE[s], level: levelOf(SENSITIVE_RULE[s]), instruction: item, line: i.line,
      message: `${item} is ${CLASS_WORDS[s]} but not privileged${w ? `: ${w.summary}` : ''}.`
        + ` It breaks ${theoremList(theorems)}.${vmmNote(r, persists)}`,
      theorems, underVmmConfig: persists, witnesses: [...(w ? [w] : []), ...against(v)],
    });
  }
  const timing = (c: Classification): boolean => c.timingDependent.value && !c.privileged.value;
  if (timing(v)) {
    const w = v.timingDependent.witness;
    out.push({
      rule: 'timing-dependent-not-privileged', level: levelOf('timing-dependent-not-privileged'), instruction: item, line: i.line,
      message: `${item} is timing-dependent in user mode but not privileged${w ? `: ${w.summary}` : ''}. It breaks Theorem 2.`
        + vmmNote(r, timing(v.underVmmConfig)),
      theorems: ['t2'], underVmmConfig: timing(v.underVmmConfig), witnesses: [...(w ? [w] : []), ...against(v)],
    });
  }
  const unknown = (c: Classification): string[] =>
    (['privileged', ...SENSITIVITIES, 'userSensitive', 'timingDependent'] as const).filter((k) => c[k].evidence === 'unknown').map((k) => CLASS_WORDS[k]);
  const all = unknown(v);
  const vmm = unknown(v.underVmmConfig);
  if (all.length > 0 || vmm.length > 0) {
    const where = [...(all.length > 0 ? [`over all states: ${all.join(', ')}`] : []), ...(vmm.length > 0 && r.vmm !== null ? [`under the vmm: configuration: ${vmm.join(', ')}`] : [])];
    out.push({
      rule: 'class-unknown', level: levelOf('class-unknown'), instruction: item, line: i.line,
      message: `${item}: neither proven nor witnessed in ${r.runs} runs (${where.join('; ')}).`,
      theorems: [], underVmmConfig: vmm.length > 0, witnesses: [],
    });
  }
  return out;
}

/** Every finding of an audit, in description order. */
export function findingsOf(r: AuditResult): Finding[] {
  return r.instructions.flatMap((i) => [
    ...i.variants.flatMap((v) => variantFindings(r, i, v)),
    ...i.mismatches.map((m): Finding => ({
      rule: 'expectation-contradicted', level: levelOf('expectation-contradicted'), instruction: i.name, line: m.line,
      message: `${i.name}: expect says ${m.claim}: ${m.claimed}, but the audit finds ${m.found} (${m.evidence}`
        + `${m.selection === '' ? '' : `, for ${m.selection}`}${m.witness ? `: ${m.witness.summary}` : ''}).`,
      theorems: [], underVmmConfig: true, witnesses: m.witness ? [m.witness] : [],
    })),
  ]);
}
