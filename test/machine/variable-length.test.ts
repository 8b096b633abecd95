/**
 * A machine whose instructions are one to five bytes long (test/fixtures/isa/varlen.yaml): it
 * fetches parcel by parcel, advances pc by each instruction's own length, and faults only on the
 * parcels an instruction needs.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/isa/assembler.js';
import { Machine } from '../../src/machine/machine.js';
import { runMachine } from '../../src/machine/run.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';

const checked = loadCheckedIsa(join(import.meta.dirname, '../fixtures/isa/varlen.yaml'));
const R = checked.isa.state.get('R')!;

function machineWith(source: string): Machine {
  const machine = new Machine(checked);
  const program = assemble(checked.isa, source, 'prog.s');
  machine.ram.loadBytes(program.origin, Uint8Array.from(program.units, Number));
  machine.pc = program.origin;
  return machine;
}

describe('variable-length fetch', () => {
  it('runs instructions of different lengths in sequence', () => {
    const machine = machineWith('movi r1, 40\ninc r1\nadd r1, r1\nhlt\n');
    expect(machine.step()).toEqual({ kind: 'retired' });
    expect(machine.pc).toBe(5);
    machine.step();
    expect(machine.pc).toBe(6);
    const outcome = runMachine(machine, 10);
    expect(outcome.kind).toBe('halted');
    expect(machine.interp.readReg(R, 1)).toBe(82);
  });

  it('an instruction running past the end of memory faults at the first missing parcel', () => {
    // movi is five bytes; only three fit before the end of the 0x1000-byte RAM.
    const machine = new Machine(checked);
    const program = assemble(checked.isa, 'movi r1, 1\n', 'prog.s');
    machine.ram.loadBytes(0xffd, Uint8Array.from(program.units.slice(0, 3), Number));
    machine.pc = 0xffd;
    const first = machine.step();
    expect(first.kind).toBe('halt');
    expect(machine.interp.trap.cause.name).toBe('Fault');
    expect(machine.interp.trap.tval).toBe(0x1000);
  });

  it('a stream that starts no instruction is the illegal-instruction trap, with that parcel as its value', () => {
    const machine = new Machine(checked);
    machine.ram.loadBytes(0, Uint8Array.of(0x02));
    machine.step();
    expect(machine.interp.trap.cause.name).toBe('Illegal');
    expect(machine.interp.trap.tval).toBe(2);
  });

  it('a machine that exits on traps leaves the state as before the trapping instruction', () => {
    const machine = new Machine(checked, { exitOnTrap: true });
    machine.ram.loadBytes(0, Uint8Array.of(0x41, 0x02));
    expect(machine.step()).toEqual({ kind: 'retired' });
    const before = machine.state.narrow.slice();
    const exit = machine.step();
    expect(exit).toMatchObject({ kind: 'trap', pc: 1 });
    expect(machine.state.narrow).toEqual(before);
  });
});
