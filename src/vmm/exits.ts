/**
 * Why a guest is not running directly (DESIGN.md §5, efficiency; docs/vmm.md, "Efficiency"): every
 * exit out of direct execution, every step interpreted instead of run directly, and every direct
 * run the VMM's own clock ends, each with its reason — as counters for `run --stats`, and as
 * events an observer (the efficiency property, src/fuzz/efficiency.ts) checks against the bare
 * machine and the audit.
 */
import type { AccessKind, Cause } from '../isa/model.js';
import type { Bits } from '../semantics/values.js';

/**
 * Why the dispatcher was entered: a trap out of direct execution, classified by the real trap's
 * cause and by what the guest's virtual step then did.
 * - `privileged`: the instruction trapped in real user mode (a cause that is not a memory fault)
 *   and completed in the guest's virtual mode — its interpreter routine did it.
 * - `guest-fault`: the virtual step trapped: the guest's own trap, reflected into it (or, when its
 *   delivery faulted in turn, the virtual machine's halt, as on the bare machine).
 * - `device`: the virtual step completed and reached a virtual device (memory-mapped I/O).
 * - `allocator`: the real relocation refused an access (a memory-fault cause) that the guest's own
 *   relocation allows, and the virtual step completed it: allocator work (`AllocatorWork`).
 */
export type ExitReason = 'privileged' | 'guest-fault' | 'device' | 'allocator';
export const EXIT_REASONS: readonly ExitReason[] = ['privileged', 'guest-fault', 'device', 'allocator'];

/**
 * Why a step was interpreted on the virtual machine instead of run directly:
 * - `supervisor`: hybrid strategy, the guest's virtual mode is not the user mode (Theorem 3);
 * - `unconfigured`: hybrid strategy, its virtual state is outside the description's `vmm.state`;
 * - `interrupt`: a virtual interrupt is pending, which the virtual step takes;
 * - `unconfined`: no real relocation can confine the guest as its state stands (composer `confines`).
 */
export type InterpretReason = 'supervisor' | 'unconfigured' | 'interrupt' | 'unconfined';
export const INTERPRET_REASONS: readonly InterpretReason[] = ['supervisor', 'unconfigured', 'interrupt', 'unconfined'];

/**
 * Why a direct run ended without a trap (the next step then runs directly again, or another guest
 * runs): `time-slice` the guest's slice or step budget ran out; `timer` a virtual device would raise
 * an interrupt line at this step (the CLINT's mtimecmp); `interrupt-check` a direct step changed
 * general state the ISA's interrupt condition reads, so the next step asks it again.
 */
export type PreemptReason = 'time-slice' | 'timer' | 'interrupt-check';
export const PREEMPT_REASONS: readonly PreemptReason[] = ['time-slice', 'timer', 'interrupt-check'];

/**
 * What the allocator did for an `allocator` exit (Composer.afterExit):
 * - `fill`: it mapped the guest-virtual page [first, first + size) (units) for the access kinds
 *   `grants` (a shadow page-table fill, after an unfilled page or an accessed/dirty update);
 * - `protect`: the access was a store to a page the guest's translation reads, which the real
 *   relocation keeps write-protected so that the shadow stays in step (every such store exits);
 * - `uncovered`: the real relocation cannot express this access, legal for the guest (the KA10's
 *   high segment where it cannot be composed with the allocation): that one step is done virtually.
 */
export type AllocatorWork =
  | { readonly kind: 'fill'; readonly first: number; readonly size: number; readonly grants: readonly AccessKind[] }
  | { readonly kind: 'protect' }
  | { readonly kind: 'uncovered' };

/** One reason the guest was not running directly, as an observer sees it. `step`: the guest's step index. */
export type ExitEvent =
  | {
    readonly kind: 'exit';
    readonly reason: ExitReason;
    readonly step: number;
    /** The pc of the trapping instruction. */
    readonly pc: Bits;
    /** The real trap, and its trap value (a fault's address). */
    readonly cause: Cause;
    readonly tval: Bits;
    /** The guest's own trap the virtual step delivered (`guest-fault`), else null. */
    readonly reflected: Cause | null;
    /** What the allocator did (`allocator`), or null when it did nothing. */
    readonly work: AllocatorWork | null;
  }
  | { readonly kind: 'interpreted'; readonly reason: InterpretReason; readonly step: number }
  | { readonly kind: 'preempted'; readonly reason: PreemptReason; readonly step: number };

/** A count per reason. */
export type Tally<R extends string> = Record<R, number>;

/** Zero counts, one per reason. */
export const noExits = (): Tally<ExitReason> => ({ privileged: 0, 'guest-fault': 0, device: 0, allocator: 0 });
export const noInterpreted = (): Tally<InterpretReason> => ({ supervisor: 0, unconfigured: 0, interrupt: 0, unconfined: 0 });
export const noPreempted = (): Tally<PreemptReason> => ({ 'time-slice': 0, timer: 0, 'interrupt-check': 0 });

/**
 * The reason of an exit: the real trap's `cause`, whether the virtual step trapped, and whether it
 * reached a virtual device.
 */
export function exitReason(cause: Cause, trapped: boolean, touchedDevice: boolean): ExitReason {
  if (trapped) return 'guest-fault';
  if (touchedDevice) return 'device';
  return cause.memory ? 'allocator' : 'privileged';
}
