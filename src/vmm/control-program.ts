/**
 * Popek & Goldberg's control program CP = ⟨D, A, {vᵢ}⟩ (CACM 17(7), 1974, §3), built for one ISA
 * from its description (docs/vmm.md). One real machine, exiting on every trap; per guest a
 * virtual machine — the same ISA's machine over the guest's virtual state, a window onto its
 * allocation and its own virtual devices. The dispatcher answers every exit with one step of
 * the guest's virtual machine, which runs the trapping instruction's semantics (its interpreter
 * routine) on virtual state, or delivers the guest's own trap through the ISA's trap entry.
 * Several guests share the real machine by time slices.
 */
import type { Isa, StateElement } from '../isa/model.js';
import type { GuestImage } from '../machine/image.js';
import { placeImage } from '../machine/image.js';
import { Machine, type StepResult } from '../machine/machine.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import { Status, type Interpreter } from '../semantics/interpreter.js';
import { TranslationCache } from '../semantics/translation-cache.js';
import * as V from '../semantics/values.js';
import { allocate, composerFor, type Allocation, type Composer } from './allocator.js';
import {
  exitReason, noExits, noInterpreted, noPreempted,
  type ExitEvent, type ExitReason, type InterpretReason, type PreemptReason, type Tally,
} from './exits.js';
import { VirtualInterrupts } from './virtual-interrupts.js';

/**
 * trap-and-emulate: every guest instruction runs directly in real user mode, exits are emulated
 * or reflected (Theorem 1). hybrid: while the guest is in a virtual supervisor mode every
 * instruction is interpreted; virtual-user code runs directly (Theorem 3).
 */
export type Strategy = 'trap-and-emulate' | 'hybrid';

/** What a guest's run cost, by P&G's parts of the control program. */
export interface Counters {
  /** Instructions the real machine executed directly for the guest. */
  direct: number;
  /** Traps out of the guest into the VMM. */
  exits: number;
  /** Exits answered by an interpreter routine on virtual state (the instruction completed). */
  emulated: number;
  /** Exits that became the guest's own trap, delivered at its virtual trap vector. */
  reflected: number;
  /**
   * Instructions interpreted outright: virtual supervisor code under the hybrid strategy, and any
   * step taken while a virtual interrupt is pending or no real relocation confines the guest.
   */
  interpreted: number;
  /** `exits` by reason (src/vmm/exits.ts): they sum to `exits`. */
  readonly exitsBy: Tally<ExitReason>;
  /** `interpreted` by reason: they sum to `interpreted`. */
  readonly interpretedBy: Tally<InterpretReason>;
  /** Direct runs the VMM's own clock ended without a trap, by reason. */
  readonly preemptedBy: Tally<PreemptReason>;
}

/** Zero counters. */
export function noCounters(): Counters {
  return { direct: 0, exits: 0, emulated: 0, reflected: 0, interpreted: 0, exitsBy: noExits(), interpretedBy: noInterpreted(), preemptedBy: noPreempted() };
}

export type GuestOutcome =
  | { readonly kind: 'halted'; readonly code: number }
  | { readonly kind: 'timeout' }
  /** The real machine stopped (a bug in the VMM: a confined guest cannot reach a real device). */
  | { readonly kind: 'escaped'; readonly code: number };

export class Guest {
  readonly counters: Counters = noCounters();
  outcome: GuestOutcome | null = null;
  /** Steps the guest has taken (direct, emulated, reflected and interpreted alike). */
  steps = 0;
  /** Wall-clock seconds spent in the guest's own time slices (its share of the run, for its MIPS). */
  seconds = 0;

  constructor(
    readonly index: number,
    readonly virtual: Machine,
    readonly allocation: Allocation,
  ) {}
}

export interface ControlProgramOptions {
  readonly strategy: Strategy;
  /** The composer to use instead of the one the description declares (tests inject faulty ones). */
  readonly composer?: Composer;
  /** Guest i's console bytes. */
  readonly console?: (guest: number, byte: number) => void;
  /** Told every exit, interpreted step and preemption of guest i, with its reason (the efficiency property). */
  readonly observe?: (guest: number, event: ExitEvent) => void;
}

/** A slot range of state store: `wide` slots or narrow ones. */
interface Span {
  readonly wide: boolean;
  readonly slot: number;
  readonly count: number;
}

/** One setting of the description's `vmm.state`: bits hi..lo of an element, and their value. */
interface Setting {
  readonly element: StateElement;
  readonly hi: number;
  readonly lo: number;
  readonly value: bigint;
}

export class ControlProgram {
  readonly real: Machine;
  readonly guests: readonly Guest[];
  private readonly isa: Isa;
  private readonly composer: Composer;
  /** General registers and pc: on the real machine while a guest runs directly. */
  private readonly carried: readonly Span[];
  private readonly userMode: number;
  /** The `vmm.state` configuration, established on the real machine. */
  private readonly settings: readonly Setting[];
  private readonly interrupts: VirtualInterrupts;
  /** The real machine's TLB, when the composer allows one. */
  private readonly translations: TranslationCache | null;

  constructor(readonly checked: CheckedIsa, images: readonly GuestImage[], readonly options: ControlProgramOptions) {
    this.isa = checked.isa;
    const { composer, spec } = composerFor(this.isa);
    this.composer = options.composer ?? composer;
    // A composer that keeps real page tables lets the real machine cache translations (a TLB),
    // which the control program flushes at a resume whose real translation changed.
    const page = this.composer.pageSize;
    this.translations = page === undefined ? null : new TranslationCache(page);
    this.real = new Machine(checked, this.translations === null ? { exitOnTrap: true } : { exitOnTrap: true, translations: this.translations });
    const guestBase = this.isa.board?.ram.base ?? 0;
    const allocations = allocate(this.real.ram, images.length, spec.granule, this.composer.reserved ?? 0, this.composer.tableStorage ?? 0);
    this.guests = images.map((image, i) => {
      const allocation = allocations[i]!;
      const ram = this.real.ram.window(allocation.realBase, allocation.size, guestBase);
      const console = options.console;
      const virtual = new Machine(checked, console ? { ram, console: (b) => console(i, b) } : { ram });
      // The guest's virtual steps store to its storage through this bus; a composer may need to know.
      if (this.composer.written !== undefined) virtual.bus.watchRamWrites((pa, units) => this.composer.written?.(allocation, pa, units));
      placeImage(image, virtual.ram);
      virtual.pc = image.entry;
      return new Guest(i, virtual, allocation);
    });
    this.carried = [...this.isa.state.values()]
      .filter((e) => e.role === 'general' || e.role === 'pc')
      .map((e: StateElement) => ({ wide: e.wide, slot: e.slot, count: e.count }));
    this.userMode = this.isa.userMode.value;
    this.settings = (this.isa.vmm?.settings ?? []).flatMap((s): Setting[] => {
      const element = this.isa.state.get(s.element);
      const field = s.field === null ? null : element?.fields.get(s.field) ?? null;
      if (element === undefined || element === this.isa.mode) return [];
      return [{ element, hi: field?.hi ?? element.width - 1, lo: field?.lo ?? 0, value: s.value }];
    });
    // The VMM runs its guests on a real machine in its `vmm:` configuration (pdp10: no User In-out).
    for (const s of this.settings) {
      const e = s.element;
      this.real.interp.writeReg(e, V.deposit(e.width, this.real.interp.readReg(e), s.hi, s.lo, V.fromBigInt(s.value, s.hi - s.lo + 1)));
    }
    this.interrupts = new VirtualInterrupts(checked);
  }

  /**
   * Run every guest until it halts or has taken `maxSteps` steps, switching guests every `slice`
   * steps. Returns when all guests are done.
   */
  run(maxSteps: number, slice = 10_000): void {
    for (;;) {
      const live = this.guests.filter((g) => g.outcome === null);
      if (live.length === 0) return;
      for (const g of live) {
        const begun = performance.now();
        this.runSlice(g, Math.min(slice, maxSteps - g.steps));
        g.seconds += (performance.now() - begun) / 1000;
        if (g.outcome === null && g.steps >= maxSteps) g.outcome = { kind: 'timeout' };
      }
    }
  }

  /** Run guest `g` for at most `budget` steps. */
  private runSlice(g: Guest, budget: number): void {
    const end = g.steps + budget;
    while (g.steps < end && g.outcome === null) {
      const interpret = this.interprets(g);
      if (interpret !== null) {
        this.interpretOne(g, interpret);
        continue;
      }
      this.enter(g);
      this.interrupts.mark(this.real);
      // The run ends where a virtual device would raise an interrupt line of its own accord (the
      // CLINT's timer): the bare machine would ask for the interrupt before the step after that.
      const deadline = g.steps + Math.max(1, g.virtual.stepsUntilDeviceEvent());
      const stop = Math.min(end, deadline);
      let direct = 0;
      let exit: StepResult | null = null;
      let preempted: PreemptReason | null = stop === deadline ? 'timer' : 'time-slice';
      while (g.steps + direct < stop) {
        const r = this.real.step();
        if (r.kind === 'retired') {
          direct++;
          // A step that changed what the interrupt condition reads ends the run: the next step asks.
          if (this.interrupts.changed(this.real)) {
            preempted = 'interrupt-check';
            break;
          }
          continue;
        }
        preempted = null;
        if (r.kind === 'halt') {
          // The instruction's own semantics stopped the machine (a halt the description allows in
          // user mode, e.g. the KA10 model's MODEL_LIMIT): a direct step, and the guest's halt. A
          // halt a real device requested is an escape.
          if (this.real.interp.status === Status.Halt) {
            direct++;
            g.outcome = { kind: 'halted', code: r.code };
          } else {
            g.outcome = { kind: 'escaped', code: r.code };
          }
        }
        if (r.kind === 'trap') exit = r;
        break;
      }
      this.leave(g, direct);
      if (exit?.kind === 'trap') this.dispatch(g, exit);
      else if (preempted !== null && g.outcome === null) this.preempted(g, preempted);
    }
  }

  private preempted(g: Guest, reason: PreemptReason): void {
    g.counters.preemptedBy[reason]++;
    this.options.observe?.(g.index, { kind: 'preempted', reason, step: g.steps });
  }

  /**
   * Is the guest's next step interpreted on its virtual machine instead of run directly? Under the
   * hybrid strategy while its virtual mode is not the user mode, or its virtual state is outside
   * the `vmm:` configuration the real machine runs with (a KA10 guest that granted its user program
   * User In-out: JSR would save the real flag, 0, in the PC word). Under either strategy while a
   * virtual interrupt is pending (the virtual machine takes it), or while no real relocation
   * confines the guest.
   */
  private interprets(g: Guest): InterpretReason | null {
    const v = g.virtual.interp;
    if (this.options.strategy === 'hybrid') {
      if (V.toNumber(v.readReg(this.isa.mode)) !== this.userMode) return 'supervisor';
      if (!this.configured(v)) return 'unconfigured';
    }
    if (this.interrupts.pending(g.virtual)) return 'interrupt';
    return (this.composer.confines?.(v, g.allocation) ?? true) ? null : 'unconfined';
  }

  /** Does the virtual state agree with every `vmm.state` setting? */
  private configured(v: Interpreter): boolean {
    for (const s of this.settings) {
      const bits = V.slice(s.element.width, v.readReg(s.element), s.hi, s.lo);
      if (V.toBigInt(bits) !== s.value) return false;
    }
    return true;
  }

  private interpretOne(g: Guest, reason: InterpretReason): void {
    this.options.observe?.(g.index, { kind: 'interpreted', reason, step: g.steps });
    const r = g.virtual.step();
    g.steps++;
    g.counters.interpreted++;
    g.counters.interpretedBy[reason]++;
    if (r.kind === 'halt') g.outcome = { kind: 'halted', code: r.code };
  }

  /**
   * The dispatcher D: the guest trapped out of direct execution. One step of its virtual
   * machine re-executes the instruction on virtual state — the interpreter routine when it
   * completes, the reflection of the guest's own trap when it traps.
   */
  private dispatch(g: Guest, exit: StepResult & { kind: 'trap' }): void {
    g.counters.exits++;
    const step = g.steps;
    const devices = g.virtual.bus.deviceAccesses;
    const r = g.virtual.step();
    g.steps++;
    if (r.kind === 'halt') g.outcome = { kind: 'halted', code: r.code };
    else if (r.kind === 'trap') g.counters.reflected++;
    else g.counters.emulated++;
    const work = this.composer.afterExit?.(g.virtual.interp, this.real.interp, g.allocation, { cause: exit.cause, tval: exit.tval, step: r }) ?? null;
    // A trap whose delivery itself failed halts the virtual machine (machine.ts): still the guest's own trap.
    const reflected = r.kind === 'trap' ? r.cause : g.virtual.undelivered;
    const reason = exitReason(exit.cause, reflected !== null, g.virtual.bus.deviceAccesses !== devices);
    g.counters.exitsBy[reason]++;
    this.options.observe?.(g.index, {
      kind: 'exit', reason, step, pc: exit.pc, cause: exit.cause, tval: exit.tval,
      reflected, work: reason === 'allocator' ? work : null,
    });
  }

  /** Resume `g` on the real machine: its registers and pc, real user mode, composed relocation. */
  private enter(g: Guest): void {
    this.copy(g.virtual, this.real);
    const real = this.real.interp;
    real.writeReg(this.isa.mode, V.fromBigInt(BigInt(this.userMode), this.isa.mode.width));
    this.composer.compose(g.virtual.interp, real, g.allocation);
    if (this.composer.translationChanged?.() ?? true) this.translations?.flush();
  }

  /** `g` left direct execution after `direct` steps: its registers back to virtual state, time credited. */
  private leave(g: Guest, direct: number): void {
    this.copy(this.real, g.virtual);
    this.composer.release?.(g.virtual.interp, this.real.interp, g.allocation);
    g.steps += direct;
    g.counters.direct += direct;
    if (direct > 0) g.virtual.advanceTime(direct);
  }

  private copy(from: Machine, to: Machine): void {
    for (const s of this.carried) {
      if (s.wide) to.state.wide.set(from.state.wide.subarray(s.slot, s.slot + s.count), s.slot);
      else to.state.narrow.set(from.state.narrow.subarray(s.slot, s.slot + s.count), s.slot);
    }
  }
}
