/**
 * What the generator (generate.ts) knows of one ISA while it writes the module: the checked
 * description, the semantics emitter that names every routine and function, and the few ways the
 * module's own code spells a state access, an address or an instruction word.
 */
import type { AccessKind, Isa, StateElement } from '../isa/model.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import type { SemanticsEmitter } from '../semantics/emit.js';
import { bigintLiteral, numberLiteral } from '../semantics/emit-text.js';
import * as V from '../semantics/values.js';

export interface ModuleFacts {
  readonly checked: CheckedIsa;
  readonly isa: Isa;
  readonly emitter: SemanticsEmitter;
  /** How an address (and the pc) is held: a number up to 32 bits, a bigint above. */
  readonly address: 'number' | 'bigint';
  /** How an instruction word is held. */
  readonly word: 'number' | 'bigint';
}

/** `s.narrow[3 /* mstatus *\/]`: element `elem` (index `index` of a file) in the state store `store`. */
export function stateAt(store: string, elem: StateElement, index = 0): string {
  const name = elem.isFile ? `${elem.name}[${index}]` : elem.name;
  return `${store}.${elem.wide ? 'wide' : 'narrow'}[${elem.slot + index} /* ${name} */]`;
}

/** A value of `width` bits as its representation's literal. */
export function valueLiteral(v: bigint, width: number): string {
  return width <= V.NARROW ? numberLiteral(V.toNumber(V.fromBigInt(v, width))) : bigintLiteral(V.toBigInt(V.fromBigInt(v, width)));
}

/** The access code `translate` takes (its `access: 2` parameter): Fetch 0, Load 1, Store 2. */
export const ACCESS_CODE: Readonly<Record<AccessKind, number>> = { fetch: 0, load: 1, store: 2 };

/** `translate(vm, va, 1 /* load *\/)` as the module calls it, a number; the identity when the ISA has none. */
export function translateCall(facts: ModuleFacts, vm: string, va: string, access: AccessKind): string {
  const name = facts.isa.translate;
  if (name === null) return facts.address === 'number' ? va : `Number(${va})`;
  const f = facts.emitter.fn(name);
  const call = `${f.id}(${f.usesVm ? `${vm}, ` : ''}${va}, ${ACCESS_CODE[access]} /* ${access} */)`;
  return f.numeric || (f.returns !== null && f.returns <= V.NARROW) ? call : `Number(${call})`;
}
