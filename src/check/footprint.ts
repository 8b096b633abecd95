/**
 * The state an instruction can touch: every state element its body (and every function it calls,
 * transitively) reads or writes, found by walking the IR. The witness search randomises only
 * these elements — an element the instruction neither reads nor writes cannot change its outcome,
 * so it stays at its reset value and the witnesses stay short. The constants the semantics compare
 * and compute with are collected too: the search tries them as values (a fuzzer's dictionary).
 * (The sharper footprint of a variant comes from its partial evaluation, subject.ts; this one is
 * the whole body's.) Also here: which functions touch no state at all (`effectFree`), so the
 * partial evaluator may summarise their calls.
 */
import type { StateElement } from '../isa/model.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import type { Body } from '../semantics/ir.js';
import * as V from '../semantics/values.js';
import { walkStmts } from '../semantics/walk.js';

export interface Footprint {
  readonly reads: ReadonlySet<StateElement>;
  readonly writes: ReadonlySet<StateElement>;
  /** Functions called, directly or not. */
  readonly calls: ReadonlySet<string>;
  /** Every constant in the body and its callees. */
  readonly constants: ReadonlySet<bigint>;
  /** The body or a callee loads from storage. */
  readonly loads: boolean;
}

/** Reads and writes of `body` and everything it calls. */
export function footprint(checked: CheckedIsa, body: Body): Footprint {
  const reads = new Set<StateElement>();
  const writes = new Set<StateElement>();
  const calls = new Set<string>();
  const constants = new Set<bigint>();
  let loads = false;
  const visit = (b: Body): void => {
    walkStmts(b.stmts, {
      stmt: (s) => {
        if (s.k === 'setReg' || s.k === 'setField' || s.k === 'setFile') writes.add(s.elem);
        if (s.k === 'setField') reads.add(s.elem);
      },
      expr: (e) => {
        if (e.k === 'reg' || e.k === 'file') reads.add(e.elem);
        if (e.k === 'const') constants.add(V.toBigInt(e.v));
        if (e.k === 'load' || e.k === 'loadPhys') loads = true;
        if (e.k === 'call' && !calls.has(e.fn)) {
          calls.add(e.fn);
          const fn = checked.functions.get(e.fn);
          if (fn) visit(fn.body);
        }
      },
    });
  };
  visit(body);
  return { reads, writes, calls, constants, loads };
}

const effectFreeCache = new WeakMap<CheckedIsa, Map<string, boolean>>();

/** Does the function (with everything it calls) write no state, no storage and no pc, and never halt? */
export function effectFree(checked: CheckedIsa, name: string): boolean {
  let cache = effectFreeCache.get(checked);
  if (cache === undefined) effectFreeCache.set(checked, (cache = new Map()));
  const known = cache.get(name);
  if (known !== undefined) return known;
  cache.set(name, false); // functions are not recursive; this only guards against a cycle
  const fn = checked.functions.get(name);
  let free = fn !== undefined;
  if (fn) {
    walkStmts(fn.body.stmts, {
      stmt: (s) => {
        if (['setReg', 'setField', 'setFile', 'setPc', 'store', 'storePhys', 'halt'].includes(s.k)) free = false;
      },
      expr: (e) => {
        if (e.k === 'call' && !effectFree(checked, e.fn)) free = false;
      },
    });
  }
  cache.set(name, free);
  return free;
}
