/**
 * A translation cache — a software TLB — for a machine whose owner keeps it coherent. The bare
 * machine has none: every access walks the ISA's `translate` afresh, as the description says. A
 * VMM's real machine may have one, because the VMM alone writes the real translation's inputs
 * (the real relocation registers and the shadow page tables, which no guest can reach): it
 * promises that the translation maps whole pages of `pageSize` units linearly, and flushes the
 * cache whenever it changes an input — as an operating system executes SFENCE.VMA.
 *
 * Only successful translations are kept, one direct-mapped entry per (access kind, page slot).
 */
import type { AccessKind } from '../isa/model.js';

const SLOTS = 256;

const KINDS: readonly AccessKind[] = ['fetch', 'load', 'store'];

export class TranslationCache {
  /** Per access kind: the virtual page number held in each slot (−1: empty) and its physical page's address. */
  private readonly tags: Float64Array[];
  private readonly bases: Float64Array[];

  /** @param pageSize units per page (the translation maps each page linearly) */
  constructor(readonly pageSize: number) {
    this.tags = KINDS.map(() => new Float64Array(SLOTS).fill(-1));
    this.bases = KINDS.map(() => new Float64Array(SLOTS));
  }

  /** Forget every translation (the owner changed what they depend on). */
  flush(): void {
    for (const t of this.tags) t.fill(-1);
  }

  /**
   * `translate` for one access kind, answered from the cache when it holds the page and
   * otherwise by `walk`, whose result is kept when `ok()` says the walk succeeded.
   */
  wrap(access: AccessKind, walk: (va: number) => number, ok: () => boolean): (va: number) => number {
    const tags = this.tags[KINDS.indexOf(access)]!;
    const bases = this.bases[KINDS.indexOf(access)]!;
    const size = this.pageSize;
    return (va) => {
      const page = Math.floor(va / size);
      const slot = page % SLOTS;
      const offset = va - page * size;
      if (tags[slot] === page) return bases[slot]! + offset;
      const pa = walk(va);
      if (ok()) {
        tags[slot] = page;
        bases[slot] = pa - offset;
      }
      return pa;
    };
  }
}
