/**
 * The VMM properties of DESIGN.md §5, as plain functions the fuzzers call:
 *
 * - equivalence (Popek & Goldberg's efficiency/equivalence property): a guest under the VMM ends
 *   in exactly the state it ends in on the bare machine — registers, mode, control and relocation
 *   state, storage, halt code — timing state excepted;
 * - resource control: running guests never changes the real machine's control state, and no
 *   guest changes another's storage (each still ends exactly as it does alone).
 *
 * The bare machine of a comparison has the same RAM as the guest's allocation, so a guest that
 * reaches past it faults in both worlds.
 */
import { flatImage } from '../isa/assembler.js';
import { createDisassembler, unitsOfWord } from '../isa/disassembler.js';
import type { Isa } from '../isa/model.js';
import type { GuestImage } from '../machine/image.js';
import { placeImage } from '../machine/image.js';
import { Machine } from '../machine/machine.js';
import { Ram } from '../machine/memory.js';
import { runMachine } from '../machine/run.js';
import type { CheckedIsa } from '../semantics/check-isa.js';
import * as V from '../semantics/values.js';
import type { Composer } from '../vmm/allocator.js';
import { ControlProgram, type Strategy } from '../vmm/control-program.js';
import { programWords, type ProgramInstruction } from './arbitraries.js';

/** One guest's test: its program (placed at the RAM base + `offset` units) and initial state. */
export interface GuestCase {
  readonly program: readonly ProgramInstruction[];
  /** Initial values by element name (every element of a file); elements not named keep their reset value. */
  readonly state: ReadonlyMap<string, readonly bigint[]>;
  /** Initial storage besides the program: (units from the RAM base, one unit's value). */
  readonly memory: readonly (readonly [number, bigint])[];
}

export interface FidelityOptions {
  readonly strategy: Strategy;
  /** Steps each guest takes at most (a random program may loop). */
  readonly steps: number;
  /** Where the program starts, in units from the RAM base. */
  readonly offset: number;
  /** Steps per time slice when several guests share the machine. */
  readonly slice?: number;
  /** A composer to use instead of the declared one (to show the properties catch a faulty VMM). */
  readonly composer?: Composer;
  /**
   * A further resource-control check on the control program once every guest is done (e.g. the
   * real storage the VMM keeps for itself): a difference, or null.
   */
  readonly resources?: (cp: ControlProgram) => string | null;
}

/** The guest's program as a flat image at RAM base + offset, entered at its first instruction. */
export function caseImage(isa: Isa, c: GuestCase, offset: number): GuestImage {
  const base = isa.board?.ram.base ?? 0;
  const units = programWords(isa, c.program).flatMap(({ word, width }) => unitsOfWord(isa, word, width));
  const data = flatImage(isa, { origin: base + offset, units, symbols: new Map() });
  return { file: '<fuzz>', format: 'flat', entry: base + offset, machine: null, segments: [{ address: base, data, memsz: data.length }], symbols: new Map() };
}

/** Set the case's initial state and storage (pc stays at the image's entry). */
export function setState(m: Machine, c: GuestCase): void {
  for (const [offset, value] of c.memory) m.ram.write(m.ram.base + offset, m.isa.unit, V.fromBigInt(value, m.isa.unit));
  for (const [name, values] of c.state) {
    const e = m.isa.state.get(name)!;
    if (e.role === 'pc') continue;
    values.forEach((v, i) => m.interp.writeReg(e, V.fromBigInt(v, e.width), i));
  }
}

/** The program in disassembly, one instruction a line, for failure messages. */
export function describeCase(isa: Isa, c: GuestCase): string {
  const { disassemble, disassembleStream } = createDisassembler(isa);
  const lines = programWords(isa, c.program).map(({ word, width }) => {
    const text = width === isa.instructionWidth ? disassemble(word)
      : disassembleStream((i) => (i < width / isa.instructionWidth ? (word >> BigInt(width - (i + 1) * isa.instructionWidth)) & ((1n << BigInt(isa.instructionWidth)) - 1n) : null))?.text;
    return `  ${V.hex(word, width)}  ${text ?? '(no instruction)'}`;
  });
  const state = [...c.state].map(([n, v]) => `${n}=${v.map((x) => `0x${x.toString(16)}`).join(',')}`).join(' ');
  return `program:\n${lines.join('\n')}\ninitial state: ${state}`;
}

/** The first difference between two machines' non-timing state and storage, or null. */
export function stateDifference(isa: Isa, a: Machine, b: Machine): string | null {
  for (const e of isa.state.values()) {
    if (e.role === 'timing') continue;
    for (let i = 0; i < e.count; i++) {
      const x = a.interp.readReg(e, i);
      const y = b.interp.readReg(e, i);
      if (x !== y) return `${e.name}${e.isFile ? `[${i}]` : ''}: bare ${V.hex(x, e.width)}, under the VMM ${V.hex(y, e.width)}`;
    }
  }
  const at = a.ram.firstDifference(b.ram);
  if (at === null) return null;
  const w = isa.unit;
  return `storage at ${V.hex(at, isa.physicalAddressWidth)}: bare ${V.hex(a.ram.read(at, w) ?? 0, w)}, under the VMM ${V.hex(b.ram.read(at, w) ?? 0, w)}`;
}

/** A bare machine whose RAM is `size` units, with the case's program at `offset` and its initial state: as a guest's on its allocation. */
export function bareMachine(checked: CheckedIsa, c: GuestCase, size: number, offset: number): Machine {
  const isa = checked.isa;
  const ram = new Ram(isa.board?.ram.base ?? 0, size, isa.unit, isa.endian);
  const machine = new Machine(checked, { ram });
  const image = caseImage(isa, c, offset);
  placeImage(image, machine.ram);
  machine.pc = image.entry;
  setState(machine, c);
  return machine;
}

/** Run one case alone on a bare machine whose RAM is `size` units. */
function runBare(checked: CheckedIsa, c: GuestCase, size: number, options: FidelityOptions): { machine: Machine; halt: number | null } {
  const machine = bareMachine(checked, c, size, options.offset);
  const outcome = runMachine(machine, options.steps);
  return { machine, halt: outcome.kind === 'halted' ? outcome.code : null };
}

/**
 * Run the cases as guests side by side under the VMM and each alone on a bare machine; the first
 * way in which a guest does not end as it does alone, or the real control state changed, or null.
 */
export function checkFidelity(checked: CheckedIsa, cases: readonly GuestCase[], options: FidelityOptions): string | null {
  const isa = checked.isa;
  const images = cases.map((c) => caseImage(isa, c, options.offset));
  const cp = new ControlProgram(checked, images, options.composer ? { strategy: options.strategy, composer: options.composer } : { strategy: options.strategy });
  const realBefore = cp.real.state.narrow.slice();
  const realWideBefore = cp.real.state.wide.slice();
  cases.forEach((c, i) => setState(cp.guests[i]!.virtual, c));
  cp.run(options.steps, options.slice ?? 1000);
  for (const [i, c] of cases.entries()) {
    const g = cp.guests[i]!;
    const bare = runBare(checked, c, g.allocation.size, options);
    const vmmHalt = g.outcome?.kind === 'halted' ? g.outcome.code : null;
    if (g.outcome?.kind === 'escaped') return `guest ${i} reached the real machine's devices (halt ${g.outcome.code})`;
    if (bare.halt !== vmmHalt) return `guest ${i}: bare ${bare.halt === null ? 'ran on' : `halted with ${bare.halt}`}, under the VMM ${vmmHalt === null ? 'ran on' : `halted with ${vmmHalt}`}`;
    const d = stateDifference(isa, bare.machine, g.virtual);
    if (d !== null) return `guest ${i}: ${d}`;
  }
  // Resource control: only the VMM sets the real mode and relocation; nothing sets real control state.
  for (const e of isa.state.values()) {
    if (e.role !== 'control') continue;
    for (let i = 0; i < e.count; i++) {
      const before = e.wide ? realWideBefore[e.slot + i]! : realBefore[e.slot + i]!;
      const after = e.wide ? cp.real.state.wide[e.slot + i]! : cp.real.state.narrow[e.slot + i]!;
      if (before !== after) return `the real ${e.name} changed from ${V.hex(before, e.width)} to ${V.hex(after, e.width)}`;
    }
  }
  return options.resources?.(cp) ?? null;
}
