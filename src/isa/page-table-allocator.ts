/**
 * `vmm.allocator` of kind `page-table` (docs/description-format.md, docs/vmm.md): the real page
 * table format the VMM writes its shadow tables in, resolved and checked against the ISA — the
 * root register and the enable settings must exist and fit, the page size must be a power of two
 * whose tables hold 2^indexBits entries, the levels must cover the virtual address, the entry's
 * bits must lie inside it, and the fault causes must be declared memory traps.
 */
import type { SourcePos } from '../diagnostic.js';
import type { AccessKind, Cause, PageTableSpec, PteLayout, StateRef } from './model.js';
import type { RawPageTableAllocator } from './raw.js';
import { fitValue } from './state.js';
import type { Report, YamlSource } from './yaml-source.js';

/** What resolving needs from the rest of the description. */
export interface PageTableContext {
  readonly source: YamlSource;
  readonly causes: ReadonlyMap<string, Cause>;
  readonly addressWidth: number;
  readonly unit: number;
  readonly report: Report;
  /** Resolve a state reference under `vmm.allocator` (reported when wrong). */
  readonly refOf: (ref: string, path: readonly string[]) => StateRef | null;
}

type PteBit = 'V' | 'R' | 'W' | 'X' | 'U' | 'A' | 'D';

export function resolvePageTable(a: RawPageTableAllocator, ctx: PageTableContext): PageTableSpec | null {
  const { source, report } = ctx;
  const at = (...path: string[]): SourcePos => source.valuePos(['vmm', 'allocator', ...path]);
  let ok = true;
  const fail = (message: string, pos: SourcePos): void => {
    report('isa/invalid', `vmm.allocator.${message}`, pos);
    ok = false;
  };

  const root = ctx.refOf(a.root, ['root']);
  const enable: { ref: StateRef; value: bigint }[] = [];
  for (const [name, value] of Object.entries(a.enable)) {
    const ref = ctx.refOf(name, ['enable', name]);
    if (ref === null) continue;
    const width = ref.field === null ? ref.element.width : ref.field.hi - ref.field.lo + 1;
    const fitted = fitValue(value, width);
    if (fitted === null) fail(`enable: ${value} does not fit the ${width}-bit ${name}`, at('enable', name));
    else enable.push({ ref, value: fitted });
  }

  const pageSize = Number(a.pageSize);
  const levels = Number(a.levels);
  const indexBits = Number(a.indexBits);
  const pteSize = Number(a.pteSize);
  const offsetBits = Math.log2(pageSize);
  if (!Number.isInteger(offsetBits)) fail(`pageSize: ${pageSize} is not a power of two`, at('pageSize'));
  if (pteSize % ctx.unit !== 0) fail(`pteSize: ${pteSize} bits is not a whole number of ${ctx.unit}-bit units`, at('pteSize'));
  else if ((pteSize / ctx.unit) * 2 ** indexBits > pageSize) fail(`indexBits: 2^${indexBits} entries of ${pteSize} bits do not fit a page of ${pageSize} units`, at('indexBits'));
  const top = ctx.addressWidth - offsetBits - (levels - 1) * indexBits;
  if (top < 1) fail(`levels: ${levels} levels of ${indexBits} index bits leave the root no bits of a ${ctx.addressWidth}-bit address`, at('levels'));

  const bit = (name: PteBit): number => {
    const value = Number(a.pte[name]);
    if (value >= pteSize) fail(`pte.${name}: bit ${value} is outside the ${pteSize}-bit entry`, at('pte', name));
    return value;
  };
  const [hi = 0, lo = 0] = a.pte.PPN.split(':').map(Number);
  if (hi < lo || hi >= pteSize) fail(`pte.PPN: "${a.pte.PPN}" is not a field HI:LO of the ${pteSize}-bit entry`, at('pte', 'PPN'));
  const pte: PteLayout = { V: bit('V'), R: bit('R'), W: bit('W'), X: bit('X'), U: bit('U'), A: bit('A'), D: bit('D'), ppn: { hi, lo } };

  const fault = (kind: AccessKind): Cause | null => {
    const cause = ctx.causes.get(a.faults[kind]);
    if (cause === undefined || !cause.memory || cause.interrupt) {
      fail(`faults.${kind}: '${a.faults[kind]}' is not a declared memory trap (a cause with memory: true)`, at('faults', kind));
      return null;
    }
    return cause;
  };
  const fetch = fault('fetch');
  const load = fault('load');
  const store = fault('store');

  if (!ok || root === null || enable.length !== Object.keys(a.enable).length || fetch === null || load === null || store === null) return null;
  return {
    kind: 'page-table', root, enable, pageSize, levels, indexBits, pteSize, pte,
    faults: { fetch, load, store }, granule: Number(a.granule), pos: source.valuePos(['vmm', 'allocator']),
  };
}
