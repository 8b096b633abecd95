/**
 * The allocator A of Popek & Goldberg's control program (CACM 17(7), 1974, §3): each guest gets
 * a contiguous part of real storage, which its virtual machine sees as its own RAM, and the
 * guest's virtual relocation is composed with that part so that the real machine's protection
 * confines the guest while it runs directly (docs/vmm.md, "Allocator").
 */
import { raise } from '../diagnostic.js';
import type { AllocatorSpec, Isa } from '../isa/model.js';
import type { Cause } from '../isa/model.js';
import type { StepResult } from '../machine/machine.js';
import type { Interpreter } from '../semantics/interpreter.js';
import type { Bits } from '../semantics/values.js';
import type { Ram } from '../machine/memory.js';
import type { AllocatorWork } from './exits.js';
import { relocationBounds } from './relocation-bounds.js';
import { shadowPageTable } from './shadow-page-table.js';
import { twoSegment } from './two-segment.js';

/** A guest's part of real storage: `size` memory units from real physical address `realBase`. */
export interface Allocation {
  readonly realBase: number;
  readonly size: number;
  /**
   * VMM storage kept for this guest, outside every allocation: [base, base + size) in real units
   * (the page-table composer's shadow tables). Absent when the composer needs none.
   */
  readonly vmm?: { readonly base: number; readonly size: number };
}

/** An exit out of direct execution, and what the guest's virtual step made of it. */
export interface Exit {
  /** The real trap: its cause and trap value (for a page fault, the faulting virtual address). */
  readonly cause: Cause;
  readonly tval: Bits;
  /** The virtual step that answered it: retired (emulated), the guest's own trap, or a halt. */
  readonly step: StepResult;
}

/** Sets the real machine's relocation from the virtual machine's, composed with the allocation. */
export interface Composer {
  /** Called as the guest resumes direct execution, after its registers are on the real machine. */
  compose(virtual: Interpreter, real: Interpreter, allocation: Allocation): void;
  /**
   * Units at the bottom of real storage that belong to the real machine itself and to no guest
   * (the KA10's accumulators, real words 0-17 octal, which every user-mode address below 20 reaches
   * unrelocated); `allocate` keeps them out of every allocation. 0 when absent.
   */
  readonly reserved?: number;
  /**
   * Can the real relocation confine the guest as its virtual state now stands, with every real
   * legal address a virtual legal one? When not, the control program interprets the guest's next
   * step instead of running it directly. Always, when absent.
   */
  confines?(virtual: Interpreter, allocation: Allocation): boolean;
  /** Called as the guest leaves direct execution: take back what `compose` lent the real machine. */
  release?(virtual: Interpreter, real: Interpreter, allocation: Allocation): void;
  /**
   * Units of VMM storage the composer needs per guest for its own tables (shadow page tables);
   * `allocate` keeps them at the top of real storage, outside every allocation. 0 when absent.
   */
  readonly tableStorage?: number;
  /**
   * When set, the real translation the composer sets up maps whole pages of this many units
   * linearly and changes only in `compose` and `afterExit`: the real machine may cache
   * translations (a TLB), which the control program flushes as the guest resumes — every time,
   * or only when `translationChanged` says so.
   */
  readonly pageSize?: number;
  /**
   * Did the last `compose` leave a real translation other than the one before it (another guest,
   * root or regime, or tables written since)? The control program keeps the real machine's cached
   * translations when not. Always, when absent.
   */
  translationChanged?(): boolean;
  /**
   * Called after the dispatcher answered an exit (the shadow page tables fill a page then). Says
   * what it did for an exit whose real cause is a memory fault and whose virtual step completed —
   * allocator work (exits.ts) — or null when it did nothing (the efficiency property's law counts
   * such an exit against the VMM).
   */
  afterExit?(virtual: Interpreter, real: Interpreter, allocation: Allocation, exit: Exit): AllocatorWork | null;
  /**
   * A virtual step (not direct execution) stored to the guest's storage: guest-physical units
   * [pa, pa + units). A composer whose real relocation is derived from guest storage (shadow page
   * tables from the guest's page tables) must see every such store.
   */
  written?(allocation: Allocation, pa: number, units: number): void;
}

/**
 * Split the real RAM, less its first `reserved` units (rounded up to `granule`) and its last
 * `count` × `tableStorage` units (each guest's VMM storage, `vmm`), into `count` equal allocations
 * aligned to `granule` units. Throws InputError (`cli/usage`) when the RAM cannot hold that many
 * guests.
 */
export function allocate(ram: Ram, count: number, granule: number, reserved = 0, tableStorage = 0): Allocation[] {
  const first = Math.ceil(reserved / granule) * granule;
  const size = Math.floor(Math.max(0, ram.size - first - count * tableStorage) / count / granule) * granule;
  if (size === 0) raise('cli/usage', `real storage of ${ram.size} units cannot hold ${count} guests in parts of ${granule} units`);
  return Array.from({ length: count }, (_, i): Allocation => {
    const realBase = ram.base + first + i * size;
    if (tableStorage === 0) return { realBase, size };
    return { realBase, size, vmm: { base: ram.end - (i + 1) * tableStorage, size: tableStorage } };
  });
}

/** The composer the ISA's `vmm.allocator` declares. Throws InputError when it declares none. */
export function composerFor(isa: Isa): { composer: Composer; spec: AllocatorSpec } {
  const spec = isa.vmm?.allocator ?? null;
  if (spec === null) {
    return raise('cli/usage', `${isa.file}: the description declares no vmm.allocator, so no VMM can confine its guests (docs/vmm.md)`);
  }
  switch (spec.kind) {
    case 'relocation-bounds': return { composer: relocationBounds(spec), spec };
    case 'two-segment': return { composer: twoSegment(spec, isa), spec };
    case 'page-table': return { composer: shadowPageTable(spec), spec };
  }
}
