/**
 * The allocator A of Popek & Goldberg's control program (CACM 17(7), 1974, §3): each guest gets
 * a contiguous part of real storage, which its virtual machine sees as its own RAM, and the
 * guest's virtual relocation is composed with that part so that the real machine's protection
 * confines the guest while it runs directly (docs/vmm.md, "Allocator").
 */
import { raise } from '../diagnostic.js';
import type { AllocatorSpec, Isa } from '../isa/model.js';
import type { Interpreter } from '../semantics/interpreter.js';
import type { Ram } from '../machine/memory.js';
import { relocationBounds } from './relocation-bounds.js';

/** A guest's part of real storage: `size` memory units from real physical address `realBase`. */
export interface Allocation {
  readonly realBase: number;
  readonly size: number;
}

/** Sets the real machine's relocation from the virtual machine's, composed with the allocation. */
export interface Composer {
  compose(virtual: Interpreter, real: Interpreter, allocation: Allocation): void;
}

/**
 * Split the real RAM into `count` equal allocations aligned to `granule` units. Throws InputError
 * (`cli/usage`) when the RAM cannot hold that many guests.
 */
export function allocate(ram: Ram, count: number, granule: number): Allocation[] {
  const size = Math.floor(ram.size / count / granule) * granule;
  if (size === 0) raise('cli/usage', `real storage of ${ram.size} units cannot hold ${count} guests in parts of ${granule} units`);
  return Array.from({ length: count }, (_, i) => ({ realBase: ram.base + i * size, size }));
}

/** The composer the ISA's `vmm.allocator` declares. Throws InputError when it declares none. */
export function composerFor(isa: Isa): { composer: Composer; spec: AllocatorSpec } {
  const spec = isa.vmm?.allocator ?? null;
  if (spec === null) {
    return raise('cli/usage', `${isa.file}: the description declares no vmm.allocator, so no VMM can confine its guests (docs/vmm.md)`);
  }
  switch (spec.kind) {
    case 'relocation-bounds': return { composer: relocationBounds(spec), spec };
  }
}
