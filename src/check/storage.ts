/**
 * What storage (P&G's E) holds before a run of the audit's sandbox (sandbox.ts): a *total* function
 * from physical address to unit, defined lazily.
 *
 * A state's storage is drawn as a fallback seed and a list of 64-bit patterns (`StorageDraw`). The
 * first read to touch a unit that no read has touched before takes the next pattern, laid out so
 * that the read gives the pattern's low `bits` bits (in the ISA's byte order); the units it covers
 * that are still fresh keep those values from then on. So the i-th *new* place an instruction reads
 * gets the i-th pattern: a gate, the code-segment descriptor its selector names, and the stack
 * pointer in the TSS can all be different, consistent values, whatever addresses the state's
 * registers give them. When the list runs out it starts again (one pattern: every fresh read gives
 * it, as a repeated pattern would); with no patterns, a fresh unit is a pseudo-random function of
 * the seed and its address (seed 0: zero).
 *
 * Keyed by site (sites.ts): a read made at a load site whose value the semantics test takes that
 * site's own pattern instead (`sites`, one per slot), for every fresh place it reads — so a gate
 * and the code-segment descriptor it names, read by one function in two contexts, each get the
 * pattern drawn for them. Reads at other sites take the patterns in order, as above.
 *
 * One `Storage` serves every run on the states of one search input — both runs of a pair — so a
 * place read first by the second run takes the next pattern, and a place the first run read gives
 * the second run the same value: the two states still have the *same* storage, a well-defined
 * function (its assigned units, then the seed), and differ only where the pair should. Runs are
 * made in a fixed order, so the same input always assigns the same units (replay, witness.ts).
 * A witness shows the blocks it assigned (`blocks`): where, how wide, and what the read took.
 */
import type { IExpr } from '../semantics/ir.js';
import * as V from '../semantics/values.js';
import { siteOf, type Sites } from './sites.js';

/** A state's storage as a search draws it: the fallback seed (0: zero) and the patterns fresh reads take in turn. */
export interface StorageDraw {
  readonly seed: number;
  /** 64-bit patterns; empty (and no `sites`): every fresh unit comes from the seed. */
  readonly patterns: readonly bigint[];
  /** The pattern of each site slot (sites.ts), taken by every fresh read at that site; absent: none. */
  readonly sites?: readonly bigint[];
}

/** A block of storage that a read assigned: its first unit's address, the read's width in bits, and the value the read took. */
export interface Block {
  readonly pa: number;
  readonly bits: number;
  readonly value: bigint;
}

/** 32-bit mixing (a murmur3 finaliser), for seeded contents. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Storage shared by the runs on one search input; addresses and widths in memory units of `unit` bits. */
export class Storage {
  /** Units assigned by a pattern: address → value. */
  private readonly assigned = new Map<number, bigint>();
  /** The blocks assigned so far, in the order of the reads that assigned them. */
  readonly blocks: Block[] = [];
  private next = 0;
  private readonly unitMask: bigint;

  /** `sites`: the load sites of the instruction run, whose slots `draw.sites` gives patterns. */
  constructor(readonly draw: StorageDraw, readonly unit: number, readonly endian: 'little' | 'big', readonly sites: Sites | null = null) {
    this.unitMask = V.maskOf(unit);
  }

  /** The site slot of a load made through `calls` (sites.ts); -1 for none. */
  slotOf(calls: readonly IExpr[], load: IExpr): number {
    return this.sites === null || this.draw.sites === undefined ? -1 : siteOf(this.sites, calls, load);
  }

  get seed(): number {
    return this.draw.seed;
  }

  /** The unit at `pa` as storage holds it (before any write of a run). */
  initial(pa: number): bigint {
    return this.assigned.get(pa) ?? this.seeded(pa);
  }

  /**
   * A read of `bits` at `pa` is about to be made at site slot `site` (-1: none): if it touches a
   * unit no read has touched (and `fresh` says the run has not written it), the site's pattern, or
   * else the next pattern, assigns every such unit of the read.
   */
  touch(pa: number, bits: number, fresh: (pa: number) => boolean, site = -1): void {
    const patterns = this.draw.patterns;
    const own = site >= 0 ? this.draw.sites?.[site] : undefined;
    if (own === undefined && patterns.length === 0) return;
    const k = Math.max(1, Math.ceil(bits / this.unit));
    const units = Array.from({ length: k }, (_, i) => pa + i);
    const open = units.filter((u) => !this.assigned.has(u) && fresh(u));
    if (open.length === 0) return;
    const pattern = (own ?? patterns[this.next++ % patterns.length]!) & V.maskOf(Math.min(bits, 64));
    for (const u of open) {
      const i = u - pa;
      const shift = BigInt(this.unit * (this.endian === 'little' ? i : k - 1 - i));
      this.assigned.set(u, (pattern >> shift) & this.unitMask);
    }
    this.blocks.push({ pa, bits, value: pattern });
  }

  private seeded(pa: number): bigint {
    const seed = this.draw.seed;
    if (seed === 0) return 0n;
    const lo = mix32(seed ^ mix32(pa >>> 0) ^ Math.imul(Math.floor(pa / 2 ** 32), 0x9e3779b9));
    const hi = mix32(lo ^ seed);
    return ((BigInt(hi) << 32n) | BigInt(lo)) & this.unitMask;
  }
}
