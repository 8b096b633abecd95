import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError, type Diagnostic } from '../../src/diagnostic.js';
import { loadIsa, loadIsaText } from '../../src/isa/load.js';
import { TINY } from './fixtures.js';

const tiny = loadIsa(TINY);
const tinyText = readFileSync(TINY, 'utf8');

function diagnosticsOf(text: string): readonly Diagnostic[] {
  try {
    loadIsaText(text, 'edited.yaml');
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics;
    throw e;
  }
  return [];
}

/** tiny.yaml with one piece of text replaced (which must be there). */
function edit(from: string, to: string): string {
  expect(tinyText).toContain(from);
  return tinyText.replace(from, to);
}

describe('loadIsa', () => {
  it('reads the top level as written', () => {
    expect(tiny).toMatchObject({
      name: 'tiny', title: 'Tiny 16-bit test machine', file: TINY, endian: 'little',
      unit: 8, instructionWidth: 16, addressWidth: 16, physicalAddressWidth: 16,
    });
    expect(tiny.sources).toEqual([{ manual: 'isavirt test fixture', edition: '1', section: null, url: 'https://example.org/tiny' }]);
  });

  it('hashes the file bytes with SHA-256', () => {
    expect(tiny.hash).toBe(createHash('sha256').update(readFileSync(TINY)).digest('hex'));
    expect(loadIsaText(tinyText, TINY).hash).toBe(tiny.hash);
  });

  it('finds the one pc and the one mode, with modes from least to most privileged and the user mode', () => {
    expect(tiny.pc.name).toBe('pc');
    expect(tiny.mode.name).toBe('mode');
    expect(tiny.modes).toEqual([{ name: 'U', value: 0 }, { name: 'S', value: 1 }]);
    expect(tiny.userMode).toEqual({ name: 'U', value: 0 });
  });

  it('lays state out in slots: narrow up to 32 bits, wide above, a file taking count consecutive slots', () => {
    const slots = [...tiny.state.values()].map((e) => [e.name, e.wide ? 'wide' : 'narrow', e.slot, e.count]);
    expect(slots).toEqual([
      ['pc', 'narrow', 0, 1], ['mode', 'narrow', 1, 1], ['R', 'narrow', 2, 8], ['status', 'narrow', 10, 1],
      ['epc', 'narrow', 11, 1], ['cause', 'narrow', 12, 1], ['tvec', 'narrow', 13, 1], ['base', 'narrow', 14, 1],
      ['bound', 'narrow', 15, 1], ['cycle', 'wide', 0, 1], ['irq', 'narrow', 16, 1],
    ]);
    expect(tiny.narrowSlots).toBe(17);
    expect(tiny.wideSlots).toBe(1);
  });

  it('resolves a register file with its hard-wired zeros and assembly names', () => {
    const r = tiny.state.get('R');
    expect(r).toMatchObject({ role: 'general', width: 16, count: 8, isFile: true, zero: [0] });
    expect(r?.names).toEqual(['zero', 'a1', 'a2', 'a3', 'a4', 'a5', 'sp', 'lr']);
    expect(tiny.state.get('epc')?.isFile).toBe(false);
  });

  it('resolves bit fields written as BIT or "HI:LO"', () => {
    expect([...(tiny.state.get('status')?.fields.values() ?? [])]).toEqual([
      { name: 'IE', hi: 0, lo: 0 }, { name: 'PIE', hi: 1, lo: 1 }, { name: 'PM', hi: 2, lo: 2 }, { name: 'LEVEL', hi: 7, lo: 4 },
    ]);
  });

  it('keeps all 64 bits of a number and takes a negative value in two\'s complement', () => {
    expect(tiny.state.get('cycle')?.reset).toBe(0xffff_ffff_ffff_ffffn);
    expect(tiny.state.get('tvec')?.reset).toBe(0x100n);
    expect(tiny.state.get('cycle')?.tick).toBe(true);
    expect(tiny.constants.get('MINUS_ONE')).toEqual({ name: 'MINUS_ONE', width: 16, value: 0xffffn });
  });

  it('resolves causes, the illegal-instruction cause, access faults and translation', () => {
    expect([...tiny.causes.values()].map((c) => [c.name, c.code, c.interrupt, c.memory])).toEqual([
      ['IllegalInstruction', 0, false, false], ['Syscall', 1, false, false], ['AccessFault', 2, false, true], ['Timer', 3, true, false],
    ]);
    expect(tiny.illegalInstruction.name).toBe('IllegalInstruction');
    expect(tiny.accessFault.load.name).toBe('AccessFault');
    expect(tiny.translate).toBe('translate');
  });

  it('keeps a function\'s parameters in order', () => {
    const f = tiny.functions.get('translate');
    expect(f?.params).toEqual([{ name: 'va', width: 16 }, { name: 'access', width: 2 }]);
    expect(f?.returns).toBe(16);
    expect(f?.body.text).toMatch(/^if mode == U \{\n/);
  });

  it('places the board in memory units and wires devices to state', () => {
    expect(tiny.board?.ram).toEqual({ base: 0, size: 0x8000 });
    expect(tiny.board?.htif).toBe(false);
    const timer = tiny.board?.devices[1];
    expect(timer?.model).toBe('timer');
    expect(timer?.base).toBe(0xa000);
    expect([...(timer?.options ?? [])]).toEqual([['line', 'irq'], ['enable', 'status.IE'], ['hz', 1000]]);
  });

  it('resolves vmm settings of a register (NAME) and of a field (NAME.FIELD)', () => {
    expect(tiny.vmm?.settings.map((s) => [s.element, s.field, s.value])).toEqual([['status', 'IE', 0n], ['base', null, 0x4000n]]);
  });

  it('gives every instruction field an operand: as declared, else unsigned', () => {
    expect(tiny.operands.get('rd')).toEqual({ kind: 'register', file: 'R' });
    expect(tiny.operands.get('imm')).toEqual({ kind: 'signed' });
    const isa = loadIsaText(edit('  off: { signed: true }\n', ''), 'edited.yaml');
    expect(isa.operands.get('off')).toEqual({ kind: 'unsigned' });
  });

  it('keeps instructions in order with their claims, sources and positions', () => {
    expect(tiny.instructions.map((i) => i.name)).toEqual(['add', 'sub', 'addi', 'lw', 'sw', 'beq', 'mfs', 'mts', 'sys', 'rti', 'halt']);
    const mfs = tiny.instructions[6];
    expect([...(mfs?.expect ?? [])]).toEqual([['privileged', false], ['resourceSensitive', true]]);
    expect(tiny.instructions[5]?.source).toBe('Tiny manual §3 (the offset counts bytes; bit 0 is always 0)');
    expect(tiny.instructions[0]?.pos).toEqual({ file: TINY, line: 85, col: 5 });
  });

  it('reads an encoding of bare bits (a YAML number) as the bits written', () => {
    const sys = tiny.instructions[8]?.encoding;
    expect(sys?.text).toBe('1111000000000000');
    expect(sys?.mask).toBe(0xffffn);
    expect(sys?.match).toBe(0xf000n);
  });

  it('takes physicalAddressWidth to be addressWidth when it is not given', () => {
    expect(loadIsaText(edit('physicalAddressWidth: 16\n', ''), 'edited.yaml').physicalAddressWidth).toBe(16);
  });

  it('reports every problem of a pass together, in file order', () => {
    const text = edit('user: U', 'user: K').replace('{ register: R }', '{ register: Q }');
    expect(diagnosticsOf(text).map((d) => [d.code, d.pos?.line])).toEqual([['isa/invalid', 16], ['isa/invalid', 31]]);
  });

  it('reports a file it cannot read as io/read', () => {
    expect(() => loadIsa('no/such/file.yaml')).toThrow(InputError);
    try {
      loadIsa('no/such/file.yaml');
    } catch (e) {
      expect(e instanceof InputError && e.diagnostics[0]?.code).toBe('io/read');
    }
  });
});
