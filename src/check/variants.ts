/**
 * Instructions are whole words (Popek & Goldberg): where an instruction field selects which state
 * is touched — a CSR number, a coprocessor register — each selection is its own instruction. A
 * field *selects* when it is the subject of a `match`, directly or as the argument of a function
 * parameter that is (transitively). Found by static inspection of the IR; each such field gets
 * one variant per value named by a match arm, plus one variant `other` for every value no arm
 * names (the field stays free, known not to be any named value: proofs skip those arms, searches
 * never draw them).
 */
import type { Isa } from '../isa/model.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import type { Body, IExpr } from '../semantics/ir.js';
import * as V from '../semantics/values.js';
import { walkStmts } from '../semantics/walk.js';

/** One selection of an instruction: some fields fixed. The whole instruction when both maps are empty. */
export interface Variant {
  /** '' for the whole instruction; `csr=CSR_STATUS` or `csr=other`. */
  readonly label: string;
  /** Field index (encoding order) → value. */
  readonly fixed: ReadonlyMap<number, bigint>;
  /** Field index → the values it does not take (every value named elsewhere): the `other` selections. */
  readonly excluded: ReadonlyMap<number, ReadonlySet<bigint>>;
}

/** More selections than this (a product of several selecting fields) are not split further. */
const MAX_VARIANTS = 1024;

const WHOLE: Variant = { label: '', fixed: new Map(), excluded: new Map() };

interface Selection {
  readonly label: string[];
  readonly fixed: Map<number, bigint>;
  readonly excluded: Map<number, ReadonlySet<bigint>>;
}

/** The variants of instruction `index`: one per selection, or the whole instruction when no field selects. */
export function variantsOf(checked: CheckedIsa, index: number): readonly Variant[] {
  const isa = checked.isa;
  const fields = isa.instructions[index]!.encoding.fields;
  const arms = selectorArms(checked, checked.instructions[index]!, new Map(fields.map((_, i) => [i, i])));
  let variants: Selection[] = [{ label: [], fixed: new Map(), excluded: new Map() }];
  for (const [fieldIndex, values] of [...arms].sort((a, b) => a[0] - b[0])) {
    const field = fields[fieldIndex]!;
    const span = 1n << BigInt(field.width);
    const named = [...values].filter((v) => v < span).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const choices = named.map((v) => (x: Selection): Selection => ({
      label: [...x.label, `${field.name}=${valueName(isa, field.width, v)}`],
      fixed: new Map([...x.fixed, [fieldIndex, v]]),
      excluded: x.excluded,
    }));
    if (BigInt(named.length) < span) {
      const others: ReadonlySet<bigint> = new Set(named);
      choices.push((x) => ({ label: [...x.label, `${field.name}=other`], fixed: x.fixed, excluded: new Map([...x.excluded, [fieldIndex, others]]) }));
    }
    if (variants.length * choices.length > MAX_VARIANTS) continue;
    variants = variants.flatMap((x) => choices.map((c) => c(x)));
  }
  if (variants.length === 1 && variants[0]!.label.length === 0) return [WHOLE];
  return variants.map((x) => ({ label: x.label.join(' '), fixed: x.fixed, excluded: x.excluded }));
}

/**
 * Arm values of every `match` whose subject is one of the locals in `slots` (local slot → key),
 * following calls into functions; keyed by the same keys.
 */
function selectorArms(checked: CheckedIsa, body: Body, slots: ReadonlyMap<number, number>): Map<number, Set<bigint>> {
  const out = new Map<number, Set<bigint>>();
  const add = (key: number, values: Iterable<bigint>): void => {
    const set = out.get(key) ?? new Set<bigint>();
    for (const v of values) set.add(v);
    out.set(key, set);
  };
  walkStmts(body.stmts, {
    stmt: (s) => {
      if (s.k !== 'match') return;
      const key = selected(s.subject, slots);
      if (key !== null) add(key, s.arms.flatMap((a) => a.values.map(V.toBigInt)));
    },
    expr: (e) => {
      if (e.k !== 'call') return;
      const fn = checked.functions.get(e.fn);
      if (!fn) return;
      const passed = new Map<number, number>();
      e.args.forEach((a, j) => {
        const key = selected(a, slots);
        if (key !== null) passed.set(j, key);
      });
      if (passed.size === 0) return;
      for (const [key, values] of selectorArms(checked, fn.body, passed)) add(key, values);
    },
  });
  return out;
}

/** The key of a local in `slots`, seen directly or through a zero extension. */
function selected(e: IExpr, slots: ReadonlyMap<number, number>): number | null {
  if (e.k === 'local') return slots.get(e.slot) ?? null;
  if (e.k === 'ext' && !e.signed) return selected(e.e, slots);
  return null;
}

/** A constant's name when exactly one constant of that width has the value, else hex. */
function valueName(isa: Isa, width: number, v: bigint): string {
  const names = [...isa.constants.values()].filter((c) => c.width === width && c.value === v);
  return names.length === 1 ? names[0]!.name : V.hex(v, width);
}
