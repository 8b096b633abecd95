/**
 * One guest's shadow page tables (docs/vmm.md, "Allocator"): real tables, one root per regime of
 * the guest's translation, that map guest-virtual pages straight to the real pages of its
 * allocation. Entries are filled lazily, one page at a time, from what the guest's own
 * translation answers (guest-translation.ts), and dropped as soon as that answer may change.
 *
 * The invariants, which make a guest running directly on the shadow indistinguishable from the
 * same guest on the bare machine (where there is no TLB: a PTE store takes effect at once):
 *
 * 1. Grants. A leaf for page p under the root of regime r grants access kind k only if, when it
 *    was filled, the guest's translation of p for k in regime r succeeded without writing memory
 *    (so with A, and D for a store, already set), at a page inside the guest's RAM; and it maps p
 *    to the real page of that guest page. A device page is never mapped: its accesses exit and
 *    the virtual step performs them on the guest's virtual devices.
 * 2. Dependencies. Every storage word the translation read for that fill is recorded with the
 *    value it held. The regime (the state `translate` reads) and those words decide the answer.
 * 3. Write protection. No leaf of any root grants stores to a page that holds a recorded word,
 *    so the guest cannot change a word its shadow depends on while running directly: such a store
 *    exits, and the virtual step performs it.
 * 4. Invalidation. Every store a virtual step makes to guest storage is reported (`written`);
 *    before the guest runs directly again (`settle`), every recorded word on a written page is
 *    read again and, where its value changed, the leaves filled from it are cleared.
 *
 * So a live leaf's grant is always one the guest's translation gives now. Regimes never mix:
 * the root in use is the one for the current regime. When the pool of table pages or the number
 * of roots runs out, everything is dropped and filled again.
 */
import type { AccessKind } from '../isa/model.js';
import type { Interpreter, PhysicalBus } from '../semantics/interpreter.js';
import type { Bits } from '../semantics/values.js';
import type { MemoryRead, TranslationProbe } from './guest-translation.js';
import type { AllocatorWork } from './exits.js';
import type { RealPageTables } from './real-page-table.js';

/** Roots kept at once (regimes: virtual privilege × address space × SUM/MXR settings in use). */
const MAX_ROOTS = 16;

const ACCESSES: readonly AccessKind[] = ['fetch', 'load', 'store'];

/** A storage word some leaves were filled from, with the value it had then. */
interface Dependency {
  readonly bits: number;
  readonly value: Bits;
  readonly leaves: number[];
}

/** The guest's RAM as the guest sees it, and where it lives in real storage. */
export interface GuestRam {
  /** Guest-physical unit address of its first unit. */
  readonly base: number;
  readonly size: number;
  /** Real unit address of its first unit. */
  readonly realBase: number;
}

export class ShadowSpace {
  /** Regime key → real address of its root table. */
  private readonly roots = new Map<string, number>();
  /** Guest-physical address of a word read by a fill → what depends on it. */
  private readonly dependencies = new Map<number, Dependency>();
  /** Guest page number → the addresses of recorded words on it (a page-table page while nonempty). */
  private readonly tablePages = new Map<number, Set<number>>();
  /** Guest page number → leaves that grant stores to it. */
  private readonly writable = new Map<number, number[]>();
  /** Table pages a virtual step wrote since the last `settle`. */
  private readonly dirty = new Set<number>();

  constructor(
    private readonly tables: RealPageTables,
    private readonly probe: TranslationProbe,
    private readonly ram: GuestRam,
    private readonly pageSize: number,
  ) {}

  /** A virtual step stored to guest-physical [pa, pa + units). */
  written(pa: number, units: number): void {
    for (let page = this.pageOf(pa); page <= this.pageOf(pa + units - 1); page++) {
      if (this.tablePages.has(page)) this.dirty.add(page);
    }
  }

  /** Invariant 4: drop every leaf filled from a word that a virtual step has changed since. */
  settle(virtual: PhysicalBus, real: PhysicalBus): void {
    for (const page of this.dirty) {
      const words = this.tablePages.get(page);
      if (words === undefined) continue;
      for (const pa of words) {
        const d = this.dependencies.get(pa)!;
        if (virtual.read(pa, d.bits, 'load') === d.value) continue;
        for (const leaf of d.leaves) this.tables.clear(real, leaf);
        this.dependencies.delete(pa);
        words.delete(pa);
      }
      if (words.size === 0) this.tablePages.delete(page);
    }
    this.dirty.clear();
  }

  /** The root table for the regime `key`, made (empty) when new. */
  root(real: PhysicalBus, key: string): number {
    const known = this.roots.get(key);
    if (known !== undefined) return known;
    if (this.roots.size >= MAX_ROOTS) this.flush();
    let root = this.tables.allocate(real);
    if (root === null) {
      this.flush();
      root = this.tables.allocate(real)!;
    }
    this.roots.set(key, root);
    return root;
  }

  /**
   * After the guest's virtual step completed an access of kind `kind` at `va` that faulted on the
   * real machine: map the page of `va` in the current regime's root (invariant 1), recording what
   * the mapping depends on (2) and keeping table pages read-only (3). What it did: the page mapped
   * for the kinds granted; `protect` for a store that the page's being a page table refuses; null
   * when the guest's translation gives nothing to map (its own fault, a device page) or the pool ran out.
   */
  fill(virtual: Interpreter, real: PhysicalBus, key: string, va: number, kind: AccessKind): AllocatorWork | null {
    this.settle(virtual.bus, real);
    const first = this.probe.translate(va, kind);
    if (first === null) return null;
    const page = this.pageOf(first.pa);
    if (first.pa < this.ram.base || (page + 1) * this.pageSize > this.ram.base + this.ram.size) return null;
    const grants = new Set<AccessKind>();
    const reads = new Map<number, MemoryRead>();
    for (const k of ACCESSES) {
      const t = k === kind ? first : this.probe.translate(va, k);
      if (t === null || this.pageOf(t.pa) !== page) continue;
      grants.add(k);
      for (const r of t.reads) reads.set(r.pa, r);
    }
    // Invariant 3: a page the translation itself reads is never writable.
    if (this.tablePages.has(page) || [...reads.keys()].some((pa) => this.pageOf(pa) === page)) grants.delete('store');
    const root = this.root(real, key);
    const target = this.ram.realBase + (page * this.pageSize - this.ram.base);
    const leaf = this.tables.install(real, root, va, target, grants);
    if (leaf === null) {
      // The pool ran out: start afresh; the access faults again and is filled then.
      this.flush();
      return null;
    }
    for (const r of reads.values()) this.depend(real, r, leaf);
    if (grants.has('store')) {
      const leaves = this.writable.get(page);
      if (leaves === undefined) this.writable.set(page, [leaf]);
      else leaves.push(leaf);
    }
    // The faulting kind agrees with itself: only invariant 3 takes it away, from a store.
    if (!grants.has(kind)) return { kind: 'protect' };
    return { kind: 'fill', first: Math.floor(va / this.pageSize) * this.pageSize, size: this.pageSize, grants: [...grants] };
  }

  /** Record that `leaf` was filled from the word `r` read; a page that newly holds one loses its writable leaves. */
  private depend(real: PhysicalBus, r: MemoryRead, leaf: number): void {
    const known = this.dependencies.get(r.pa);
    if (known !== undefined && known.value === r.value) {
      known.leaves.push(leaf);
      return;
    }
    // (`settle` ran first, so a recorded word still holds its value; were it not, its leaves go.)
    for (const l of known?.leaves ?? []) this.tables.clear(real, l);
    this.dependencies.set(r.pa, { bits: r.bits, value: r.value, leaves: [leaf] });
    const page = this.pageOf(r.pa);
    const words = this.tablePages.get(page);
    if (words !== undefined) {
      words.add(r.pa);
      return;
    }
    this.tablePages.set(page, new Set([r.pa]));
    for (const w of this.writable.get(page) ?? []) this.tables.clear(real, w);
    this.writable.delete(page);
  }

  /** Drop every root, leaf and record; the pool is free again. */
  private flush(): void {
    this.tables.reset();
    this.roots.clear();
    this.dependencies.clear();
    this.tablePages.clear();
    this.writable.clear();
    this.dirty.clear();
  }

  private pageOf(pa: number): number {
    return Math.floor(pa / this.pageSize);
  }
}
