/**
 * The words every renderer uses for the audit (terminal table, Markdown, SARIF), kept in one
 * place so the formats agree: evidence marks, the short verdict of a row, what each theorem says
 * when it holds and when it fails (Popek & Goldberg 1974: Theorems 1 and 2 are sufficient
 * conditions, so failing one means "no VMM by this construction", not "impossible").
 */
import type { AuditClass, Classification, ClassVerdict, TheoremName, TheoremVerdict } from '../check/result.js';
import { SENSITIVITIES } from '../check/result.js';

export const MARK = { proven: '✓', witnessed: 'w', unknown: '?' } as const;

/** The columns of a classification, in table order, with their headings. */
export const COLUMNS: readonly { readonly key: AuditClass; readonly head: string }[] = [
  { key: 'privileged', head: 'P' },
  { key: 'controlSensitive', head: 'CS' },
  { key: 'modeSensitive', head: 'MS' },
  { key: 'locationSensitive', head: 'LS' },
  { key: 'resourceSensitive', head: 'RS' },
  { key: 'userSensitive', head: 'US' },
  { key: 'timingDependent', head: 'TD' },
];

export const LEGEND = 'P privileged · CS control-sensitive · MS mode-sensitive · LS location-sensitive · RS resource-sensitive · '
  + 'US user-sensitive · TD timing-dependent in user mode';

/** `yes ✓`, `no  w`. */
export function cellText(c: ClassVerdict): string {
  return `${c.value ? 'yes' : 'no '} ${MARK[c.evidence]}`;
}

/** The verdict of one row, with the theorems it breaks. */
export function verdictOf(c: Classification): string {
  const sensitive = SENSITIVITIES.some((s) => c[s].value);
  if (c.privileged.value) return sensitive ? 'privileged, sensitive' : 'privileged';
  const broken = [...(sensitive ? ['T1', 'T2'] : c.timingDependent.value ? ['T2'] : []), ...(c.userSensitive.value ? ['T3'] : [])];
  if (sensitive) return `✗ sensitive, not privileged (${broken.join(', ')})`;
  if (c.timingDependent.value) return `✗ timing-dependent, not privileged (${broken.join(', ')})`;
  return 'innocuous';
}

/** The classes whose value or evidence differ between two classifications, as `TD no ✓`. */
export function changes(from: Classification, to: Classification): string[] {
  return COLUMNS.filter((k) => from[k.key].value !== to[k.key].value || from[k.key].evidence !== to[k.key].evidence)
    .map((k) => `${k.head} ${cellText(to[k.key]).replace(/ +/, ' ')}`);
}

export const THEOREMS: Readonly<Record<TheoremName, {
  readonly title: string; readonly offenders: string; readonly holds: string; readonly fails: string;
}>> = {
  t1: {
    title: 'Theorem 1 (sensitive ⊆ privileged)',
    offenders: 'sensitive but not privileged',
    holds: 'a trap-and-emulate VMM can be built',
    fails: 'no trap-and-emulate VMM by this construction (Theorem 1 is sufficient, not necessary)',
  },
  t2: {
    title: 'Theorem 2 (Theorem 1, and no timing dependency in user mode)',
    offenders: 'sensitive or timing-dependent, and not privileged',
    holds: 'recursively virtualisable: a VMM can run a copy of itself',
    fails: 'not recursively virtualisable by this construction (Theorem 2 is sufficient, not necessary)',
  },
  t3: {
    title: 'Theorem 3 (user-sensitive ⊆ privileged)',
    offenders: 'user-sensitive but not privileged',
    holds: 'a hybrid VMM can be built (interpret virtual-supervisor code, run virtual-user code directly)',
    fails: 'no hybrid VMM by this construction',
  },
};

export const THEOREM_NAMES: readonly TheoremName[] = ['t1', 't2', 't3'];

/** `holds, proven`, `holds (on search evidence)`, `FAILS`. */
export function theoremState(t: TheoremVerdict): string {
  if (!t.holds) return 'FAILS';
  return t.evidence === 'proven' ? 'holds, proven' : 'holds (on search evidence)';
}

/** At most `max` items, then how many more. */
export function abbreviate(items: readonly string[], max = 8): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')}, … (${items.length - max} more)`;
}

/** The number of variants with at least one class left unknown, over the classifications `pick` chooses. */
export function unknownCount(c: readonly Classification[]): number {
  return c.filter((x) => COLUMNS.some((k) => x[k.key].evidence === 'unknown')).length;
}
