/**
 * The `vmm:` block of a description (docs/description-format.md): the configuration a VMM
 * establishes for its guests, and how its allocator composes their relocation (docs/vmm.md).
 */
import type { AllocatorSpec, Cause, SegmentSpec, StateElement, StateRef, VmmConfig } from './model.js';
import { resolvePageTable } from './page-table-allocator.js';
import type { RawAllocator, RawIsa } from './raw.js';
import { fitValue, resolveStateRef } from './state.js';
import type { Report, YamlSource } from './yaml-source.js';

/** What a `page-table` allocator is checked against, besides the state. */
export interface AllocatorContext {
  readonly causes: ReadonlyMap<string, Cause>;
  readonly addressWidth: number;
  readonly unit: number;
}

/** The `vmm:` block: its settings (each must fit its element or field) and its allocator. */
export function resolveVmm(
  raw: RawIsa, source: YamlSource, elements: ReadonlyMap<string, StateElement>, report: Report, context: AllocatorContext,
): VmmConfig | null {
  const v = raw.vmm;
  if (v === undefined) return null;
  const settings: VmmConfig['settings'][number][] = [];
  for (const [key, value] of Object.entries(v.state ?? {})) {
    const pos = source.keyPos(['vmm', 'state', key]);
    const ref = resolveStateRef(key, elements);
    if (typeof ref === 'string') {
      report('isa/invalid', `vmm.state: ${ref}`, pos);
      continue;
    }
    if (ref.element.isFile) {
      report('isa/invalid', `vmm.state: '${ref.element.name}' is a register file; set a register or a field`, pos);
      continue;
    }
    const width = ref.field === null ? ref.element.width : ref.field.hi - ref.field.lo + 1;
    const fitted = fitValue(value, width);
    if (fitted === null) {
      report('isa/invalid', `vmm.state: ${value} does not fit the ${width}-bit ${key}`, source.valuePos(['vmm', 'state', key]));
      continue;
    }
    settings.push({ element: ref.element.name, field: ref.field?.name ?? null, value: fitted, pos });
  }
  return { description: v.description, allocator: resolveAllocator(v.allocator, source, elements, report, context), settings };
}

/** `vmm.allocator`: the state registers (or fields) it names must exist and not be files. */
function resolveAllocator(
  a: RawAllocator | undefined, source: YamlSource, elements: ReadonlyMap<string, StateElement>, report: Report,
  context: AllocatorContext,
): AllocatorSpec | null {
  if (a === undefined) return null;
  const refOf = (ref: string, path: readonly string[]): StateRef | null => {
    const resolved = resolveStateRef(ref, elements);
    const pos = source.valuePos(['vmm', 'allocator', ...path]);
    if (typeof resolved === 'string') {
      report('isa/invalid', `vmm.allocator.${path.join('.')}: ${resolved}`, pos);
      return null;
    }
    if (resolved.element.isFile) {
      report('isa/invalid', `vmm.allocator.${path.join('.')}: '${resolved.element.name}' is a register file`, pos);
      return null;
    }
    return resolved;
  };
  const pos = source.valuePos(['vmm', 'allocator']);
  switch (a.kind) {
    case 'relocation-bounds': {
      const base = refOf(a.base, ['base']);
      const bound = refOf(a.bound, ['bound']);
      if (base === null || bound === null) return null;
      return { kind: a.kind, base, bound, granule: Number(a.granule), pos };
    }
    case 'two-segment': {
      const segment = (name: 'low' | 'high'): SegmentSpec | null => {
        const s = a[name];
        const base = refOf(s.base, [name, 'base']);
        const bound = refOf(s.bound, [name, 'bound']);
        const writeProtect = s.writeProtect === undefined ? null : refOf(s.writeProtect, [name, 'writeProtect']);
        if (base === null || bound === null || (s.writeProtect !== undefined && writeProtect === null)) return null;
        return { base, bound, writeProtect };
      };
      const low = segment('low');
      const high = segment('high');
      if (low === null || high === null) return null;
      return { kind: a.kind, low, high, granule: Number(a.granule), accumulators: Number(a.accumulators), pos };
    }
    case 'page-table':
      return resolvePageTable(a, { ...context, source, report, refOf });
  }
}
