/**
 * A guest's interrupts while it runs directly (docs/vmm.md, "Interrupts"). The real machine's
 * interrupt system is the VMM's own and never takes a guest's interrupt; whether the guest's
 * virtual machine would take one is what the ISA's `interrupts` body says on the guest's virtual
 * state. The bare machine asks that before every step, so the control program must too:
 *
 * - before a direct run it evaluates the body on the virtual state (`pending`); when an interrupt
 *   would be taken, the step is interpreted and the virtual machine takes it;
 * - during a direct run the body's inputs that live on the real machine — the general state it
 *   reads, e.g. the KA10's Overflow and Pushdown Overflow flags, which request the APR's channel —
 *   can change; the run ends after a step that changes one of the bits read (`mark`, `changed`), so
 *   that the next step asks again.
 *
 * The body is evaluated outside a step only when it writes no state or storage and never halts
 * (riscv32, pdp10); a body with effects (the m68k's trace latch) is never evaluated early, and
 * `pending` then says false, as if the ISA had no interrupts.
 */
import type { StateElement } from '../isa/model.js';
import type { Machine } from '../machine/machine.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import type { Body } from '../semantics/ir.js';
import { Status } from '../semantics/interpreter.js';
import * as V from '../semantics/values.js';
import { walkStmts } from '../semantics/walk.js';

/** A general element the body reads, and which of its bits. */
export interface Watched {
  readonly element: StateElement;
  readonly mask: bigint;
}

const EFFECTS = new Set(['setReg', 'setField', 'setFile', 'setPc', 'store', 'storePhys', 'halt']);

/**
 * What the ISA's `interrupts` body reads, and whether it may be evaluated outside a step: `pure`
 * when there is a body and it (with its callees) writes no state or storage and never halts;
 * `watched`, for a pure body, the general elements it reads with the bits read (a field read is
 * a slice: only its bits). The generated dispatcher writes the same facts out as code.
 */
export function interruptInputs(checked: CheckedIsa): { readonly pure: boolean; readonly watched: readonly Watched[] } {
  const body = checked.interrupts;
  if (body === null) return { pure: false, watched: [] };
  const reads = new Map<StateElement, bigint>();
  let pure = true;
  const visit = (b: Body, seen: Set<string>): void => {
    const sliced = new Set<object>();
    walkStmts(b.stmts, {
      stmt: (s) => { if (EFFECTS.has(s.k)) pure = false; },
      expr: (e) => {
        if (e.k === 'slice' && e.e.k === 'reg') {
          sliced.add(e.e);
          reads.set(e.e.elem, (reads.get(e.e.elem) ?? 0n) | (V.maskOf(e.hi - e.lo + 1) << BigInt(e.lo)));
        } else if ((e.k === 'reg' && !sliced.has(e)) || e.k === 'file') {
          reads.set(e.elem, V.maskOf(e.elem.width));
        } else if (e.k === 'call' && !seen.has(e.fn)) {
          seen.add(e.fn);
          const fn = checked.functions.get(e.fn);
          if (fn) visit(fn.body, seen);
        }
      },
    });
  };
  visit(body, new Set());
  // Only general state travels to the real machine; pc changes every step and is not watched.
  const watched = pure ? [...reads].filter(([e]) => e.role === 'general' && !e.isFile).map(([element, mask]) => ({ element, mask })) : [];
  return { pure, watched };
}

export class VirtualInterrupts {
  /** The body when it can be evaluated outside a step, else null. */
  private readonly body: Body | null;
  private readonly frame: V.Bits[];
  private readonly watched: readonly Watched[];
  /** The watched elements' values when the direct run began. */
  private readonly marks: bigint[];

  constructor(checked: CheckedIsa) {
    const { pure, watched } = interruptInputs(checked);
    this.body = pure ? checked.interrupts : null;
    this.frame = new Array<V.Bits>(Math.max(1, checked.interrupts?.frameSize ?? 0));
    this.watched = watched;
    this.marks = this.watched.map(() => 0n);
  }

  /** Would the guest's virtual machine take an interrupt (or stop) before its next instruction? */
  pending(virtual: Machine): boolean {
    if (this.body === null) return false;
    return virtual.interp.run(this.body, this.frame) !== Status.Running;
  }

  /** Remember the watched general state on the real machine as a direct run begins. */
  mark(real: Machine): void {
    for (let i = 0; i < this.watched.length; i++) this.marks[i] = V.toBigInt(real.interp.readReg(this.watched[i]!.element));
  }

  /** Has a direct step changed a watched bit since `mark`? */
  changed(real: Machine): boolean {
    for (let i = 0; i < this.watched.length; i++) {
      const w = this.watched[i]!;
      if (((V.toBigInt(real.interp.readReg(w.element)) ^ this.marks[i]!) & w.mask) !== 0n) return true;
    }
    return false;
  }
}
