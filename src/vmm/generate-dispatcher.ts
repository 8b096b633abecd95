/**
 * The generated module's dispatcher (generate.ts): Popek & Goldberg's D, with the allocator's
 * composition, as a `ControlProgram` class that follows src/vmm/control-program.ts step for step
 * — one real machine exiting on every trap, per guest a VirtualMachine of the module — with the
 * ISA's facts (which registers travel with the guest, the user mode, the `vmm:` configuration,
 * what the interrupt check reads) written out as code instead of looked up.
 */
import type { StateElement } from '../isa/model.js';
import * as V from '../semantics/values.js';
import { numberLiteral } from '../semantics/emit-text.js';
import { stateAt, valueLiteral, type ModuleFacts } from './generate-facts.js';
import { interruptInputs } from './virtual-interrupts.js';

/** The `vmm.state` settings, bits hi..lo of an element each (the mode is the dispatcher's own). */
function settings(facts: ModuleFacts): { readonly element: StateElement; readonly hi: number; readonly lo: number; readonly value: bigint; readonly text: string }[] {
  const { isa } = facts;
  return (isa.vmm?.settings ?? []).flatMap((s) => {
    const element = isa.state.get(s.element);
    const field = s.field === null ? null : element?.fields.get(s.field) ?? null;
    if (element === undefined || element === isa.mode) return [];
    const text = `${s.element}${s.field === null ? '' : `.${s.field}`} = ${s.value}`;
    return [{ element, hi: field?.hi ?? element.width - 1, lo: field?.lo ?? 0, value: s.value, text }];
  });
}

/** Bits hi..lo of `at` (an element of `width` bits) as an expression. */
function fieldOf(at: string, wide: boolean, width: number, hi: number, lo: number): string {
  if (hi === width - 1 && lo === 0) return at;
  if (wide) return `BigInt.asUintN(${hi - lo + 1}, ${at} >> ${lo}n)`;
  const m = numberLiteral(2 ** (hi - lo + 1) - 1);
  return lo === 0 ? `(${at} & ${m})` : `((${at} >>> ${lo}) & ${m})`;
}

/** Module text: how general state travels, the configuration, the interrupt watch. */
export function dispatcherFactsText(facts: ModuleFacts): string {
  const { isa } = facts;
  const carried = [...isa.state.values()].filter((e) => e.role === 'general' || e.role === 'pc');
  const carry = carried.map((e) => {
    const arr = e.wide ? 'wide' : 'narrow';
    if (e.count === 1) return `  to.${arr}[${e.slot} /* ${e.name} */] = from.${arr}[${e.slot}];`;
    return `  to.${arr}.set(from.${arr}.subarray(${e.slot}, ${e.slot + e.count}), ${e.slot}); // ${e.name}`;
  });
  const set = settings(facts);
  const configure = set.map((s) => {
    const at = stateAt('s', s.element);
    const lit = valueLiteral(s.value, s.hi - s.lo + 1);
    if (s.hi === s.element.width - 1 && s.lo === 0) return `  ${at} = ${lit}; // ${s.text}`;
    if (s.element.wide) {
      const m = V.maskOf(s.hi - s.lo + 1) << BigInt(s.lo);
      return `  ${at} = (${at} & ~0x${m.toString(16)}n) | (${lit} << ${s.lo}n); // ${s.text}`;
    }
    const m = ((2 ** (s.hi - s.lo + 1) - 1) * 2 ** s.lo) >>> 0;
    return `  ${at} = (${at} & ~${numberLiteral(m)}) | (${lit} << ${s.lo}); // ${s.text}`;
  });
  const configured = set.map((s) => `${fieldOf(stateAt('s', s.element), s.element.wide, s.element.width, s.hi, s.lo)} === ${valueLiteral(s.value, s.hi - s.lo + 1)}`);
  const { watched } = interruptInputs(facts.checked);
  const inputs = watched.map((w) => {
    const at = stateAt('s', w.element);
    const all = w.mask === V.maskOf(w.element.width);
    return all ? at : w.element.wide ? `${at} & 0x${w.mask.toString(16)}n` : `(${at} & ${numberLiteral(V.toNumber(w.mask))}) >>> 0`;
  });
  const parts = [
    `/** General registers and the pc live on the real machine while a guest runs directly: copied at every entry and exit (${carried.map((e) => e.name).join(', ')}). */
function carry(from: StateStore, to: StateStore): void {
${carry.join('\n')}
}`,
  ];
  if (set.length > 0) {
    parts.push(`/** The \`vmm:\` configuration (vmm.state), which the VMM establishes on the real machine. */
function configure(s: StateStore): void {
${configure.join('\n')}
}

/** Does a virtual state agree with the configuration? (A hybrid VMM interprets a guest that left it.) */
function configured(s: StateStore): boolean {
  return ${configured.join(' && ')};
}`);
  }
  if (inputs.length > 0) {
    parts.push(`/**
 * The general state the interrupt check reads (${watched.map((w) => w.element.name).join(', ')}): it travels to the real machine, so
 * a direct step that changes it ends the run, and the next step asks again.
 */
function interruptInputs(s: StateStore): Bits[] {
  return [${inputs.join(', ')}];
}

function sameBits(a: readonly Bits[], b: readonly Bits[]): boolean {
  return a.every((v, i) => v === b[i]);
}`);
  }
  return parts.join('\n\n');
}

/** The Guest and ControlProgram classes, as module text. */
export function controlProgramText(facts: ModuleFacts, granule: number): string {
  const { isa } = facts;
  const mode = isa.mode;
  const user = isa.userMode;
  const big = facts.address === 'bigint';
  const hasSettings = settings(facts).length > 0;
  const watches = interruptInputs(facts.checked).watched.length > 0;
  const modeAt = (store: string): string => stateAt(store, mode);
  const userLiteral = `${valueLiteral(BigInt(user.value), mode.width)} /* ${user.name} */`;
  return `/** One guest: its virtual machine, its allocation of real storage, and what its run cost. */
export class Guest {
  readonly counters: Counters = noCounters();
  outcome: GuestOutcome | null = null;
  /** Steps the guest has taken (direct, emulated, reflected and interpreted alike). */
  steps = 0;
  /** Wall-clock seconds spent in the guest's own time slices. */
  seconds = 0;

  constructor(
    readonly index: number,
    readonly virtual: VirtualMachine,
    readonly allocation: Allocation,
  ) {}
}

/**
 * Popek & Goldberg's control program CP = ⟨D, A, {vᵢ}⟩ (CACM 17(7), 1974, §3): one real machine,
 * exiting on every trap, shared by the guests in time slices. The dispatcher answers each exit
 * with one step of the guest's virtual machine — the interpreter routine of the instruction that
 * trapped, or the reflection of the guest's own trap; the allocator (the runtime's composer for
 * ${isa.vmm?.allocator?.kind ?? 'the description'}) composes the guest's virtual relocation with its allocation.
 */
export class ControlProgram {
  readonly real: Machine;
  readonly guests: readonly Guest[];
  private readonly composer: Composer;
  /** The real machine's TLB, when the composer keeps real page tables (flushed at every resume). */
  private readonly translations: TranslationCache | null;

  /** Throws Error when \`checked\` is not the description this module was generated from. */
  constructor(readonly checked: CheckedIsa, images: readonly GuestImage[], readonly options: ControlProgramOptions) {
    if (checked.isa.hash !== SOURCE.sha256) {
      throw new Error(\`\${SOURCE.file}-vmm: generated from sha-256 \${SOURCE.sha256}, given \${checked.isa.file} with \${checked.isa.hash}: regenerate it\`);
    }
    this.composer = options.composer ?? composerFor(checked.isa).composer;
    const page = this.composer.pageSize;
    this.translations = page === undefined ? null : new TranslationCache(page);
    this.real = new Machine(checked, this.translations === null ? { exitOnTrap: true } : { exitOnTrap: true, translations: this.translations });
    // Each guest's part of real storage, in blocks of ${granule} units (vmm.allocator.granule).
    const allocations = allocate(this.real.ram, images.length, ${granule}, this.composer.reserved ?? 0, this.composer.tableStorage ?? 0);
    this.guests = images.map((image, i) => {
      const allocation = allocations[i];
      const ram = this.real.ram.window(allocation.realBase, allocation.size, ${isa.board?.ram.base ?? 0});
      const console = options.console;
      const virtual = new VirtualMachine(checked, ram, console === undefined ? undefined : (b) => console(i, b));
      // The guest's virtual steps store to its storage through this bus; a composer may need to know.
      if (this.composer.written !== undefined) virtual.bus.watchRamWrites((pa, units) => this.composer.written?.(allocation, pa, units));
      placeImage(image, ram);
      virtual.pc = ${big ? 'BigInt(image.entry)' : 'image.entry'};
      return new Guest(i, virtual, allocation);
    });
${hasSettings ? '    configure(this.real.state);\n' : ''}  }

  /** Run every guest until it halts or has taken \`maxSteps\` steps, switching guests every \`slice\` steps. */
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

  /** Run guest \`g\` for at most \`budget\` steps: directly on the real machine, until it exits. */
  private runSlice(g: Guest, budget: number): void {
    const end = g.steps + budget;
    while (g.steps < end && g.outcome === null) {
      const interpret = this.interprets(g);
      if (interpret !== null) {
        this.interpretOne(g, interpret);
        continue;
      }
      this.enter(g);
${watches ? '      const marks = interruptInputs(this.real.state);\n' : ''}      // The run ends where a virtual device would raise an interrupt line of its own accord.
      const deadline = g.steps + Math.max(1, g.virtual.stepsUntilDeviceEvent());
      const stop = Math.min(end, deadline);
      let direct = 0;
      let exit: StepResult | null = null;
      let preempted: PreemptReason | null = stop === deadline ? 'timer' : 'time-slice';
      while (g.steps + direct < stop) {
        const r = this.real.step();
        if (r.kind === 'retired') {
          direct++;
${watches ? "          if (!sameBits(marks, interruptInputs(this.real.state))) {\n            preempted = 'interrupt-check';\n            break;\n          }\n" : ''}          continue;
        }
        preempted = null;
        if (r.kind === 'halt') {
          // The instruction's own semantics stopped the machine: a direct step, and the guest's
          // halt. A halt a real device requested is an escape.
          if (haltedByInstruction(this.real)) {
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
   * hybrid strategy while its virtual mode is not the user mode${hasSettings ? ' or it left the configuration' : ''}; under either while a
   * virtual interrupt is pending, or while no real relocation confines the guest.
   */
  private interprets(g: Guest): InterpretReason | null {
    const v = g.virtual;
    if (this.options.strategy === 'hybrid') {
      if (${modeAt('v.s')} !== ${userLiteral}) return 'supervisor';
${hasSettings ? "      if (!configured(v.s)) return 'unconfigured';\n" : ''}    }
    if (v.interruptPending()) return 'interrupt';
    return (this.composer.confines?.(v.view, g.allocation) ?? true) ? null : 'unconfined';
  }

  private interpretOne(g: Guest, reason: InterpretReason): void {
    this.options.observe?.(g.index, { kind: 'interpreted', reason, step: g.steps });
    const st = g.virtual.step();
    g.steps++;
    g.counters.interpreted++;
    g.counters.interpretedBy[reason]++;
    if (st === 'halt') g.outcome = { kind: 'halted', code: g.virtual.haltCode };
  }

  /**
   * The dispatcher D: the guest trapped out of direct execution. One step of its virtual machine
   * re-executes the instruction on virtual state — the interpreter routine when it completes, the
   * reflection of the guest's own trap when it traps.
   */
  private dispatch(g: Guest, exit: StepResult & { kind: 'trap' }): void {
    g.counters.exits++;
    const v = g.virtual;
    const at = g.steps;
    const devices = v.bus.deviceAccesses;
    const st = v.step();
    g.steps++;
    if (st === 'halt') g.outcome = { kind: 'halted', code: v.haltCode };
    else if (st === 'trap') g.counters.reflected++;
    else g.counters.emulated++;
    const step: StepResult = st === 'running' ? { kind: 'retired' }
      : st === 'halt' ? { kind: 'halt', code: v.haltCode }
      : { kind: 'trap', cause: this.causeOf(v.cause), tval: v.tval, pc: v.trapPc };
    const work = this.composer.afterExit?.(v.view, this.real.interp, g.allocation, { cause: exit.cause, tval: exit.tval, step }) ?? null;
    // Why the guest exited (src/vmm/exits.ts): by the real cause, the virtual step, and the devices it reached.
    const reflected = step.kind === 'trap' ? step.cause : v.undelivered === null ? null : this.causeOf(v.undelivered);
    const reason = exitReason(exit.cause, reflected !== null, v.bus.deviceAccesses !== devices);
    g.counters.exitsBy[reason]++;
    this.options.observe?.(g.index, {
      kind: 'exit', reason, step: at, pc: exit.pc, cause: exit.cause, tval: exit.tval,
      reflected, work: reason === 'allocator' ? work : null,
    });
  }

  /** The description's cause of this module's name for it. */
  private causeOf(cause: Cause): IsaCause {
    const c = this.checked.isa.causes.get(cause.name);
    if (c === undefined) throw new Error(\`no cause \${cause.name} in \${this.checked.isa.file}\`);
    return c;
  }

  /** Resume \`g\` on the real machine: its registers and pc, the real user mode, composed relocation. */
  private enter(g: Guest): void {
    carry(g.virtual.s, this.real.state);
    ${modeAt('this.real.state')} = ${userLiteral};
    this.composer.compose(g.virtual.view, this.real.interp, g.allocation);
    if (this.composer.translationChanged?.() ?? true) this.translations?.flush();
  }

  /** \`g\` left direct execution after \`direct\` steps: its registers back, time credited. */
  private leave(g: Guest, direct: number): void {
    carry(this.real.state, g.virtual.s);
    this.composer.release?.(g.virtual.view, this.real.interp, g.allocation);
    g.steps += direct;
    g.counters.direct += direct;
    if (direct > 0) g.virtual.advanceTime(direct);
  }
}`;
}
