/**
 * Random riscv32 guests for the VMM's fidelity properties (riscv32.test.ts), on a guest RAM laid
 * out as: page 1 the program (repeated after itself, so a guest that runs on runs it again),
 * page 2 a root page table, page 3 a leaf table for pages 0-7 of the RAM, the rest data. The
 * root maps the RAM's 4 MiB through the leaf table (or as a megapage) and the UART's 4 MiB; the
 * leaves have random V R W X U A D bits and mostly map page i to itself; satp is Sv32 on that
 * root, Bare, or anything.
 *
 * Two kinds of program:
 * - `randomCase`: instructions from the encodings (privileged, CSR and memory ones weighted up,
 *   CSR numbers biased to implemented CSRs), registers biased to addresses in the mapped pages,
 *   page-table entries, devices, and values for mstatus and satp;
 * - `pagingCase`: operations that stress the shadow page tables — loads, stores and AMOs on the
 *   mapped pages, stores of new entries into the guest's page tables, SUM/MXR/MPRV/MPP and satp
 *   changes, mret/sret/ecall/sfence.vma and jumps into data pages — with the registers they use
 *   set up in the initial state.
 */
import fc from 'fast-check';
import { createAssembler } from '../../src/isa/assembler.js';
import { createDecoder } from '../../src/isa/decoder.js';
import { instructionArbitrary, programWords, type ProgramInstruction } from '../../src/fuzz/arbitraries.js';
import type { GuestCase } from '../../src/fuzz/fidelity.js';
import type { Isa } from '../../src/isa/model.js';

/** Guest-physical layout, in bytes from the RAM base. */
export const CODE = 0x1000;
const ROOT = 0x2000;
const LEAVES = 0x3000;
/** Pages 0..MAPPED-1 of the RAM are described by the leaf table. */
const MAPPED = 8;
const UART = 0x1000_0000;
const CLINT = 0x0200_0000;
const MTIME_MAX = (1n << 64n) - 1n;
/**
 * Trap handlers, in bytes from the RAM base (after the program's repetitions): each steps past the
 * trapping instruction and returns to the mode it came from, or goes on in the handler's mode.
 */
const M_HANDLER = CODE + 0x800;
const S_HANDLER = CODE + 0x810;
const M_STAY = CODE + 0x820;
const S_STAY = CODE + 0x830;

// mstatus bits that matter: SIE MIE SPIE MPIE SPP MPP MPRV SUM MXR TVM TW TSR.
const MSTATUS_BITS = 0x007e19aan;
const word = fc.bigInt({ min: 0n, max: 0xffff_ffffn });
// TSR (bit 22), which makes SRET illegal in S-mode and so traps every S-mode trap handler's return, rarely.
const mstatus = fc.tuple(word, fc.integer({ min: 0, max: 7 })).map(([v, tsr]) => v & MSTATUS_BITS & (tsr === 0 ? 0xffff_ffffn : ~(1n << 22n)));

/** The storage bytes of a 32-bit word at byte `offset`. */
const wordBytes = (offset: number, value: bigint): [number, bigint][] => [0, 1, 2, 3].map((i) => [offset + i, (value >> BigInt(8 * i)) & 0xffn]);

export function caseArbitraries(isa: Isa): { randomCase: fc.Arbitrary<GuestCase>; pagingCase: fc.Arbitrary<GuestCase> } {
  const RAM = isa.board!.ram.base;
  const PAGE0 = RAM >>> 12;
  const SV32 = (1n << 31n) | BigInt((RAM + ROOT) >>> 12);
  const satp = fc.oneof({ weight: 3, arbitrary: fc.constant(SV32) }, { weight: 2, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: word });
  const pteAddress = (i: number): number => (i < 0 ? RAM + ROOT + 4 * (RAM >>> 22) : RAM + LEAVES + 4 * i);

  /** A page-table entry to page `ppn`: mostly a valid entry with A set, sometimes anything. */
  const pte = (ppn: fc.Arbitrary<number>): fc.Arbitrary<bigint> =>
    fc.tuple(ppn, fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 0, max: 9 }))
      .map(([p, flags, bias]) => (BigInt(p) << 10n) | BigInt(bias < 7 ? flags | 0x41 : flags));
  const ramPage = fc.integer({ min: 0, max: MAPPED - 1 }).map((p) => PAGE0 + p);
  /**
   * Leaf i maps page i to itself, mostly; the program's page is mostly executable and the page
   * tables' pages mostly readable and writable (so that a guest can change its own tables). A
   * permissive leaf grants everything but U mostly (paging cases keep running in S-mode so).
   */
  const leaf = (i: number, permissive: boolean): fc.Arbitrary<bigint> =>
    fc.tuple(pte(fc.oneof({ weight: 3, arbitrary: fc.constant(PAGE0 + i) }, { weight: 1, arbitrary: ramPage })), fc.integer({ min: 0, max: 7 }))
      .map(([e, x]) => {
        if (permissive && (x > 1 || i === CODE >>> 12)) return (e & ~0xffn) | (x === 7 ? 0xdfn : 0xcfn);
        if (x === 0) return e;
        return i === CODE >>> 12 ? e | 0x8n : i === ROOT >>> 12 || i === LEAVES >>> 12 ? e | 0xc7n : e;
      });

  /**
   * The first words of every data page differ from page to page (so an access through a wrong
   * mapping shows), and read as valid entries (should a page become a page table).
   */
  const contents: [number, bigint][] = [0, 4, 5, 6, 7].flatMap((p) => [0xcf, 0xdf, 0x0f, 0x41].flatMap((flags, k) =>
    wordBytes(p * 0x1000 + 4 * k, (BigInt(PAGE0 + ((p + k + 1) % MAPPED)) << 10n) | BigInt(flags))));
  const tables = (permissive: boolean): fc.Arbitrary<[number, bigint][]> => fc.record({
    // The root entry for the RAM's 4 MiB: a pointer to the leaf table, or a megapage leaf.
    ram: fc.oneof({ weight: 4, arbitrary: fc.constant((BigInt((RAM + LEAVES) >>> 12) << 10n) | 1n) }, { weight: 1, arbitrary: pte(fc.constant(PAGE0)) }),
    uart: pte(fc.constant(UART >>> 12)),
    other: fc.tuple(fc.integer({ min: 0, max: 1023 }), pte(ramPage)),
    leaves: fc.tuple(...Array.from({ length: MAPPED }, (_, i) => leaf(i, permissive))),
    data: fc.array(fc.tuple(fc.integer({ min: 0, max: MAPPED * 0x1000 - 1 }), fc.bigInt({ min: 0n, max: 0xffn })), { maxLength: 8 }),
  }).map(({ ram, uart, other, leaves, data }): [number, bigint][] => [
    ...contents,
    ...data.filter(([o]) => o < CODE || o >= CODE + 0x1000),
    ...wordBytes(ROOT + 4 * (RAM >>> 22), ram),
    ...wordBytes(ROOT + 4 * (UART >>> 22), uart),
    ...wordBytes(ROOT + 4 * other[0], other[1]),
    ...leaves.flatMap((e, i) => wordBytes(LEAVES + 4 * i, e)),
  ]);

  /** An address in the program (a trap vector, a return address), with random low bits. */
  const inProgram = (words: number): fc.Arbitrary<bigint> =>
    fc.tuple(fc.integer({ min: 0, max: words - 1 }), fc.integer({ min: 0, max: 3 })).map(([i, low]) => BigInt(RAM + CODE + 4 * i + low));
  /** A trap vector: mostly a handler that steps past the trapping instruction, or into the program. */
  const vector = (handler: number, stay: number, words: number): fc.Arbitrary<bigint> =>
    fc.oneof({ weight: 2, arbitrary: fc.constant(BigInt(RAM + handler)) }, { weight: 1, arbitrary: fc.constant(BigInt(RAM + stay)) }, { weight: 1, arbitrary: inProgram(words) });
  const sometimes = (a: fc.Arbitrary<bigint>): fc.Arbitrary<bigint> => fc.oneof({ weight: 3, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: a });
  const delegation = fc.oneof({ weight: 2, arbitrary: fc.constant(0xffff_ffffn) }, { weight: 1, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: word });
  /** The CSRs and counters of a case, and the mode it starts in. */
  const control = (words: number, modes: readonly bigint[]) => ({
    mode: fc.constantFrom(...modes),
    mstatus, satp,
    // Interrupts enabled and pending now and then: the handlers do not clear them, so they would take over.
    medeleg: delegation, mideleg: delegation, mie: sometimes(word), mip: sometimes(word),
    mtvec: vector(M_HANDLER, M_STAY, words), stvec: vector(S_HANDLER, S_STAY, words), mepc: inProgram(words), sepc: inProgram(words),
    mcounteren: word, scounteren: word,
    reservationValid: fc.constantFrom(0n, 1n),
    // mtime just short of mtimecmp's reset value (all ones) makes the timer fire mid-run.
    mtime: fc.oneof(fc.constant(0n), fc.integer({ min: 0, max: 300 }).map((k) => MTIME_MAX - BigInt(k))),
  });
  const asState = (s: Record<string, bigint | readonly bigint[]>): ReadonlyMap<string, readonly bigint[]> =>
    new Map(Object.entries(s).map(([name, v]) => [name, typeof v === 'bigint' ? [v] : v]));

  /**
   * The program repeated after itself up to `words` words, and the trap handlers: each steps
   * its epc past the trapping instruction and returns, as a kernel that emulates or skips it.
   */
  const { encode } = createAssembler(isa);
  const handler = (at: number, lines: readonly string[]): [number, bigint][] => lines.flatMap((line, i) => wordBytes(at + 4 * i, encode(line)));
  const handlers = [
    ...handler(M_HANDLER, ['csrrs x7, 0x341, x0', 'addi x7, x7, 4', 'csrrw x0, 0x341, x7', 'mret']),
    ...handler(S_HANDLER, ['csrrs x7, 0x141, x0', 'addi x7, x7, 4', 'csrrw x0, 0x141, x7', 'sret']),
    ...handler(M_STAY, ['csrrs x7, 0x341, x0', 'addi x7, x7, 4', 'jalr x0, 0(x7)']),
    ...handler(S_STAY, ['csrrs x7, 0x141, x0', 'addi x7, x7, 4', 'jalr x0, 0(x7)']),
  ];
  const repeated = (program: readonly ProgramInstruction[], words: number): [number, bigint][] => {
    const w = programWords(isa, program).map((x) => x.word);
    const out: [number, bigint][] = [...handlers];
    for (let at = w.length; at < words; at++) out.push(...wordBytes(CODE + 4 * at, w[at % w.length]!));
    return out;
  };

  // ---------------------------------------------------------------- random instructions
  const SYSTEM = new Set(['csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci', 'mret', 'sret', 'wfi', 'sfence.vma', 'ecall', 'ebreak']);
  const MEMORY = new Set(['lb', 'lh', 'lw', 'lbu', 'lhu', 'sb', 'sh', 'sw', 'lr.w', 'sc.w', 'amoswap.w', 'amoadd.w', 'amoor.w', 'amomaxu.w']);
  const weight = (i: number): number => {
    const name = isa.instructions[i]!.name;
    return SYSTEM.has(name) ? 8 : MEMORY.has(name) ? 6 : 1;
  };
  const CSRS = [...isa.constants.values()].filter((c) => c.name.startsWith('CSR_')).map((c) => c.value);
  const instruction = fc.tuple(instructionArbitrary(isa, weight), fc.constantFrom(...CSRS), fc.boolean()).map(([p, csr, keep]) => {
    const at = isa.instructions[p.index]!.encoding.fields.findIndex((f) => f.name === 'csr');
    return at < 0 || keep ? p : { index: p.index, fields: p.fields.map((v, i) => (i === at ? csr : v)) };
  });
  const register = fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.integer({ min: 0, max: MAPPED - 1 }), fc.integer({ min: 0, max: 0x3ff })).map(([p, o]) => BigInt(RAM + p * 0x1000 + 4 * o)) },
    { weight: 4, arbitrary: fc.integer({ min: -1, max: MAPPED - 1 }).map((i) => BigInt(pteAddress(i))) },
    { weight: 2, arbitrary: fc.constantFrom(BigInt(UART), BigInt(UART + 5), BigInt(CLINT + 0x4000), BigInt(CLINT + 0xbff8), BigInt(RAM + 0x40_0000), 0x40_0000n) },
    { weight: 2, arbitrary: fc.oneof(mstatus, satp) },
    { weight: 2, arbitrary: word },
    { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: 16n }) },
  );
  const RANDOM_WORDS = 64;
  const randomCase: fc.Arbitrary<GuestCase> = fc.record({
    program: fc.array(instruction, { minLength: 1, maxLength: 16 }),
    state: fc.record({ X: fc.array(register, { minLength: 32, maxLength: 32 }), mscratch: register, reservation: register, ...control(RANDOM_WORDS, [0n, 1n, 1n, 3n]) }).map(asState),
    memory: tables(false),
  }).map((c) => ({ ...c, memory: [...c.memory, ...repeated(c.program, RANDOM_WORDS)] }));

  // ---------------------------------------------------------------- paging operations
  // Registers: x8+i the address of a word in page i; x16+i the address of leaf entry i, x24 of
  // the root entry for the RAM; x25-x28 entries to store; x29 mstatus bits; x30 a satp value.
  const { decode } = createDecoder(isa);
  const assemble = (line: string): ProgramInstruction => {
    const d = decode(Number(encode(line)))!;
    return { index: d.index, fields: d.fields.map((f) => BigInt(f)) };
  };
  const page = fc.integer({ min: 0, max: MAPPED - 1 });
  const offset = fc.constantFrom(0, 4, 8, 1, 2);
  const operation: fc.Arbitrary<string> = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom('lw', 'lbu', 'lb', 'lhu'), page, offset).map(([op, p, o]) => `${op} x5, ${o}(x${8 + p})`) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom('sw', 'sb', 'sh'), page, offset).map(([op, p, o]) => `${op} x6, ${o}(x${8 + p})`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('amoadd.w', 'amoswap.w', 'lr.w', 'sc.w'), page).map(([op, p]) => (op === 'lr.w' ? `lr.w x5, (x${8 + p})` : `${op} x5, x6, (x${8 + p})`)) },
    { weight: 3, arbitrary: fc.tuple(fc.integer({ min: -1, max: MAPPED - 1 }), fc.integer({ min: 25, max: 28 })).map(([i, v]) => `sw x${v}, 0(x${i < 0 ? 24 : 16 + i})`) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: MAPPED - 1 }), fc.integer({ min: 25, max: 28 })).map(([i, v]) => `amoor.w x0, x${v}, (x${16 + i})`) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom('csrrs', 'csrrc', 'csrrw'), fc.constantFrom(0x300, 0x100)).map(([op, csr]) => `${op} x0, ${csr}, x29`) },
    { weight: 2, arbitrary: fc.constantFrom('csrrw x0, 0x180, x30', 'csrrs x7, 0x180, x0', 'sfence.vma x0, x0') },
    // A trap handler's way on: return past the trapping instruction.
    { weight: 2, arbitrary: fc.constantFrom('csrrw x0, 0x141, x31', 'csrrw x0, 0x341, x31') },
    { weight: 3, arbitrary: fc.constantFrom('mret', 'sret', 'ecall', 'ebreak') },
    { weight: 1, arbitrary: page.map((p) => `jalr x1, 0(x${8 + p})`) },
  );
  // A new entry: a leaf (to a RAM page, past the RAM, or the UART), or a pointer to a RAM page.
  const entry = fc.oneof(
    { weight: 3, arbitrary: pte(fc.oneof(ramPage, fc.constant(PAGE0 + 0x400), fc.constant(UART >>> 12))) },
    { weight: 1, arbitrary: ramPage.map((p) => (BigInt(p) << 10n) | 1n) },
  );
  const PAGING_WORDS = 128;
  const pagingCase: fc.Arbitrary<GuestCase> = fc.record({
    program: fc.array(operation.map(assemble), { minLength: 4, maxLength: 40 }),
    state: fc.record({
      page: fc.tuple(...Array.from({ length: MAPPED }, (_, i) => fc.integer({ min: 0, max: 3 }).map((o) => BigInt(RAM + i * 0x1000 + 4 * o)))),
      entries: fc.tuple(entry, entry, entry, word),
      x29: fc.oneof(mstatus, fc.constantFrom(1n << 18n, 1n << 19n, 1n << 17n, 3n << 11n, 1n << 11n, 1n << 8n)),
      x30: satp,
      x31: inProgram(PAGING_WORDS),
      ...control(PAGING_WORDS, [1n, 3n]),
    }).map(({ page: pages, entries, x29, x30, x31, ...rest }) => {
      const X = Array.from({ length: 32 }, (_, i) => BigInt(i * 0x1111_1111 % 2 ** 32));
      pages.forEach((a, i) => { X[8 + i] = a; X[16 + i] = BigInt(pteAddress(i)); });
      X[24] = BigInt(pteAddress(-1));
      entries.forEach((e, i) => { X[25 + i] = e; });
      X[29] = x29;
      X[30] = x30;
      X[31] = x31;
      return asState({ X, ...rest });
    }),
    memory: tables(true),
  }).map((c) => ({ ...c, memory: [...c.memory, ...repeated(c.program, PAGING_WORDS)] }));

  return { randomCase, pagingCase };
}
