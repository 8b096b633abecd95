/**
 * Composition of a relocation-bounds register R = (l, b), Popek & Goldberg's §3 (CACM 17(7),
 * 1974): the guest's virtual R says addresses below b·g are legal and live at l·g in the
 * guest's storage; its allocation lives at A in real storage. The real R is (l + A/g, b'), b'
 * the virtual bound clipped so that no legal address leaves the allocation — an address past it
 * then traps in the real machine and the VMM gives the guest the fault the bare machine would.
 */
import type { RelocationBoundsSpec } from '../isa/model.js';
import type { Composer } from './allocator.js';
import { readRef as read, writeRef as write } from './state-ref.js';

export function relocationBounds(spec: RelocationBoundsSpec): Composer {
  const g = spec.granule;
  return {
    compose(virtual, real, allocation) {
      const l = read(virtual, spec.base);
      const b = read(virtual, spec.bound);
      const blocks = Math.floor(allocation.size / g);
      // A virtual base past the allocation leaves no legal address: bound 0, and any base.
      write(real, spec.base, (l < blocks ? l : 0) + allocation.realBase / g);
      write(real, spec.bound, l < blocks ? Math.min(b, blocks - l) : 0);
    },
  };
}
