/**
 * The audit's execution sandbox: one instruction word run once, by the semantics interpreter, on
 * a state the audit chose — P&G's "execute i on state S" with nothing else of the machine around
 * it (no fetch, no interrupts, no trap entry: a trap is the outcome, not a new state).
 *
 * Storage (E) is part of the state: a *total* memory where every physical address reads, its
 * contents assigned lazily from the state's drawn patterns and seed (storage.ts) plus the writes
 * of this run. The two states of a pair share one `Storage`, so a pair of states that differ only
 * in mode really does differ only in mode. Every access is logged in order.
 *
 * Storage moved to match (location-sensitivity, DESIGN.md §3): the second state of a pair that
 * differs only in relocation state sees storage as the first saw it *through relocation* — its
 * i-th read gives what the first run's i-th read gave, wherever the relocated address now points
 * (`MovedMemory`). Relocation done by `translate` is already composed away (below); this covers
 * relocation an instruction applies itself (a segment base added in its semantics).
 *
 * Modelling decision — instructions are classified modulo address translation. `memory.translate`
 * is Popek & Goldberg's relocation mechanism R, which the VMM's allocator composes with its own
 * mapping; it is not part of any one instruction. So the sandbox runs every body against a view of
 * the ISA whose `translate` is null (identity): `load`/`store` go straight to storage, and a
 * relocation-dependent fault can never masquerade as a privilege trap. Relocation *state* is still
 * state: an instruction that writes a relocation register is control-sensitive. The proofs
 * (proofs.ts) analyse the same untranslated view.
 */
import type { SourcePos } from '../diagnostic.js';
import type { AccessKind, Cause, Isa } from '../isa/model.js';
import { extractField, insertField } from '../isa/encoding.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import type { CheckedFunction, IExpr } from '../semantics/ir.js';
import { Interpreter, Status, type SiteBus, type StateStore } from '../semantics/interpreter.js';
import * as V from '../semantics/values.js';
import type { Bits } from '../semantics/values.js';
import type { Storage } from './storage.js';

/** A state to run on: every register slot, and what its storage holds (storage.ts; shared by the runs on one search input). */
export interface SandboxState {
  readonly store: StateStore;
  readonly storage: Storage;
}

/** What one run did. A trap leaves no state (checks come before effects), so it carries only its cause. */
export type Outcome =
  | {
    readonly kind: 'completed';
    readonly after: StateStore;
    readonly nextPc: Bits;
    /** The exit code when the instruction halted the machine, null when it retired. */
    readonly halt: number | null;
    readonly memory: SeededMemory;
  }
  | { readonly kind: 'trap'; readonly cause: Cause }
  /** The interpreter threw: a fault in the description (e.g. a file index beyond its count). Such a state is excluded. */
  | { readonly kind: 'error'; readonly message: string };

/** One access of a run, in order: where, how wide, what value. */
export interface Access {
  readonly pa: number;
  readonly bits: number;
  readonly value: bigint;
}

/**
 * One run's view of storage: every address readable, contents from `storage` unless this run wrote
 * them. Addresses in memory units. The interpreter says which load site each read comes from, so
 * a fresh place takes that site's pattern (storage.ts).
 */
export class SeededMemory implements SiteBus {
  /** Units written by this run: address → value. */
  readonly writes = new Map<number, bigint>();
  /** Every read and every write of this run, in order. */
  readonly readLog: Access[] = [];
  readonly writeLog: Access[] = [];
  private readonly unitMask: bigint;
  readonly unit: number;
  readonly endian: 'little' | 'big';

  constructor(readonly storage: Storage) {
    this.unit = storage.unit;
    this.endian = storage.endian;
    this.unitMask = V.maskOf(this.unit);
  }

  /** The unit at `pa` as the state had it before any write. */
  initial(pa: number): bigint {
    return this.storage.initial(pa);
  }

  unitAt(pa: number): bigint {
    return this.writes.get(pa) ?? this.initial(pa);
  }

  read(pa: number, bits: number): Bits {
    return this.readSite(pa, bits, -1);
  }

  readAt(pa: number, bits: number, _access: AccessKind, calls: readonly IExpr[], load: IExpr): Bits {
    return this.readSite(pa, bits, this.storage.slotOf(calls, load));
  }

  private readSite(pa: number, bits: number, site: number): Bits {
    const v = this.contents(pa, bits, site);
    this.readLog.push({ pa, bits, value: v });
    return V.fromBigInt(v, bits);
  }

  /** What `bits` at `pa` hold now; a first read of fresh units (at site slot `site`) assigns them (storage.ts). */
  protected contents(pa: number, bits: number, site: number): bigint {
    this.storage.touch(pa, bits, (u) => !this.writes.has(u), site);
    const k = bits / this.unit;
    let v = 0n;
    for (let i = 0; i < k; i++) {
      v = (v << BigInt(this.unit)) | this.unitAt(this.endian === 'little' ? pa + k - 1 - i : pa + i);
    }
    return v;
  }

  write(pa: number, bits: number, value: Bits): boolean {
    const k = bits / this.unit;
    let v = V.toBigInt(value);
    this.writeLog.push({ pa, bits, value: v });
    for (let i = 0; i < k; i++) {
      this.writes.set(this.endian === 'little' ? pa + i : pa + k - 1 - i, v & this.unitMask);
      v >>= BigInt(this.unit);
    }
    return true;
  }
}

/**
 * Storage moved to match another run: the i-th read gives what that run's i-th read gave, when it
 * was as wide; a read beyond (or out of step with) that run reads this state's own storage.
 */
export class MovedMemory extends SeededMemory {
  private reads = 0;

  constructor(storage: Storage, private readonly seen: readonly Access[]) {
    super(storage);
  }

  protected override contents(pa: number, bits: number, site: number): bigint {
    const i = this.reads++;
    const then = this.seen[i];
    return then !== undefined && then.bits === bits ? then.value : super.contents(pa, bits, site);
  }
}

/**
 * The ISA as the sandbox sees it: the same semantics with `memory.translate` removed (see above) —
 * and the translate function itself made the identity, so a body that calls it explicitly (RISC-V
 * AMOs translate once for their load and store) is untranslated too.
 */
export function untranslated(checked: CheckedIsa): CheckedIsa {
  const isa: Isa = { ...checked.isa, translate: null };
  const name = checked.isa.translate;
  const fn = name === null ? undefined : checked.isa.functions.get(name);
  if (name === null || fn === undefined) return { ...checked, isa };
  const functions = new Map(checked.functions).set(name, identityTranslation(checked.isa, name, fn.pos));
  return { ...checked, isa, functions };
}

/** `translate(va, access)` as `return va;`, widened or cut to the physical address width. */
function identityTranslation(isa: Isa, name: string, pos: SourcePos): CheckedFunction {
  const aw = isa.addressWidth;
  const pw = isa.physicalAddressWidth;
  const va: IExpr = { k: 'local', w: aw, slot: 0, name: 'va', pos };
  const pa: IExpr = pw > aw ? { k: 'ext', w: pw, signed: false, e: va, pos }
    : pw < aw ? { k: 'slice', w: pw, e: va, hi: pw - 1, lo: 0, pos } : va;
  return {
    name,
    params: [{ name: 'va', width: aw }, { name: 'access', width: 2 }],
    returns: pw,
    body: { stmts: [{ k: 'return', e: pa, pos }], frameSize: 2 },
  };
}

export function copyStore(s: StateStore): StateStore {
  return { narrow: s.narrow.slice(), wide: s.wide.slice() };
}

export class Sandbox {
  /** The untranslated view the interpreter runs. */
  readonly view: CheckedIsa;

  constructor(readonly checked: CheckedIsa) {
    this.view = untranslated(checked);
  }

  get isa(): Isa {
    return this.checked.isa;
  }

  /** The instruction word of instruction `index` with its fields (in encoding order) set to `fields`. */
  word(index: number, fields: readonly bigint[]): bigint {
    const enc = this.isa.instructions[index]!.encoding;
    let word = enc.match;
    enc.fields.forEach((f, i) => { word = insertField(word, f, fields[i] ?? 0n); });
    return word;
  }

  /**
   * Run instruction `index` with field values `fields` (encoding order; bits the encoding cannot
   * carry are dropped) on a copy of `state`. The state itself is never changed. With `movedFrom`
   * (another run's reads), storage is moved to match that run (MovedMemory).
   */
  run(index: number, fields: readonly bigint[], state: SandboxState, movedFrom?: readonly Access[]): Outcome {
    const isa = this.isa;
    const enc = isa.instructions[index]!.encoding;
    const body = this.checked.instructions[index]!;
    const word = this.word(index, fields);
    const after = copyStore(state.store);
    const memory = movedFrom === undefined ? new SeededMemory(state.storage) : new MovedMemory(state.storage, movedFrom);
    const interp = new Interpreter(this.view, after, memory);
    // A variable-length instruction is its own length: its whole word, and the pc past all of it.
    interp.instruction = V.fromBigInt(word, enc.width);
    const pc = V.toBigInt(interp.readReg(isa.pc));
    interp.nextPc = V.fromBigInt(pc + BigInt(enc.width / isa.unit), isa.addressWidth);
    const frame = new Array<Bits>(Math.max(body.frameSize, enc.fields.length));
    enc.fields.forEach((f, i) => { frame[i] = V.fromBigInt(extractField(word, f), f.width); });
    let status: Status;
    try {
      status = interp.run(body, frame);
    } catch (e) {
      return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
    }
    switch (status) {
      case Status.Trap: return { kind: 'trap', cause: interp.trap.cause };
      case Status.Halt: return { kind: 'completed', after, nextPc: interp.nextPc, halt: interp.haltCode, memory };
      case Status.Running:
      case Status.Return: return { kind: 'completed', after, nextPc: interp.nextPc, halt: null, memory };
      default: return exhaustive(status);
    }
  }
}

function exhaustive(x: never): never {
  throw new Error(`unhandled status ${String(x)}`);
}
