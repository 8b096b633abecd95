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
import { Machine } from '../machine/machine.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import * as V from '../semantics/values.js';
import { allocate, composerFor, type Allocation, type Composer } from './allocator.js';

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
  /** Instructions interpreted outright (virtual supervisor code under the hybrid strategy). */
  interpreted: number;
}

export type GuestOutcome =
  | { readonly kind: 'halted'; readonly code: number }
  | { readonly kind: 'timeout' }
  /** The real machine stopped (a bug in the VMM: a confined guest cannot reach a real device). */
  | { readonly kind: 'escaped'; readonly code: number };

export class Guest {
  readonly counters: Counters = { direct: 0, exits: 0, emulated: 0, reflected: 0, interpreted: 0 };
  outcome: GuestOutcome | null = null;
  /** Steps the guest has taken (direct, emulated, reflected and interpreted alike). */
  steps = 0;

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
}

/** A slot range of state store: `wide` slots or narrow ones. */
interface Span {
  readonly wide: boolean;
  readonly slot: number;
  readonly count: number;
}

export class ControlProgram {
  readonly real: Machine;
  readonly guests: readonly Guest[];
  private readonly isa: Isa;
  private readonly composer: Composer;
  /** General registers and pc: on the real machine while a guest runs directly. */
  private readonly carried: readonly Span[];
  private readonly userMode: number;

  constructor(readonly checked: CheckedIsa, images: readonly GuestImage[], readonly options: ControlProgramOptions) {
    this.isa = checked.isa;
    const { composer, spec } = composerFor(this.isa);
    this.composer = options.composer ?? composer;
    this.real = new Machine(checked, { exitOnTrap: true });
    const guestBase = this.isa.board?.ram.base ?? 0;
    const allocations = allocate(this.real.ram, images.length, spec.granule);
    this.guests = images.map((image, i) => {
      const allocation = allocations[i]!;
      const ram = this.real.ram.window(allocation.realBase, allocation.size, guestBase);
      const console = options.console;
      const virtual = new Machine(checked, console ? { ram, console: (b) => console(i, b) } : { ram });
      placeImage(image, virtual.ram);
      virtual.pc = image.entry;
      return new Guest(i, virtual, allocation);
    });
    this.carried = [...this.isa.state.values()]
      .filter((e) => e.role === 'general' || e.role === 'pc')
      .map((e: StateElement) => ({ wide: e.wide, slot: e.slot, count: e.count }));
    this.userMode = this.isa.userMode.value;
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
        this.runSlice(g, Math.min(slice, maxSteps - g.steps));
        if (g.outcome === null && g.steps >= maxSteps) g.outcome = { kind: 'timeout' };
      }
    }
  }

  /** Run guest `g` for at most `budget` steps. */
  private runSlice(g: Guest, budget: number): void {
    const end = g.steps + budget;
    while (g.steps < end && g.outcome === null) {
      if (this.interprets(g)) {
        this.interpretOne(g);
        continue;
      }
      this.enter(g);
      let direct = 0;
      let exited = false;
      while (g.steps + direct < end) {
        const r = this.real.step();
        if (r.kind === 'retired') {
          direct++;
          continue;
        }
        if (r.kind === 'halt') g.outcome = { kind: 'escaped', code: r.code };
        exited = r.kind === 'trap';
        break;
      }
      this.leave(g, direct);
      if (exited) this.dispatch(g);
    }
  }

  /** Under the hybrid strategy, is the guest in a virtual supervisor mode (so interpreted)? */
  private interprets(g: Guest): boolean {
    return this.options.strategy === 'hybrid' && V.toNumber(g.virtual.interp.readReg(this.isa.mode)) !== this.userMode;
  }

  private interpretOne(g: Guest): void {
    const r = g.virtual.step();
    g.steps++;
    g.counters.interpreted++;
    if (r.kind === 'halt') g.outcome = { kind: 'halted', code: r.code };
  }

  /**
   * The dispatcher D: the guest trapped out of direct execution. One step of its virtual
   * machine re-executes the instruction on virtual state — the interpreter routine when it
   * completes, the reflection of the guest's own trap when it traps.
   */
  private dispatch(g: Guest): void {
    g.counters.exits++;
    const r = g.virtual.step();
    g.steps++;
    if (r.kind === 'halt') g.outcome = { kind: 'halted', code: r.code };
    else if (r.kind === 'trap') g.counters.reflected++;
    else g.counters.emulated++;
  }

  /** Resume `g` on the real machine: its registers and pc, real user mode, composed relocation. */
  private enter(g: Guest): void {
    this.copy(g.virtual, this.real);
    const real = this.real.interp;
    real.writeReg(this.isa.mode, V.fromBigInt(BigInt(this.userMode), this.isa.mode.width));
    this.composer.compose(g.virtual.interp, real, g.allocation);
  }

  /** `g` left direct execution after `direct` steps: its registers back to virtual state, time credited. */
  private leave(g: Guest, direct: number): void {
    this.copy(this.real, g.virtual);
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
