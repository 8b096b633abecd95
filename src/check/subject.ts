/**
 * The thing one row of the audit classifies: an instruction, or one variant of it (variants.ts),
 * with what the proofs and the searches need to know about it — which fields are fixed, which are
 * free (and which values a free field must avoid), and which state cells the search randomises:
 * its footprint, the elements read or written on some path of the partial evaluation with the
 * variant's fields fixed (paths.ts). The whole body's footprint (footprint.ts) stands in when the
 * evaluation runs out of budget.
 */
import type { StateElement } from '../isa/model.js';
import { extractField, insertField } from '../isa/encoding.js';
import type { StateStore } from '../semantics/interpreter.js';
import * as V from '../semantics/values.js';
import type { Bits } from '../semantics/values.js';
import { setCell, type Cell } from './cells.js';
import { footprint } from './footprint.js';
import { explore } from './paths.js';
import { copyStore, type Sandbox, type SandboxState } from './sandbox.js';
import { siteFacts, type Sites } from './sites.js';
import { sliceFacts, type SliceFact } from './slices.js';
import type { Storage } from './storage.js';
import type { Variant } from './variants.js';

export type { Cell } from './cells.js';

export interface Subject {
  readonly sandbox: Sandbox;
  /** Index into `isa.instructions`. */
  readonly index: number;
  readonly name: string;
  readonly variant: Variant;
  /** Per field (encoding order): the fixed value as the word carries it, or null when free. */
  readonly fixed: readonly (bigint | null)[];
  /** Indices of the free fields, in encoding order. */
  readonly free: readonly number[];
  /** Free fields (by index) that must not take these values (the variant's `other` selections). */
  readonly excluded: ReadonlyMap<number, ReadonlySet<bigint>>;
  /** Elements read, and written, on some path of this variant. */
  readonly reads: ReadonlySet<StateElement>;
  readonly writes: ReadonlySet<StateElement>;
  /** Its paths are too many to enumerate one by one: proofs merge branches where they meet (paths.ts). */
  readonly merge: boolean;
  /** The cells the search randomises: everything the variant reads or writes, except the mode. */
  readonly cells: readonly Cell[];
  /** Every element at its reset value. */
  readonly resetStore: StateStore;
  /** Constants of the semantics (footprint.ts), sorted: values worth trying. */
  readonly dictionary: readonly bigint[];
  /** The slices the semantics test of values from storage, and the values worth giving them (slices.ts). */
  readonly slices: readonly SliceFact[];
  /** The load sites whose values the semantics test, each with its own facts (sites.ts). */
  readonly sites: Sites;
  /** Some path of the body (or a function it calls) loads from storage. */
  readonly readsStorage: boolean;
}

export function subjectOf(sandbox: Sandbox, index: number, variant: Variant): Subject {
  const isa = sandbox.isa;
  const instruction = isa.instructions[index]!;
  const fields = instruction.encoding.fields;
  const fixed = fields.map((f, i) => {
    const v = variant.fixed.get(i);
    return v === undefined ? null : extractField(insertField(0n, f, v), f);
  });
  const free = fixed.flatMap((v, i) => (v === null ? [i] : []));
  const body = sandbox.view.instructions[index]!;
  const whole = footprint(sandbox.view, body);
  const bits = fixed.map((v, i) => (v === null ? null : V.fromBigInt(v, fields[i]!.width)));
  const word = free.length === 0 ? sandbox.word(index, fixed.map((v) => v ?? 0n)) : null;
  const x = explore({ checked: sandbox.view, body, fields: bits, excludes: variant.excluded, word, wordWidth: instruction.encoding.width, mode: { kind: 'unknown' } });
  const reads = x.exhausted ? whole.reads : x.reads;
  const writes = x.exhausted ? whole.writes : x.writes;
  const touched = new Set([...reads, ...writes]);
  const cells: Cell[] = [];
  for (const elem of isa.state.values()) {
    if (!touched.has(elem) || elem === isa.mode) continue;
    for (let i = 0; i < elem.count; i++) if (!elem.zero.includes(i)) cells.push({ elem, index: i });
  }
  const dictionary = [...whole.constants].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    sandbox, index, name: instruction.name, variant, fixed, free, excluded: variant.excluded,
    reads, writes, merge: x.merged, cells, resetStore: resetStore(sandbox), dictionary, slices: sliceFacts(sandbox.view, body),
    sites: siteFacts(sandbox.view, body), readsStorage: whole.loads,
  };
}

function resetStore(sandbox: Sandbox): StateStore {
  const isa = sandbox.isa;
  const store: StateStore = { narrow: new Uint32Array(isa.narrowSlots), wide: new BigUint64Array(isa.wideSlots) };
  for (const e of isa.state.values()) {
    for (let i = 0; i < e.count; i++) setCell(store, e, i, e.reset);
  }
  return store;
}

/** The state with the subject's cells set to `values` (in `cells` order), the mode to `mode`, and `storage`. */
export function stateOf(subject: Subject, values: readonly bigint[], storage: Storage, mode: number): SandboxState {
  const store = copyStore(subject.resetStore);
  subject.cells.forEach((c, i) => setCell(store, c.elem, c.index, values[i] ?? 0n));
  setCell(store, subject.sandbox.isa.mode, 0, BigInt(mode));
  return { store, storage };
}

/** All field values (encoding order): the fixed ones, then `free` filled in from `freeValues`. */
export function fieldsOf(subject: Subject, freeValues: readonly bigint[]): bigint[] {
  const out = subject.fixed.map((v) => v ?? 0n);
  subject.free.forEach((f, i) => { out[f] = freeValues[i] ?? 0n; });
  return out;
}

/** The fixed fields as the partial evaluator takes them (a value of the field's width, or null). */
export function fixedBits(subject: Subject): (Bits | null)[] {
  const fields = subject.sandbox.isa.instructions[subject.index]!.encoding.fields;
  return subject.fixed.map((v, i) => (v === null ? null : V.fromBigInt(v, fields[i]!.width)));
}

/** The instruction word when every field is fixed. */
export function fixedWord(subject: Subject): bigint | null {
  return subject.free.length === 0 ? subject.sandbox.word(subject.index, fieldsOf(subject, [])) : null;
}
