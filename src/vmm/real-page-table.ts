/**
 * Real page tables in the ISA's own format, written by the VMM into storage of its own (a pool of
 * pages outside every guest's allocation) and walked by the real machine's `translate` while a
 * guest runs directly. The format comes from `vmm.allocator` (kind `page-table`): page size, levels,
 * index bits, entry size and the entry's bit positions — for RISC-V Sv32 (Privileged ISA §4.3.1):
 * 4096-byte pages, two levels of 10 index bits, 32-bit entries with V R W X U A D in bits 0-4, 6, 7
 * and the PPN in bits 31:10.
 *
 * Every table is one page. A pointer entry has V set and the next table's page number; a leaf
 * has V, its permissions, U (the real machine runs the guest in its user mode), and A and D set
 * already so that the real walk never writes a shadow table.
 */
import type { AccessKind, PageTableSpec } from '../isa/model.js';
import type { PhysicalBus } from '../semantics/interpreter.js';
import * as V from '../semantics/values.js';

/** The accesses a leaf grants. */
export type Grants = ReadonlySet<AccessKind>;

export class RealPageTables {
  /** Units per entry. */
  private readonly entryUnits: number;
  /** Virtual-address bits of the page offset, and of each level's index (level 0 is the leaf's). */
  private readonly offsetBits: number;
  private readonly indexWidths: readonly number[];
  /** The next free page of the pool. */
  private next: number;
  /** Changes whenever the tables do: a real translation cached before a change may be stale. */
  version = 0;

  /**
   * @param spec the real tables' format
   * @param addressWidth bits of a virtual address
   * @param unit bits per memory unit
   * @param pool the VMM storage the tables live in: [base, base + size), in units, page-aligned
   */
  constructor(
    private readonly spec: PageTableSpec,
    addressWidth: number,
    unit: number,
    private readonly pool: { readonly base: number; readonly size: number },
  ) {
    this.entryUnits = spec.pteSize / unit;
    this.offsetBits = Math.log2(spec.pageSize);
    const top = addressWidth - this.offsetBits - (spec.levels - 1) * spec.indexBits;
    this.indexWidths = Array.from({ length: spec.levels }, (_, level) => (level === spec.levels - 1 ? top : spec.indexBits));
    this.next = pool.base;
  }

  /** Every page of the pool free again (the tables in it are abandoned). */
  reset(): void {
    this.next = this.pool.base;
    this.version++;
  }

  /** A zeroed page of the pool for a table (a root), or null when the pool is used up. */
  allocate(bus: PhysicalBus): number | null {
    const page = this.next;
    if (page + this.spec.pageSize > this.pool.base + this.pool.size) return null;
    this.next += this.spec.pageSize;
    for (let at = page; at < page + this.spec.pageSize; at += this.entryUnits) this.write(bus, at, 0);
    return page;
  }

  /**
   * Map the page of `va` under `root` to the real page at unit address `target`, granting
   * `grants`; pointer tables on the way are allocated as needed. Returns the leaf entry's address,
   * or null when the pool ran out (nothing mapped).
   */
  install(bus: PhysicalBus, root: number, va: number, target: number, grants: Grants): number | null {
    const { pte, pteSize } = this.spec;
    let table = root;
    for (let level = this.spec.levels - 1; level > 0; level--) {
      const at = table + this.index(va, level) * this.entryUnits;
      const entry = V.toBigInt(bus.read(at, pteSize, 'load') ?? 0);
      if ((entry >> BigInt(pte.V)) & 1n) {
        table = this.pageOf(entry) * this.spec.pageSize;
        continue;
      }
      const next = this.allocate(bus);
      if (next === null) return null;
      this.write(bus, at, this.entry(next, []));
      table = next;
    }
    const leaf = table + this.index(va, 0) * this.entryUnits;
    const bits = [pte.U, pte.A, pte.D];
    if (grants.has('load')) bits.push(pte.R);
    if (grants.has('store')) bits.push(pte.W);
    if (grants.has('fetch')) bits.push(pte.X);
    this.write(bus, leaf, this.entry(target, bits));
    return leaf;
  }

  /** What the leaf for `va` under `root` grants; null when no valid leaf maps it. */
  grants(bus: PhysicalBus, root: number, va: number): Grants | null {
    const { pte, pteSize } = this.spec;
    let table = root;
    for (let level = this.spec.levels - 1; level >= 0; level--) {
      const entry = V.toBigInt(bus.read(table + this.index(va, level) * this.entryUnits, pteSize, 'load') ?? 0);
      if (((entry >> BigInt(pte.V)) & 1n) === 0n) return null;
      if (level > 0) {
        table = this.pageOf(entry) * this.spec.pageSize;
        continue;
      }
      const bit = (b: number): boolean => ((entry >> BigInt(b)) & 1n) === 1n;
      const out = new Set<AccessKind>();
      if (bit(pte.R)) out.add('load');
      if (bit(pte.W)) out.add('store');
      if (bit(pte.X)) out.add('fetch');
      return out;
    }
    return null;
  }

  /** Unmap the leaf entry at `leaf` (an address `install` returned). */
  clear(bus: PhysicalBus, leaf: number): void {
    this.write(bus, leaf, 0);
  }

  /** Every write to the tables goes through here, so `version` counts them. */
  private write(bus: PhysicalBus, at: number, entry: V.Bits): void {
    this.version++;
    bus.write(at, this.spec.pteSize, entry, 'store');
  }

  /** The register value that names `root`: its page number. */
  rootNumber(root: number): number {
    return root / this.spec.pageSize;
  }

  /** The index into a level-`level` table of `va` (level 0: the leaf table). */
  private index(va: number, level: number): number {
    const shift = this.offsetBits + level * this.spec.indexBits;
    return Math.floor(va / 2 ** shift) % 2 ** this.indexWidths[level]!;
  }

  /** A valid entry for the page at unit address `page`, with the given bits set as well. */
  private entry(page: number, bits: readonly number[]): V.Bits {
    const { pte, pteSize, pageSize } = this.spec;
    let e = (BigInt(page / pageSize) << BigInt(pte.ppn.lo)) | (1n << BigInt(pte.V));
    for (const b of bits) e |= 1n << BigInt(b);
    return V.fromBigInt(e, pteSize);
  }

  /** The page number in an entry. */
  private pageOf(entry: bigint): number {
    const { hi, lo } = this.spec.pte.ppn;
    return Number((entry >> BigInt(lo)) & V.maskOf(hi - lo + 1));
  }
}
