/** The sandbox: one instruction on a chosen state, storage total and seeded, translation removed. */
import { describe, expect, it } from 'vitest';
import { Sandbox, SeededMemory } from '../../src/check/sandbox.js';
import { getCell, stateOf, subjectOf } from '../../src/check/subject.js';
import { variantsOf } from '../../src/check/variants.js';
import { indexOf, loadFixture } from './fixtures.js';

describe('the sandbox', () => {
  const sealed = loadFixture('sealed');
  const sandbox = new Sandbox(sealed);
  const subject = (name: string) => subjectOf(sandbox, indexOf(sealed, name), variantsOf(sealed, indexOf(sealed, name))[0]!);
  const R = sealed.isa.state.get('R')!;
  const bound = sealed.isa.state.get('bound')!;
  const U = sealed.isa.userMode.value;

  it('storage reads everywhere, as a function of the seed; seed 0 is all zero', () => {
    const a = new SeededMemory(42, 8, 'little');
    const b = new SeededMemory(42, 8, 'little');
    expect(a.read(0x1234, 32)).toBe(b.read(0x1234, 32));
    expect(a.read(0xfffffffc, 32)).not.toBeNull();
    expect(new SeededMemory(0, 8, 'little').read(0x1234, 32)).toBe(0);
    a.write(0x10, 32, 0x11223344);
    expect(a.read(0x11, 8)).toBe(0x33);
    expect([...a.writes.keys()]).toEqual([0x10, 0x11, 0x12, 0x13]);
  });

  it('does not translate: a load beyond the bound does not memory-trap', () => {
    const lw = subject('lw');
    const cells = lw.cells.map((c) => (c.elem === bound ? 0n : c.elem === R && c.index === 1 ? 0x100n : 0n));
    expect(lw.cells.some((c) => c.elem === bound)).toBe(false); // translate's state is not in lw's footprint
    const s = stateOf(lw, cells, 9, U);
    const o = sandbox.run(lw.index, [0n, 1n, 2n], s); // lw r2, 0(r1)
    expect(o.kind).toBe('completed');
    if (o.kind !== 'completed') return;
    expect(getCell(o.after, R, 2)).toBe(BigInt(new SeededMemory(9, 8, 'little').read(0x100, 32)));
    expect(getCell(s.store, bound, 0)).toBe(0xffffffffn);
  });

  it('runs on a copy: the state given is never changed', () => {
    const add = subject('add');
    const s = stateOf(add, add.cells.map((_, i) => BigInt(i + 1)), 0, U);
    const before = s.store.narrow.slice();
    const o = sandbox.run(add.index, [3n, 2n, 1n], s); // add r1, r2, r3 (fields rs2, rs1, rd)
    expect(o.kind).toBe('completed');
    expect(s.store.narrow).toEqual(before);
  });

  it('a trap is the outcome, with its cause', () => {
    const rfe = subject('rfe');
    const o = sandbox.run(rfe.index, [], stateOf(rfe, rfe.cells.map(() => 0n), 0, U));
    expect(o).toMatchObject({ kind: 'trap', cause: { name: 'Privileged' } });
  });
});
