/**
 * The efficiency property of DESIGN.md §5 (Popek & Goldberg 1974, §2: "a statistically dominant
 * subset of the virtual processor's instructions be executed directly by the real processor"), as
 * a law over one guest's run that the fuzzers check. The control program reports every exit out
 * of direct execution and every interpreted step with its reason (src/vmm/exits.ts); the law
 * checks each reason against two witnesses the VMM does not control: the bare machine, run on the
 * same case step for step (its step n is what the guest's step n is on real hardware of its own),
 * and the audit's classification of the instruction (privileged-words.ts).
 *
 * The law, for the guest's step n that did not run directly:
 *
 * - an exit for a `privileged` instruction: the bare step n completes (retires or halts), and the
 *   instruction word at the exit's pc is one the audit finds privileged under the `vmm:`
 *   configuration (its selection, where a field selects state);
 * - a `guest-fault` exit: the bare step n traps too, with the cause the VMM reflected;
 * - a `device` exit: the bare step n completes and reaches a device;
 * - an `allocator` exit: the bare step n completes and reaches no device (so the guest's own
 *   relocation allows the access and the real relocation refused it: a memory-fault cause), and
 *   the allocator did something for it: a `fill`, after which the same access runs directly — the
 *   guest's next exit, unless a step was interpreted in between, is not a real fault of a kind the
 *   fill granted on the page it filled; a `protect`, which is a store; or `uncovered` (an address
 *   the real relocation cannot express). Or the allocator did nothing because the step itself
 *   changed the guest's translation of the fault's address (the bare machine's translation of it,
 *   asked with its accessed/dirty stores noted and dropped, differs before and after the step: an
 *   sret that leaves the regime the fill would have served, or enters one where the page's PTE
 *   still needs its accessed bit; a store or AMO on its own page-table entry);
 * - an interpreted step: `supervisor` only under the hybrid strategy and where the bare state's
 *   mode is not the user mode; `unconfigured` only under hybrid and where the bare state is outside
 *   `vmm.state`; `interrupt` only where the bare step n takes an interrupt; `unconfined` only where
 *   the declared composer cannot confine the bare state.
 *
 * So an innocuous instruction reaches the VMM only as device or allocator work, never as an
 * emulated instruction, and allocator work is not repeated for nothing. Under the hybrid strategy
 * this says that in virtual user mode innocuous instructions never exit (a step outside user mode
 * is interpreted by design). Counters must add up: direct + exits + interpreted = steps.
 */
import { createDisassembler } from '../isa/disassembler.js';
import type { AccessKind, Cause, Isa } from '../isa/model.js';
import type { Machine, StepResult } from '../machine/machine.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import { Interpreter, Status } from '../semantics/interpreter.js';
import * as V from '../semantics/values.js';
import { composerFor, type Composer } from '../vmm/allocator.js';
import { ControlProgram, type Counters, type Strategy } from '../vmm/control-program.js';
import type { AllocatorWork, ExitEvent, InterpretReason } from '../vmm/exits.js';
import { bareMachine, caseImage, setState, type GuestCase } from './fidelity.js';
import type { PrivilegedWords } from './privileged-words.js';

export interface EfficiencyOptions {
  readonly strategy: Strategy;
  /** Steps the guest takes at most. */
  readonly steps: number;
  /** Where the program starts, in units from the RAM base. */
  readonly offset: number;
  /** Steps per time slice. */
  readonly slice?: number;
  /** A composer to use instead of the declared one (to show the law catches a wasteful VMM). */
  readonly composer?: Composer;
  /** The audit's privileged instructions. */
  readonly privileged: PrivilegedWords;
}

export interface EfficiencyResult {
  /** The first breach of the law, in words, or null. */
  readonly violation: string | null;
  /** The guest's counters: direct steps over all steps is the direct-execution ratio. */
  readonly counters: Counters;
  readonly steps: number;
}

type Exit = ExitEvent & { kind: 'exit' };
/** The events the law judges: exits and interpreted steps (a preemption runs no instruction). */
type Judged = Exclude<ExitEvent, { kind: 'preempted' }>;
type Fill = AllocatorWork & { kind: 'fill' };

/** The access kinds a memory-fault cause stands for (the ISA's access faults, the allocator's page faults). */
function faultKinds(isa: Isa): Map<string, Set<AccessKind>> {
  const out = new Map<string, Set<AccessKind>>();
  const add = (name: string, kind: AccessKind): void => { out.set(name, (out.get(name) ?? new Set()).add(kind)); };
  const spec = isa.vmm?.allocator;
  for (const kind of ['fetch', 'load', 'store'] as const) {
    add(isa.accessFault[kind].name, kind);
    if (spec?.kind === 'page-table') add(spec.faults[kind].name, kind);
  }
  return out;
}

/** Does the machine's state agree with every `vmm.state` setting (the mode aside)? */
function inConfiguration(isa: Isa, m: Machine): boolean {
  return (isa.vmm?.settings ?? []).every((s) => {
    const e = isa.state.get(s.element);
    if (e === undefined || e === isa.mode) return true;
    const f = s.field === null ? undefined : e.fields.get(s.field);
    return V.toBigInt(V.slice(e.width, m.interp.readReg(e), f?.hi ?? e.width - 1, f?.lo ?? 0)) === s.value;
  });
}

/** The bare machine's view of step n: its state before, what the step did. */
interface BareStep {
  readonly pc: V.Bits;
  readonly user: boolean;
  readonly configured: boolean;
  readonly confines: boolean;
  readonly result: StepResult;
  readonly devices: boolean;
  /** The word the step ran, when it completed. */
  readonly word: V.Bits | null;
  /** The cause of the step's trap when its delivery failed (the step halted), else null. */
  readonly undelivered: Cause | null;
  /** For a memory-fault exit: did the step change the guest's translation of the fault's address? */
  readonly retranslated: boolean;
}

/**
 * Run the case as the only guest under the VMM, with an observer, and on a bare machine step for
 * step; the first breach of the law, with the guest's counters.
 */
export function checkEfficiency(checked: CheckedIsa, c: GuestCase, options: EfficiencyOptions): EfficiencyResult {
  const isa = checked.isa;
  const events: Judged[] = [];
  const cp = new ControlProgram(checked, [caseImage(isa, c, options.offset)], {
    strategy: options.strategy,
    ...(options.composer === undefined ? {} : { composer: options.composer }),
    observe: (_guest, e) => { if (e.kind !== 'preempted') events.push(e); },
  });
  const g = cp.guests[0]!;
  setState(g.virtual, c);
  cp.run(options.steps, options.slice ?? 1000);
  const counters = g.counters;
  const result = (violation: string | null): EfficiencyResult => ({ violation, counters, steps: g.steps });

  const sum = (t: Readonly<Record<string, number>>): number => Object.values(t).reduce((a, b) => a + b, 0);
  if (counters.direct + counters.exits + counters.interpreted !== g.steps) {
    return result(`${g.steps} steps, but ${counters.direct} direct + ${counters.exits} exits + ${counters.interpreted} interpreted`);
  }
  if (sum(counters.exitsBy) !== counters.exits || sum(counters.interpretedBy) !== counters.interpreted) return result('the counters by reason do not add up');

  // Whether a state can be confined is judged by the declared composer, never by the one under
  // test: a composer that claimed it could confine nothing would have every step interpreted.
  const declared = composerFor(isa).composer;
  const bare = bareMachine(checked, c, g.allocation.size, options.offset);
  const kinds = faultKinds(isa);
  const { disassemble } = createDisassembler(isa);
  const user = isa.userMode.value;
  // The guest's translation asked without side effects: its stores (accessed and dirty bits) are
  // noted and dropped, so the answer is the one the access itself would get, and whether it writes.
  // It reads RAM only: a page-table walk that reached a device would otherwise count as the step's
  // device access, and could change the device (a UART's receive register).
  let wrote = false;
  const dryRun = new Interpreter(checked, bare.state, { read: (pa, bits) => bare.ram.read(pa, bits), write: () => (wrote = true) });
  /** The guest's translations of a memory-fault exit's address, for each kind its cause stands for, as text. */
  const translations = (e: Exit): string => [...(kinds.get(e.cause.name) ?? [])].map((k) => {
    wrote = false;
    dryRun.begin();
    const pa = dryRun.translate(V.toNumber(e.tval), k);
    return dryRun.status !== Status.Running ? 'fault' : `${pa}${wrote ? ' setting accessed/dirty' : ''}`;
  }).join(',');
  let filled: Fill | null = null;
  let next = 0;
  for (let n = 0; n < g.steps; n++) {
    const event = events[next]?.step === n ? events[next++]! : null;
    const devices = bare.bus.deviceAccesses;
    const pc = bare.pc;
    const before = {
      user: V.toNumber(bare.interp.readReg(isa.mode)) === user,
      configured: inConfiguration(isa, bare),
      confines: declared.confines?.(bare.interp, g.allocation) ?? true,
    };
    const fault = event?.kind === 'exit' && event.cause.memory ? translations(event) : null;
    const r = bare.step();
    if (event === null) continue;
    const retranslated = fault !== null && event.kind === 'exit' && fault !== translations(event);
    const s: BareStep = { pc, ...before, result: r, devices: bare.bus.deviceAccesses !== devices, word: r.kind === 'trap' ? null : bare.interp.instruction, retranslated,
      undelivered: bare.undelivered };
    const where = `step ${n}, pc ${V.hex(pc, isa.addressWidth)}${s.word === null ? '' : ` (${disassemble(s.word) ?? 'no instruction'})`}`;
    let why: string | null;
    if (event.kind === 'exit') {
      why = V.toBigInt(event.pc) !== V.toBigInt(pc) ? `the VMM exited at pc ${V.hex(event.pc, isa.addressWidth)}: out of step with the bare machine` : judgeExit(event, s);
      why ??= refault(filled, event, kinds, isa.addressWidth);
      filled = event.reason === 'allocator' && event.work?.kind === 'fill' ? event.work : null;
    } else {
      why = judgeInterpreted(event.reason, s, options.strategy);
      filled = null;
    }
    if (why !== null) return result(`${where}: ${why}`);
  }
  return result(null);

  /** The law for one exit, against the bare step. */
  function judgeExit(e: Exit, s: BareStep): string | null {
    const completed = s.result.kind !== 'trap' && s.undelivered === null;
    const bareTrap = s.result.kind === 'trap' ? `the bare machine traps (${s.result.cause.name})`
      : s.undelivered !== null ? `the bare machine traps (${s.undelivered.name}) and halts delivering it` : 'the bare machine completes it';
    switch (e.reason) {
      case 'privileged': {
        if (!completed) return `the VMM emulated it as a privileged instruction, but ${bareTrap}`;
        return privileged(s) ? null : 'the VMM took an exit for it and emulated it, but the audit does not find it privileged';
      }
      case 'guest-fault': {
        // A trap whose delivery failed halts the machine (machine.ts): the same trap, undelivered.
        const bareCause = s.result.kind === 'trap' ? s.result.cause : s.undelivered;
        return bareCause !== null && bareCause.name === e.reflected?.name ? null : `the VMM reflected ${e.reflected?.name ?? 'nothing'} into the guest, but ${bareTrap}`;
      }
      case 'device':
        return completed && s.devices ? null : `the VMM called it device work, but ${completed ? 'the bare step reaches no device' : bareTrap}`;
      case 'allocator': {
        if (!completed || s.devices) return `the VMM called it allocator work, but ${completed ? 'the bare step reaches a device' : bareTrap}`;
        if (!e.cause.memory) return `an allocator exit on ${e.cause.name}, which is no memory fault`;
        // The step changed its own access's translation (an sret leaving the regime the fill would
        // have served, an AMO on its own page-table entry): there was nothing left to fill.
        if (e.work === null && !s.retranslated) return `an exit on ${e.cause.name} at ${V.hex(e.tval, isa.addressWidth)} that the bare machine completes and the allocator did nothing for`;
        if (e.work?.kind === 'protect' && !(kinds.get(e.cause.name)?.has('store') ?? false)) return `the allocator called ${e.cause.name} a store to a protected page`;
        return null;
      }
    }
  }

  /** Is the word the bare step completed one the audit finds privileged? */
  function privileged(s: BareStep): boolean {
    return s.word !== null && options.privileged(s.word);
  }

  /** The law for one interpreted step. */
  function judgeInterpreted(reason: InterpretReason, s: BareStep, strategy: Strategy): string | null {
    switch (reason) {
      case 'supervisor':
        return strategy === 'hybrid' && !s.user ? null : 'interpreted as supervisor code, in the user mode';
      case 'unconfigured':
        return strategy === 'hybrid' && !s.configured ? null : 'interpreted as outside the vmm: configuration, which it is not';
      case 'interrupt': {
        const taken = s.result.kind === 'trap' ? s.result.cause : s.undelivered;
        return taken?.interrupt === true ? null : 'interpreted for a pending interrupt, which the bare machine does not take';
      }
      case 'unconfined':
        return s.confines ? 'interpreted as unconfinable, but the composer confines this state' : null;
    }
  }
}

/**
 * Did the guest's exit `e`, the first after the fill `filled`, fault on the real machine for an
 * access the fill granted on the page it filled?
 */
function refault(filled: Fill | null, e: Exit, kinds: ReadonlyMap<string, ReadonlySet<AccessKind>>, width: number): string | null {
  if (filled === null || !e.cause.memory) return null;
  const va = V.toNumber(e.tval);
  if (va < filled.first || va >= filled.first + filled.size) return null;
  const again = [...(kinds.get(e.cause.name) ?? [])].filter((k) => filled.grants.includes(k));
  if (again.length === 0) return null;
  return `${e.cause.name} at ${V.hex(e.tval, width)} right after the allocator filled its page for ${again.join('/')}: the fill did not hold`;
}
