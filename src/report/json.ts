/**
 * The audit as JSON for programs: reports/NAME.json, and `isavirt audit --json` (an array of the
 * same objects). Deterministic — no timings, keys in a fixed order — so a second run gives the
 * same bytes. The shape (docs/audit.md):
 *
 *     { isa, title, file, hash, seed, runs, modes: { user, supervisor }, vmm: { description, settings } | null,
 *       theorems: { t1, t2, t3 }, underVmmConfig: { t1, t2, t3 },      // { holds, evidence, offending: [{ instruction, line, why }], unresolved }
 *       unknown: { allStates, underVmmConfig },                          // variants with a class left unknown
 *       instructions: [ { name, line, classes, innocuous, underVmmConfig?, variants: [...], expectations: [...] } ],
 *       findings: [ { rule, level, instruction, line, message, theorems, underVmmConfig } ] }
 *
 * `classes` maps privileged, controlSensitive, modeSensitive, locationSensitive, resourceSensitive,
 * userSensitive and timingDependent to `{ value, evidence }`, plus `witness: { search, config, seed,
 * path, selection, word, fields, summary, before, after }` when witnessed. An instruction's classes
 * aggregate its variants (privileged and innocuous: every variant; the others: some variant, whose
 * witness is shown). `underVmmConfig` is present only where the configuration changes something.
 */
import { aggregate } from '../check/expectations.js';
import { findingsOf } from '../check/findings.js';
import {
  AUDIT_CLASSES, type AuditResult, type Classification, type ClassVerdict, type InstructionAudit, type TheoremVerdict, type Theorems,
  type VariantAudit, type Witness, type WitnessState,
} from '../check/result.js';
import { changes, unknownCount } from './words.js';

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

function stateJson(s: WitnessState): Json {
  return { mode: s.mode, memorySeed: s.memorySeed, memory: { ...s.memory }, elements: { ...s.elements } };
}

/** A witness: the state(s) before, and what the run(s) left different after. */
export function witnessJson(w: Witness, selection: string): Json {
  const pair = w.states.length === 2;
  const side = (pick: 'a' | 'b'): Json => Object.fromEntries(w.differences.map((d) => [d.location, d[pick]]));
  return {
    search: w.search,
    config: w.config,
    seed: w.seed,
    path: w.path,
    selection,
    word: w.word,
    fields: { ...w.fields },
    summary: w.summary,
    before: pair ? w.states.map(stateJson) : stateJson(w.states[0]!),
    after: pair ? [side('a'), side('b')] : side('b'),
  };
}

function classJson(c: ClassVerdict, witness: Witness | null, selection: string): Json {
  return witness === null || c.evidence !== 'witnessed'
    ? { value: c.value, evidence: c.evidence }
    : { value: c.value, evidence: c.evidence, witness: witnessJson(witness, selection) };
}

function classificationJson(variants: readonly VariantAudit[], pick: (v: VariantAudit) => Classification): { classes: Json; innocuous: boolean } {
  const classes: Record<string, Json> = {};
  for (const name of AUDIT_CLASSES) {
    const a = aggregate(variants, name, pick);
    const c: ClassVerdict = { value: a.value, evidence: a.evidence, witness: a.witness, runs: 0 };
    classes[name] = classJson(c, a.witness, a.decisive?.label ?? '');
  }
  return { classes, innocuous: aggregate(variants, 'innocuous', pick).value };
}

function variantJson(v: VariantAudit): Json {
  const own = classificationJson([v], (x) => x);
  const vmm = classificationJson([v], (x) => x.underVmmConfig);
  return {
    selection: v.label,
    fixed: { ...v.fixed },
    classes: own.classes,
    innocuous: own.innocuous,
    ...(changes(v, v.underVmmConfig).length > 0 ? { underVmmConfig: { classes: vmm.classes, innocuous: vmm.innocuous } } : {}),
  };
}

function instructionJson(i: InstructionAudit): Json {
  const own = classificationJson(i.variants, (v) => v);
  const vmm = classificationJson(i.variants, (v) => v.underVmmConfig);
  const whole = i.variants.length === 1 && i.variants[0]!.label === '';
  const differs = i.variants.some((v) => changes(v, v.underVmmConfig).length > 0);
  return {
    name: i.name,
    line: i.line,
    classes: own.classes,
    innocuous: own.innocuous,
    ...(differs ? { underVmmConfig: { classes: vmm.classes, innocuous: vmm.innocuous } } : {}),
    variants: whole ? [] : i.variants.map(variantJson),
    expectations: i.mismatches.map((m) => ({ claim: m.claim, claimed: m.claimed, found: m.found, evidence: m.evidence, line: m.line })),
  };
}

function theoremJson(t: TheoremVerdict): Json {
  return {
    holds: t.holds,
    evidence: t.evidence,
    offending: t.offending.map((o) => ({ instruction: o.instruction, line: o.line, why: o.why })),
    unresolved: [...t.unresolved],
  };
}

function theoremsJson(t: Theorems): Json {
  return { t1: theoremJson(t.t1), t2: theoremJson(t.t2), t3: theoremJson(t.t3) };
}

/** The report object of one audit. */
export function reportJson(r: AuditResult): Json {
  const variants = r.instructions.flatMap((i) => i.variants);
  return {
    isa: r.isa,
    title: r.title,
    file: r.file,
    hash: r.hash,
    seed: r.seed,
    runs: r.runs,
    modes: { user: r.userMode, supervisor: r.supervisorMode },
    vmm: r.vmm === null ? null : { description: r.vmm.description, settings: r.vmm.settings },
    theorems: theoremsJson(r.theorems),
    underVmmConfig: theoremsJson(r.underVmmConfig),
    unknown: { allStates: unknownCount(variants), underVmmConfig: unknownCount(variants.map((v) => v.underVmmConfig)) },
    instructions: r.instructions.map(instructionJson),
    findings: findingsOf(r).map((f) => ({
      rule: f.rule, level: f.level, instruction: f.instruction, line: f.line, message: f.message,
      theorems: [...f.theorems], underVmmConfig: f.underVmmConfig,
    })),
  };
}

/** Objects and arrays this short, and every witness, go on one line: the file stays small and diffs stay one line per change. */
const LINE = 100;

/** JSON indented by two spaces, with short values and witnesses kept on one line. */
export function stringify(v: Json, indent = '', key: string | null = null): string {
  const flat = JSON.stringify(v);
  if (v === null || typeof v !== 'object' || key === 'witness' || flat.length <= LINE) return flat;
  const inner = `${indent}  `;
  const items: string[] = [];
  if (isList(v)) {
    for (const x of v) items.push(`${inner}${stringify(x, inner)}`);
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  for (const [k, x] of Object.entries(v)) items.push(`${inner}${JSON.stringify(k)}: ${stringify(x, inner, k)}`);
  return `{\n${items.join(',\n')}\n${indent}}`;
}

function isList(v: Json): v is readonly Json[] {
  return Array.isArray(v);
}

/** reports/NAME.json. */
export function renderReportJson(r: AuditResult): string {
  return `${stringify(reportJson(r))}\n`;
}

/** `isavirt audit --json`: the report objects of every ISA audited, as one array. */
export function renderJson(results: readonly AuditResult[]): string {
  return `${stringify(results.map(reportJson))}\n`;
}
