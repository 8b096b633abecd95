/** The sandbox: one instruction on a chosen state, storage total and seeded, translation removed. */
import { describe, expect, it } from 'vitest';
import { MovedMemory, Sandbox, SeededMemory } from '../../src/check/sandbox.js';
import { Storage } from '../../src/check/storage.js';
import { getCell } from '../../src/check/cells.js';
import { stateOf, subjectOf } from '../../src/check/subject.js';
import { variantsOf } from '../../src/check/variants.js';
import { join } from 'node:path';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';
import { indexOf, loadFixture } from './fixtures.js';

describe('the sandbox', () => {
  const sealed = loadFixture('sealed');
  const sandbox = new Sandbox(sealed);
  const subject = (name: string) => subjectOf(sandbox, indexOf(sealed, name), variantsOf(sealed, indexOf(sealed, name))[0]!);
  const R = sealed.isa.state.get('R')!;
  const bound = sealed.isa.state.get('bound')!;
  const U = sealed.isa.userMode.value;

  const seeded = (seed: number, unit = 8, endian: 'little' | 'big' = 'little') => new Storage({ seed, patterns: [] }, unit, endian);
  const patterned = (patterns: bigint[], unit = 8, endian: 'little' | 'big' = 'little') => new Storage({ seed: 0, patterns }, unit, endian);

  it('storage reads everywhere, as a function of the seed; seed 0 is all zero', () => {
    const a = new SeededMemory(seeded(42));
    const b = new SeededMemory(seeded(42));
    expect(a.read(0x1234, 32)).toBe(b.read(0x1234, 32));
    expect(a.read(0xfffffffc, 32)).not.toBeNull();
    expect(new SeededMemory(seeded(0)).read(0x1234, 32)).toBe(0);
    a.write(0x10, 32, 0x11223344);
    expect(a.read(0x11, 8)).toBe(0x33);
    expect([...a.writes.keys()]).toEqual([0x10, 0x11, 0x12, 0x13]);
    expect(a.writeLog).toEqual([{ pa: 0x10, bits: 32, value: 0x11223344n }]);
  });

  it('the first read of fresh storage takes the next pattern, as wide as the read, in either byte order', () => {
    const word = 0x0123456789abcdefn;
    expect(BigInt(new SeededMemory(patterned([word])).read(0x41, 64))).toBe(word);
    expect(BigInt(new SeededMemory(patterned([word], 8, 'big')).read(0x40, 64))).toBe(word);
    expect(BigInt(new SeededMemory(patterned([word], 32, 'big')).read(0x40, 64))).toBe(word);
    expect(BigInt(new SeededMemory(patterned([word])).read(0x40, 16))).toBe(0xcdefn);
  });

  it('each new place read takes the next pattern; a place read before keeps its value; the list repeats', () => {
    const storage = patterned([0x1111n, 0x2222n]);
    const m = new SeededMemory(storage);
    expect(m.read(0x100, 16)).toBe(0x1111);
    expect(m.read(0x200, 16)).toBe(0x2222);
    expect(m.read(0x100, 16)).toBe(0x1111);
    expect(m.read(0x300, 16)).toBe(0x1111);
    expect(m.read(0x101, 16)).toBe(0x2211); // 0x101 was read (high byte of the first block), 0x102 is new
    expect(storage.blocks.map((b) => b.pa)).toEqual([0x100, 0x200, 0x300, 0x101]);
  });

  it('the runs on one storage see one function: a place the second run reads first takes the next pattern, and the first run\'s places keep theirs', () => {
    const storage = patterned([0xaaaan, 0xbbbbn, 0xccccn]);
    const first = new SeededMemory(storage);
    first.write(0x10, 16, 0x5555);
    expect(first.read(0x10, 16)).toBe(0x5555); // its own write, not storage
    expect(first.read(0x20, 16)).toBe(0xaaaa);
    const second = new SeededMemory(storage);
    expect(second.read(0x30, 16)).toBe(0xbbbb);
    expect(second.read(0x20, 16)).toBe(0xaaaa);
    expect(second.read(0x10, 16)).toBe(0xcccc); // never read before: the first run only wrote it
    expect(first.initial(0x10)).toBe(0xccn);
  });

  it('storage moved to match another run gives that run\'s reads in order, wherever they point now', () => {
    const a = new SeededMemory(seeded(3));
    const x = a.read(0x100, 32);
    const y = a.read(0x200, 16);
    const moved = new MovedMemory(seeded(3), a.readLog);
    expect(moved.read(0x5100, 32)).toBe(x);
    expect(moved.read(0x5200, 16)).toBe(y);
    expect(moved.read(0x300, 8)).toBe(new SeededMemory(seeded(3)).read(0x300, 8));
  });

  it('does not translate: a load beyond the bound does not memory-trap', () => {
    const lw = subject('lw');
    const cells = lw.cells.map((c) => (c.elem === bound ? 0n : c.elem === R && c.index === 1 ? 0x100n : 0n));
    expect(lw.cells.some((c) => c.elem === bound)).toBe(false); // translate's state is not in lw's footprint
    const s = stateOf(lw, cells, seeded(9), U);
    const o = sandbox.run(lw.index, [0n, 1n, 2n], s); // lw r2, 0(r1)
    expect(o.kind).toBe('completed');
    if (o.kind !== 'completed') return;
    expect(getCell(o.after, R, 2)).toBe(BigInt(new SeededMemory(seeded(9)).read(0x100, 32)));
    expect(getCell(s.store, bound, 0)).toBe(0xffffffffn);
  });

  it('runs on a copy: the state given is never changed', () => {
    const add = subject('add');
    const s = stateOf(add, add.cells.map((_, i) => BigInt(i + 1)), seeded(0), U);
    const before = s.store.narrow.slice();
    const o = sandbox.run(add.index, [3n, 2n, 1n], s); // add r1, r2, r3 (fields rs2, rs1, rd)
    expect(o.kind).toBe('completed');
    expect(s.store.narrow).toEqual(before);
  });

  it('a trap is the outcome, with its cause', () => {
    const rfe = subject('rfe');
    const o = sandbox.run(rfe.index, [], stateOf(rfe, rfe.cells.map(() => 0n), seeded(0), U));
    expect(o).toMatchObject({ kind: 'trap', cause: { name: 'Privileged' } });
  });
});

describe('the sandbox on variable-length instructions', () => {
  it('gives an instruction its whole word and moves the pc past all of it', () => {
    const checked = loadCheckedIsa(join(import.meta.dirname, '../fixtures/isa/varlen.yaml'));
    const sandbox = new Sandbox(checked);
    const movi = checked.isa.instructions.findIndex((i) => i.name === 'movi');
    const state = { store: { narrow: new Uint32Array(checked.isa.narrowSlots), wide: new BigUint64Array(checked.isa.wideSlots) }, storage: new Storage({ seed: 0, patterns: [] }, checked.isa.unit, checked.isa.endian) };
    const outcome = sandbox.run(movi, [1n, 0x12345678n], state);
    expect(outcome).toMatchObject({ kind: 'completed', nextPc: 5 });
  });
});
