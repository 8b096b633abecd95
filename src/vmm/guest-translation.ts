/**
 * The guest's own address translation, asked by the VMM without side effects (docs/vmm.md,
 * "Allocator"). Shadow page tables must grant a guest exactly the accesses its own translation
 * grants; rather than re-implement the ISA's page-table walk, the composer runs the description's
 * `translate` function on the guest's virtual state — a probe whose memory reads are recorded
 * (they are what the answer depends on) and whose memory writes are refused (an access that
 * would set a PTE's accessed or dirty bit is not granted: the guest's next such access exits and
 * its virtual step sets the bit, as the bare machine would).
 *
 * Two facts about `translate` are derived from its semantics once per ISA:
 * - the state bits it reads (its *regime*: RISC-V's mode, satp.MODE and satp.PPN, mstatus.MPRV,
 *   MPP, SUM and MXR) — with storage, these decide every answer, so shadow tables are kept per
 *   regime;
 * - that it writes no state and makes no translated access (it may read and write physical
 *   memory): otherwise a probe would not be harmless, and `translationProbe` throws.
 */
import type { AccessKind, StateElement } from '../isa/model.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import type { IExpr, IStmt } from '../semantics/ir.js';
import { Interpreter, Status, type PhysicalBus, type StateStore } from '../semantics/interpreter.js';
import * as V from '../semantics/values.js';
import type { Bits } from '../semantics/values.js';
import { walkStmts } from '../semantics/walk.js';

/** A physical read the translation made: `bits` at unit address `pa`, which held `value`. */
export interface MemoryRead {
  readonly pa: number;
  readonly bits: number;
  readonly value: Bits;
}

/** What the guest's translation of one access gives: the physical address and what it read to get it. */
export interface Translation {
  readonly pa: number;
  readonly reads: readonly MemoryRead[];
}

/** Bits of one state element that `translate` reads (`mask` over its value; a file: every element). */
interface RegimeInput {
  readonly element: StateElement;
  readonly index: number;
  readonly mask: bigint;
}

/** What `translate` depends on besides storage, and the check that probing it is harmless. */
export interface TranslationShape {
  readonly inputs: readonly RegimeInput[];
}

/** The names of `name` and every function it calls, transitively. */
function reachable(checked: CheckedIsa, name: string): string[] {
  const seen = new Set<string>();
  const visit = (n: string): void => {
    if (seen.has(n)) return;
    seen.add(n);
    const fn = checked.functions.get(n);
    if (fn === undefined) return;
    walkStmts(fn.body.stmts, { expr: (e) => { if (e.k === 'call') visit(e.fn); } });
  };
  visit(name);
  return [...seen];
}

/** Why a statement or expression of `translate` would make a probe harmful, or null. */
function harm(node: IStmt | IExpr): string | null {
  switch (node.k) {
    case 'setReg': case 'setField': case 'setFile': return `writes ${node.elem.name}`;
    case 'setPc': return 'writes pc';
    case 'store': return 'makes a translated store';
    case 'load': return 'makes a translated load';
    case 'instruction': return 'reads the instruction word';
    default: return null;
  }
}

/**
 * The regime inputs of the ISA's `translate`: every state element it reads, narrowed to the bit
 * fields it reads when it reads nothing else of the element. Throws (a description the page-table
 * composer cannot serve) when `translate` writes state, makes translated accesses or reads the
 * instruction word, or when the ISA has no `translate`.
 */
export function translationShape(checked: CheckedIsa): TranslationShape {
  const name = checked.isa.translate;
  if (name === null) throw new Error(`${checked.isa.file}: a page-table allocator needs memory.translate`);
  const masks = new Map<StateElement, bigint>();
  const widen = (element: StateElement, mask: bigint): void => { masks.set(element, (masks.get(element) ?? 0n) | mask); };
  for (const fn of reachable(checked, name)) {
    const body = checked.functions.get(fn)!.body;
    // A register read directly under a slice reads only those bits; the walk visits the slice first.
    const sliced = new Set<IExpr>();
    const check = (node: IStmt | IExpr): void => {
      const why = harm(node);
      if (why !== null) throw new Error(`${checked.isa.file}: translate (through ${fn}) ${why}, so the VMM cannot ask it without side effects`);
    };
    walkStmts(body.stmts, {
      stmt: check,
      expr: (e) => {
        check(e);
        if (e.k === 'slice' && e.e.k === 'reg') {
          sliced.add(e.e);
          widen(e.e.elem, V.maskOf(e.hi + 1) ^ V.maskOf(e.lo));
        } else if ((e.k === 'reg' && !sliced.has(e)) || e.k === 'file') {
          widen(e.elem, V.maskOf(e.elem.width));
        }
      },
    });
  }
  const inputs = [...masks].flatMap(([element, mask]) =>
    Array.from({ length: element.count }, (_, index) => ({ element, index, mask })));
  return { inputs };
}

/** The regime of a state: the `translate` inputs' values, as a map key. */
export function regimeKey(shape: TranslationShape, interp: Interpreter): string {
  let key = '';
  for (const { element, index, mask } of shape.inputs) {
    const v = interp.readReg(element, index);
    key += `${(V.toBigInt(v) & mask).toString(16)},`;
  }
  return key;
}

/**
 * A probe of the guest's translation over its virtual state: `state` is the virtual machine's,
 * `ram` reads guest-physical storage, and only [ramBase, ramBase + ramSize) is readable — a
 * page-table walk into a device or outside the guest's RAM faults in the probe (the virtual step
 * does whatever the bare machine does there).
 */
export class TranslationProbe {
  private readonly interp: Interpreter;
  private reads: MemoryRead[] = [];

  constructor(
    checked: CheckedIsa,
    state: StateStore,
    ram: PhysicalBus,
    ramBase: number,
    ramSize: number,
  ) {
    const unit = checked.isa.unit;
    const inside = (pa: number, bits: number): boolean => pa >= ramBase && pa + bits / unit <= ramBase + ramSize;
    const bus: PhysicalBus = {
      read: (pa, bits, access) => {
        if (!inside(pa, bits)) return null;
        const value = ram.read(pa, bits, access);
        if (value !== null) this.reads.push({ pa, bits, value });
        return value;
      },
      // Refused: the access this write would serve is not granted without the guest's own step.
      write: () => false,
    };
    this.interp = new Interpreter(checked, state, bus);
  }

  /** The guest's translation of `va` for `access` in its current state, or null where it faults (or would write). */
  translate(va: number, access: AccessKind): Translation | null {
    this.reads = [];
    this.interp.begin();
    const pa = this.interp.translate(va, access);
    if (this.interp.status !== Status.Running) return null;
    return { pa, reads: this.reads };
  }
}
