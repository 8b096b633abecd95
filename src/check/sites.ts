/**
 * Load sites: the storage dictionary (slices.ts) keyed by *where a value is read*, not by bit
 * position. A site is a `load` (or `loadPhys`) node of the semantics together with the chain of
 * calls that reached it from the instruction's body — the call tree inlined, as the proofs inline it
 * (paths.ts; functions are not recursive). So x86's `readDescriptor(cs)` in `deliver` (a code
 * segment: S = 1, type bit 3 set) and the same function's load reached through `checkReturnStack`
 * (a writable data segment: S = 1, type bit 3 clear) are two sites, and a gate read in `deliver`
 * itself (S = 0) a third: facts that conflict between them are no longer coin flips on every read.
 *
 * A value's bits are followed, context by context, from its load through locals, parameters and
 * returns (`let d = readDescriptor(sel)` takes the load's origins from the call's context below)
 * to the slices tested in each context; the collector is slices.ts's. A site whose value is
 * tested gets a slot: the search draws a pattern per slot (arbitraries.ts), and a fresh place first
 * read at that site takes it (storage.ts). The sandbox's interpreter tells its bus the calls and the
 * load of each read (interpreter.ts `SiteBus`), and `siteOf` finds the slot.
 */
import type { CheckedIsa } from '../semantics/check-isa.js';
import type { Body, IExpr } from '../semantics/ir.js';
import { walkStmts } from '../semantics/walk.js';
import { collectFacts, PATTERN_BITS, shift, type FactScope, type Origins, type SliceFact } from './slices.js';

/** A body as reached from the instruction's body through one chain of calls. */
export interface Context {
  readonly body: Body;
  /** The context each call of this body runs its function in. */
  readonly calls: ReadonlyMap<IExpr, Context>;
  /** The slot of each load of this body whose value is tested here or in a context it flows to. */
  readonly loads: ReadonlyMap<IExpr, number>;
}

/** An instruction's load sites: its call tree, and the facts of each slot (a tested site). */
export interface Sites {
  readonly root: Context;
  /** Per slot: the slices its site's value is tested by, widest first (slices.ts). */
  readonly facts: readonly (readonly SliceFact[])[];
}

/** A call tree beyond this many contexts is not keyed by site (the dictionary by position still serves). */
const MAX_CONTEXTS = 4096;

const NONE: Origins = new Set();

interface Building {
  readonly body: Body;
  readonly calls: Map<IExpr, Building>;
  readonly loads: Map<IExpr, number>;
}

/** The call tree under `body`, every load numbered in walk order; null when it grows beyond MAX_CONTEXTS. */
function callTree(checked: CheckedIsa, body: Body): Building[] | null {
  const all: Building[] = [];
  let loads = 0;
  const build = (b: Body): Building | null => {
    const c: Building = { body: b, calls: new Map(), loads: new Map() };
    all.push(c);
    let ok = all.length <= MAX_CONTEXTS;
    walkStmts(b.stmts, {
      expr: (e) => {
        if (!ok) return;
        if (e.k === 'load' || e.k === 'loadPhys') c.loads.set(e, loads++);
        const fn = e.k === 'call' ? checked.functions.get(e.fn) : undefined;
        if (fn === undefined) return;
        const inner = build(fn.body);
        if (inner === null) ok = false;
        else c.calls.set(e, inner);
      },
    });
    return ok ? c : null;
  };
  return build(body) === null ? null : all;
}

/** Where each local, parameter and return value of each context comes from: loads of the tree, by site and bit. */
class ContextFlow {
  private readonly slots = new Map<Building, Map<number, Set<number>>>();
  private readonly returns = new Map<Building, Set<number>>();

  origins(e: IExpr, c: Building): Origins {
    switch (e.k) {
      case 'load': case 'loadPhys': {
        const site = c.loads.get(e);
        return site === undefined ? NONE : new Set([site * PATTERN_BITS]);
      }
      case 'slice': return shift(this.origins(e.e, c), e.lo);
      case 'ext': return this.origins(e.e, c);
      case 'local': return this.slots.get(c)?.get(e.slot) ?? NONE;
      case 'call': {
        const inner = c.calls.get(e);
        return inner === undefined ? NONE : this.returns.get(inner) ?? NONE;
      }
      default: return NONE;
    }
  }

  /** Flows values into every context's locals, parameters and returns until nothing grows. */
  settle(contexts: readonly Building[]): void {
    for (let grew = true; grew;) {
      grew = false;
      for (const c of contexts) {
        walkStmts(c.body.stmts, {
          stmt: (s) => {
            if (s.k === 'setLocal' && add(this.slot(c, s.slot), this.origins(s.e, c))) grew = true;
            if (s.k === 'return' && s.e !== null && add(this.returned(c), this.origins(s.e, c))) grew = true;
          },
          expr: (e) => {
            const inner = e.k === 'call' ? c.calls.get(e) : undefined;
            if (e.k !== 'call' || inner === undefined) return;
            e.args.forEach((a, i) => {
              if (add(this.slot(inner, i), this.origins(a, c))) grew = true;
            });
          },
        });
      }
    }
  }

  private slot(c: Building, slot: number): Set<number> {
    let m = this.slots.get(c);
    if (m === undefined) this.slots.set(c, (m = new Map()));
    let set = m.get(slot);
    if (set === undefined) m.set(slot, (set = new Set()));
    return set;
  }

  private returned(c: Building): Set<number> {
    let set = this.returns.get(c);
    if (set === undefined) this.returns.set(c, (set = new Set()));
    return set;
  }
}

/** Adds `from` to `to`; true when it grew. Origins only ever grow, and are finite, so flows settle. */
function add(to: Set<number>, from: Origins): boolean {
  const before = to.size;
  for (const o of from) to.add(o);
  return to.size > before;
}

/** The load sites of `body` and the facts of each one its semantics test. */
export function siteFacts(checked: CheckedIsa, body: Body): Sites {
  const tree = callTree(checked, body);
  if (tree === null) return { root: { body, calls: new Map(), loads: new Map() }, facts: [] };
  const flow = new ContextFlow();
  flow.settle(tree);
  const scope: FactScope<Building> = {
    contexts: tree,
    body: (c) => c.body,
    callee: (c, call) => c.calls.get(call),
    origins: (e, c) => flow.origins(e, c),
  };
  const bySite = collectFacts(checked, scope);
  // Slots in site order; a site nothing tests keeps no slot (its reads take the patterns in order).
  const sites = [...bySite.keys()].sort((a, b) => a - b);
  const slotOf = new Map(sites.map((s, i) => [s, i]));
  for (const c of tree) {
    for (const [load, site] of c.loads) {
      const slot = slotOf.get(site);
      if (slot === undefined) c.loads.delete(load);
      else c.loads.set(load, slot);
    }
  }
  return { root: tree[0]!, facts: sites.map((s) => bySite.get(s)!) };
}

/** The slot of a load made through `calls` (outermost first); -1 when its site has none. */
export function siteOf(sites: Sites, calls: readonly IExpr[], load: IExpr): number {
  let c: Context | undefined = sites.root;
  for (let i = 0; i < calls.length && c !== undefined; i++) c = c.calls.get(calls[i]!);
  return c?.loads.get(load) ?? -1;
}
