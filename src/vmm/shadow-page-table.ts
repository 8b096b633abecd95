/**
 * The `page-table` composer (docs/vmm.md, "Allocator"): for an ISA that pages (RISC-V Sv32), each
 * guest runs directly in the real user mode with the real translation on and the real root
 * register pointing at a shadow table of the guest's current regime (shadow-space.ts). Its
 * entries map guest-virtual pages to the real pages of the guest's allocation, with exactly the
 * permissions the guest's own translation gives; anything else — an unfilled page, a device, a
 * store to one of the guest's page tables, an access the guest itself may not make — faults on
 * the real machine, exits, and is done by the guest's virtual step, after which the page is
 * filled when the guest's translation now allows it.
 *
 * With the guest's translation off (RISC-V M-mode, or satp.MODE = Bare) the regime is the
 * identity on its RAM, filled the same way; M-mode with MPRV = 1 is a regime whose data and
 * fetch translations differ, and a page is mapped only for the accesses whose translations
 * agree. Shadow tables live in VMM storage outside every allocation (`reserve` per guest).
 */
import type { PageTableSpec } from '../isa/model.js';
import type { Interpreter } from '../semantics/interpreter.js';
import * as V from '../semantics/values.js';
import type { Allocation, Composer, Exit } from './allocator.js';
import { regimeKey, TranslationProbe, translationShape, type TranslationShape } from './guest-translation.js';
import { RealPageTables } from './real-page-table.js';
import { ShadowSpace } from './shadow-space.js';
import { readRef, writeRef } from './state-ref.js';

/** Table pages of VMM storage per guest (a root per regime in use and the tables below them). */
const POOL_PAGES = 256;

export interface ShadowOptions {
  /** Table pages per guest (default 256, a MiB of 4 KiB pages); at least `levels`. Tests make it small. */
  readonly poolPages?: number;
}

/**
 * The composer for `spec`. Each guest's shadow is made on the guest's first resume and lives in
 * its allocation's `vmm` storage; throws (a bug) when the control program gave it none.
 */
export function shadowPageTable(spec: PageTableSpec, options: ShadowOptions = {}): Composer {
  const poolPages = options.poolPages ?? POOL_PAGES;
  // By allocation: each control program makes its guests' allocations, so a composer serves any number.
  const spaces = new WeakMap<Allocation, { space: ShadowSpace; tables: RealPageTables }>();
  let shape: TranslationShape | null = null;
  /** What the last `compose` left the real machine translating through, and whether it differed. */
  let composed: { readonly tables: RealPageTables; readonly root: number; readonly version: number } | null = null;
  let changed = true;

  /** The guest's shadow, made on its first use (its virtual machine gives the ISA and its state). */
  const spaceOf = (virtual: Interpreter, allocation: Allocation): { space: ShadowSpace; tables: RealPageTables } => {
    const known = spaces.get(allocation);
    if (known !== undefined) return known;
    const isa = virtual.checked.isa;
    const pool = allocation.vmm;
    if (pool === undefined || pool.size < spec.levels * spec.pageSize) {
      throw new Error(`page-table composer: the allocation at ${allocation.realBase} has no VMM storage for shadow tables`);
    }
    const base = isa.board?.ram.base ?? 0;
    const tables = new RealPageTables(spec, isa.addressWidth, isa.unit, pool);
    const probe = new TranslationProbe(virtual.checked, virtual.state, virtual.bus, base, allocation.size);
    const made = { space: new ShadowSpace(tables, probe, { base, size: allocation.size, realBase: allocation.realBase }, spec.pageSize), tables };
    spaces.set(allocation, made);
    return made;
  };
  const shapeOf = (virtual: Interpreter): TranslationShape => {
    shape ??= translationShape(virtual.checked);
    return shape;
  };

  return {
    tableStorage: poolPages * spec.pageSize,
    pageSize: spec.pageSize,

    compose(virtual, real, allocation) {
      const { space, tables } = spaceOf(virtual, allocation);
      space.settle(virtual.bus, real.bus);
      const root = space.root(real.bus, regimeKey(shapeOf(virtual), virtual));
      for (const { ref, value } of spec.enable) writeRef(real, ref, Number(value));
      writeRef(real, spec.root, tables.rootNumber(root));
      // The real translation is the tables under this root: unchanged when they are.
      changed = composed?.tables !== tables || composed.root !== root || composed.version !== tables.version;
      composed = { tables, root, version: tables.version };
    },

    translationChanged: () => changed,

    afterExit(virtual, real, allocation, exit: Exit) {
      // A real page fault asks for a fill, whatever the guest's step then did: the fill maps the
      // page only if the guest's translation (in its regime now) allows the access.
      const { faults } = spec;
      const cause = exit.cause.name;
      const kind = cause === faults.fetch.name ? 'fetch' : cause === faults.load.name ? 'load' : cause === faults.store.name ? 'store' : null;
      if (kind === null) return null;
      const { space, tables } = spaceOf(virtual, allocation);
      const va = V.toNumber(exit.tval);
      // A store that the shadow refused on a page it maps for loads: the page holds a word the
      // guest's translation reads, kept write-protected (invariant 3) — whatever the store then did.
      const root = readRef(real, spec.root) * spec.pageSize;
      const mapped = kind === 'store' ? tables.grants(real.bus, root, va) : null;
      const work = space.fill(virtual, real.bus, regimeKey(shapeOf(virtual), virtual), va, kind);
      return mapped !== null && mapped.has('load') && !mapped.has('store') ? { kind: 'protect' } : work;
    },

    written(allocation, pa, units) {
      // A guest without a shadow yet has nothing that depends on its storage.
      spaces.get(allocation)?.space.written(pa, units);
    },
  };
}
