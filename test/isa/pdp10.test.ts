/**
 * pdp10 (isas/pdp10.yaml), the PDP-10 with the KA10 processor: the description loads and checks;
 * the accumulators are memory 0-17; JRST 1, enters user mode from the executive and is a plain jump
 * in user mode (P&G's example); UUOs, relocation and protection behave as the System Reference
 * Manual says; and the guest in guests/pdp10 assembles to its committed image and halts with its code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble, flatImage } from '../../src/isa/assembler.js';
import { unitsOfImage } from '../../src/isa/disassembler.js';
import { loadIsa } from '../../src/isa/load.js';
import type { StateElement } from '../../src/isa/model.js';
import { Machine, type StepResult } from '../../src/machine/machine.js';
import { runMachine } from '../../src/machine/run.js';
import { checkIsa } from '../../src/semantics/check-isa.js';

const root = join(import.meta.dirname, '../..');
const checked = checkIsa(loadIsa(join(root, 'isas/pdp10.yaml')));
const isa = checked.isa;
const reg = (name: string): StateElement => {
  const e = isa.state.get(name);
  if (e === undefined) throw new Error(`pdp10 has no state element ${name}`);
  return e;
};
const USER = isa.mode;
const USERIO = reg('USERIO');
const APR = reg('APR');
const PI = reg('PI');
const FLAGS = reg('flags');

/** The User flag's values (PC-word bit 5). */
const USER_MODE = 1;
const EXECUTIVE = 0;
/** APR.MPV: CONI APR bit 22. */
const APR_MPV = 1 << 13;
/** PC-word bit 5 (User) in a 36-bit word. */
const PC_WORD_USER = 1n << 30n;

/** A machine with `source` assembled into storage, at reset (executive mode, PC 0). */
function boot(source: string, engine: 'compiled' | 'reference' = 'compiled'): Machine {
  const machine = new Machine(checked, { engine });
  const program = assemble(isa, source, 'test.s');
  machine.ram.loadUnits(program.origin, program.units);
  return machine;
}

function word(machine: Machine, address: number): bigint {
  return BigInt(machine.ram.read(address, 36) ?? -1);
}

function read(machine: Machine, elem: StateElement): number {
  return Number(machine.interp.readReg(elem));
}

/** Step until the first result that is not `retired` and return it. */
function untilEvent(machine: Machine, budget = 200): StepResult {
  for (let i = 0; i < budget; i++) {
    const r = machine.step();
    if (r.kind !== 'retired') return r;
  }
  throw new Error('nothing but retired instructions within the budget');
}

/**
 * Low storage for the laws: 41 and 61 hold JSRs to handlers that halt with 0x3F001 (MUUO) and
 * 0x3F003 (unassigned), 42 (channel 1's interrupt) one that halts with 0x3F002; `relocw` is the
 * DATAO APR word for a 1K-word low segment at physical 1024 (PL = 0, RL = 1).
 */
const LOW = `
        .org 0
        JRST 0, @0 start(0)
        .org 32
        .word 0
        JSR 0, @0 muuoh(0)
        JSR 0, @0 aprh(0)
        .org 48
        .word 0
        JSR 0, @0 unash(0)
        .org 64
muuoh:  .word 0
        JRST 4, @0 0x3F001(0)
aprh:   .word 0
        JRST 4, @0 0x3F002(0)
unash:  .word 0
        JRST 4, @0 0x3F003(0)
relocw: .word 0x400
`;

describe('pdp10: the description', () => {
  it('loads and checks: 36-bit words, 18-bit addresses, 256 Ki words, modes user < executive', () => {
    expect(isa.name).toBe('pdp10');
    expect([isa.unit, isa.instructionWidth, isa.addressWidth, isa.physicalAddressWidth]).toEqual([36, 36, 18, 18]);
    expect(isa.modes.map((m) => m.name)).toEqual(['user', 'executive']);
    expect(isa.userMode.name).toBe('user');
    expect(['PL', 'PH', 'WPH', 'RL', 'RH'].map((n) => reg(n).role)).toEqual(Array(5).fill('relocation'));
    expect(USERIO.role).toBe('control');
    expect(isa.board?.ram).toEqual({ base: 0, size: 262144 });
    // The VMM: user programs without User In-out, the two-segment registers composed with each guest's storage.
    expect(isa.vmm?.settings.map((s) => [s.element, s.value])).toEqual([['USERIO', 0n]]);
    expect(isa.vmm?.allocator).toMatchObject({ kind: 'two-segment', granule: 1024, accumulators: 16 });
    expect(checked.instructions).toHaveLength(isa.instructions.length);
  });

  it('every cause has its own code; the protection violation is the only memory trap', () => {
    const causes = [...isa.causes.values()];
    expect(new Set(causes.map((c) => c.code)).size).toBe(causes.length);
    expect(causes.filter((c) => c.memory).map((c) => c.name)).toEqual(['MemoryProtection']);
    expect(causes.filter((c) => c.interrupt).map((c) => c.name)).toEqual(['APRInterrupt']);
    expect(isa.illegalInstruction.name).toBe('NotImplemented');
  });

  it('resets to executive mode at PC 0, unrelocated, with the PI system off', () => {
    const m = new Machine(checked);
    expect(read(m, USER)).toBe(EXECUTIVE);
    expect(m.pc).toBe(0);
    expect(read(m, PI)).toBe(0);
  });
});

describe('pdp10: the accumulators are memory locations 0-17', () => {
  it('AC n and memory word n are the same storage, as operand and as index register', () => {
    const m = boot(`
        .org 0
        JRST 0, @0 start(0)
        .org 64
start:  MOVEI 3, @0 5(0)        ; AC3 = 5
        MOVE 4, @0 3(0)         ; E = 3 is AC3
        MOVEM 4, @0 7(0)        ; E = 7 is AC7
        MOVE 6, @0 100(3)       ; E = 100 + C(AC3) = 105
        .org 105
        .word 77
`);
    for (let i = 0; i < 5; i++) expect(m.step()).toEqual({ kind: 'retired' });
    expect([word(m, 3), word(m, 4), word(m, 7), word(m, 6)]).toEqual([5n, 5n, 5n, 77n]);
  });

  it('a program can run in the accumulators', () => {
    const m = boot(`
        .org 0
        JRST 0, @0 2(0)
        .org 2
        MOVEI 1, @0 42(0)       ; runs from AC2
        JRST 4, @0 0(1)         ; AC3: HALT with E = C(AC1) = 42
`);
    expect(runMachine(m, 10)).toMatchObject({ kind: 'halted', code: 42 });
  });

  it('in user mode addresses below 20 (octal) are the accumulators, neither relocated nor protected', () => {
    const m = boot(`${LOW}
        .org 128
start:  DATAO 0, @0 relocw(0)
        JRST 1, @0 96(0)        ; user 140 = physical 1120
        .org 1120
        MOVEI 5, @0 42(0)
        MOVEM 5, @0 3(0)        ; AC3, physical 3
        MOVEM 5, @0 20(0)       ; user 24 (octal), physical 1044
`);
    for (let i = 0; i < 6; i++) expect(m.step()).toEqual({ kind: 'retired' });
    expect(read(m, USER)).toBe(USER_MODE);
    expect([word(m, 3), word(m, 1044), word(m, 20)]).toEqual([42n, 42n, 0n]);
  });
});

describe('pdp10: JRST 1, and the other JRST functions (SRM p. 2-57; P&G)', () => {
  it('JRST 1, in executive mode enters user mode: E is then a relocated user address', () => {
    const m = boot(`${LOW}
        .org 128
start:  DATAO 0, @0 relocw(0)
        JRST 1, @0 96(0)
        .org 1120
        MOVEI 1, @0 7(0)
`);
    m.step();                                              // JRST start
    expect(m.step()).toEqual({ kind: 'retired' });         // DATAO APR
    expect(read(m, USER)).toBe(EXECUTIVE);
    expect(m.pc).toBe(129);
    expect(m.step()).toEqual({ kind: 'retired' });         // JRST 1,
    expect(read(m, USER)).toBe(USER_MODE);
    expect(m.pc).toBe(96);
    expect(m.step()).toEqual({ kind: 'retired' });       // fetched from physical 1120
    expect(word(m, 1)).toBe(7n);
  });

  it('JRST 1, in user mode does not trap: it is a plain jump and the program stays in user mode', () => {
    const m = boot(`${LOW}
        .org 128
start:  DATAO 0, @0 relocw(0)
        JRST 1, @0 96(0)
        .org 1120
        JRST 1, @0 200(0)       ; user 310 (octal)
        .org 1224
        MOVEI 2, @0 9(0)
`);
    for (let i = 0; i < 3; i++) m.step();
    expect(read(m, USER)).toBe(USER_MODE);
    expect(m.step()).toEqual({ kind: 'retired' });
    expect(read(m, USER)).toBe(USER_MODE);
    expect(m.pc).toBe(200);
    expect(m.step()).toEqual({ kind: 'retired' });
    expect(word(m, 2)).toBe(9n);
  });

  it('JRSTF restores the flags and User from the last word of the address calculation; a user cannot leave user mode with it', () => {
    const m = boot(`${LOW}
        .org 128
start:  DATAO 0, @0 relocw(0)
        JRST 2, @1 upc(0)       ; JRSTF @UPC: AROV (bit 0), User (bit 5) and PC 140 from UPC
upc:    .word 0x840000060       ; 410000,,140 (octal)
        .org 1120
        JRST 2, @1 18(0)        ; JRSTF @USER 22 (octal): a word with User = 0
        .org 1042
        .word 0x000000064       ; 0,,144: flags all 0
`);
    m.step();
    m.step();
    m.step();
    expect(read(m, USER)).toBe(USER_MODE);
    expect(m.pc).toBe(96);
    expect(read(m, FLAGS) >> 12).toBe(1);                 // Overflow
    expect(m.step()).toEqual({ kind: 'retired' });
    expect(read(m, USER)).toBe(USER_MODE);                 // a 0 in bit 5 has no effect
    expect(read(m, FLAGS)).toBe(0);
    expect(m.pc).toBe(100);
  });

  it('a 0 in bit 6 clears User In-out even in user mode; a 1 sets it only in executive mode', () => {
    const m = boot(`${LOW}
        .org 128
start:  DATAO 0, @0 relocw(0)
        JRST 2, @1 upc(0)       ; User and User In-out from the executive
upc:    .word 0x060000060       ; 014000,,140 (octal): bits 5 and 6
        .org 1120
        JRST 2, @1 18(0)
        JRST 2, @1 19(0)
        .org 1042
        .word 0x040000061       ; 010000,,141: User, not User In-out
        .word 0x060000062       ; 014000,,142: asks for User In-out again
`);
    for (let i = 0; i < 3; i++) m.step();
    expect([read(m, USER), read(m, USERIO)]).toEqual([USER_MODE, 1]);
    m.step();
    expect([read(m, USER), read(m, USERIO)]).toEqual([USER_MODE, 0]);
    m.step();
    expect([read(m, USER), read(m, USERIO), m.pc]).toEqual([USER_MODE, 0, 98]);
  });

  it('HALT (JRST 4,) stops an executive program with E as the code; in user mode it is executed as an MUUO', () => {
    expect(runMachine(boot(`${LOW}
        .org 128
start:  JRST 4, @0 0x123(0)
`), 10)).toMatchObject({ kind: 'halted', code: 0x123 });

    const m = boot(`${LOW}
        .org 128
start:  DATAO 0, @0 relocw(0)
        JRST 1, @0 96(0)
        .org 1120
        JRST 4, @0 0x77(0)
`);
    expect(untilEvent(m)).toMatchObject({ kind: 'trap', cause: { name: 'MUUO' }, pc: 96 });
    // 40: code 254, A = 4, E = 77: 530200,,000077 (octal).
    expect(word(m, 32)).toBe((0o254n << 27n) | (4n << 23n) | 0x77n);
    // 41 (JSR MUUOH) saved the PC word: User = 1, PC = the HALT + 1; the Monitor runs unrelocated.
    expect(word(m, 64)).toBe(PC_WORD_USER | 97n);
    expect(read(m, USER)).toBe(EXECUTIVE);
    expect(m.pc).toBe(65);
    expect(runMachine(m, 10)).toMatchObject({ kind: 'halted', code: 0x3f001 });
  });
});

describe('pdp10: UUOs (SRM p. 2-64)', () => {
  it('an MUUO stores code, A and E in unrelocated 40 and executes 41, in executive mode too', () => {
    const m = boot(`${LOW}
        .org 128
start:  MUUO 7, 3, @0 0x55(0)   ; CALLI 3,55
`);
    m.step();
    expect(untilEvent(m)).toMatchObject({ kind: 'trap', cause: { name: 'MUUO' }, pc: 128 });
    expect(word(m, 32)).toBe((0o047n << 27n) | (3n << 23n) | 0x55n);
    expect(word(m, 64)).toBe(129n);                        // executive: User = 0 in the PC word
  });

  it('an LUUO in a user program uses relocated 40 and 41 and stays in user mode', () => {
    const m = boot(`${LOW}
        .org 128
start:  DATAO 0, @0 relocw(0)
        JRST 1, @0 96(0)
        .org 1056               ; user 40, 41
        .word 0
        JSR 0, @0 50(0)         ; user 62: the user's own UUO handler
        .org 1120
        LUUO 1, 2, @0 0x33(0)
`);
    for (let i = 0; i < 3; i++) m.step();
    expect(m.step()).toEqual({ kind: 'retired' });
    expect(read(m, USER)).toBe(USER_MODE);
    expect(word(m, 1024 + 32)).toBe((1n << 27n) | (2n << 23n) | 0x33n);
    expect(word(m, 1024 + 50)).toBe(PC_WORD_USER | 97n);
    expect(word(m, 32)).toBe(0n);                          // unrelocated 40 untouched
    expect(m.pc).toBe(51);
  });

  it('an instruction this model does not implement goes through unrelocated 60 and 61', () => {
    const m = boot(`${LOW}
        .org 128
start:  .word 0x320800010       ; FADR 1,20 (144 octal): a KA10 instruction this model lacks
`);
    m.step();
    expect(untilEvent(m)).toMatchObject({ kind: 'trap', cause: { name: 'NotImplemented' } });
    expect(word(m, 48)).toBe((0o144n << 27n) | (1n << 23n) | 0x10n);
    expect(runMachine(m, 10)).toMatchObject({ kind: 'halted', code: 0x3f003 });
  });
});

describe('pdp10: relocation and protection (SRM §2.15)', () => {
  it('an address past the protection limit in user mode is a memory trap; the program goes on with the next instruction', () => {
    const m = boot(`${LOW}
        .org 128
start:  DATAO 0, @0 relocw(0)
        JRST 1, @0 96(0)
        .org 1120
        MOVE 1, @0 1023(0)      ; the last word of the segment: physical 2047
        MOVE 2, @0 1024(0)      ; the first word past it
        MOVEI 3, @0 1(0)
        .org 2047
        .word 5
`);
    expect(untilEvent(m)).toMatchObject({ kind: 'trap', cause: { name: 'MemoryProtection' }, pc: 97 });
    expect(word(m, 1)).toBe(5n);
    expect(word(m, 2)).toBe(0n);
    expect(read(m, APR) & APR_MPV).toBe(APR_MPV);
    expect(m.pc).toBe(98);                                 // the PI system is off: no interrupt
    expect(m.step()).toEqual({ kind: 'retired' });
    expect(word(m, 3)).toBe(1n);
  });

  it('with the APR on channel 1 and the channel on, the violation interrupts through 42 (40 + 2·1)', () => {
    const m = boot(`${LOW}
        .org 128
start:  DATAO 0, @0 relocw(0)
        CONO 0, @0 1(0)         ; APR on channel 1
        CONO 4, @0 0x04C0(0)    ; PI on (200), channel 1 (100) on (2000)
        JRST 1, @0 96(0)
        .org 1120
        SETZM 0, @0 0x3000(0)   ; a write far outside the segment
`);
    expect(untilEvent(m)).toMatchObject({ kind: 'trap', cause: { name: 'MemoryProtection' }, pc: 96 });
    expect(untilEvent(m)).toMatchObject({ kind: 'trap', cause: { name: 'APRInterrupt' }, pc: 97 });
    expect(word(m, 66)).toBe(PC_WORD_USER | 97n);          // JSR APRH: the interrupted user PC word
    expect(read(m, USER)).toBe(EXECUTIVE);
    expect(read(m, PI) >> 8).toBe(0b1000000);              // channel 1 held until JEN
    expect(runMachine(m, 10)).toMatchObject({ kind: 'halted', code: 0x3f002 });
  });

  it('a write-protected high segment can be read but not written', () => {
    const m = boot(`${LOW}
        .org 128
start:  DATAO 0, @0 twoseg(0)
        JRST 1, @0 96(0)
; PL 0, PH 200 (block 400000..401777), write protect, RL 1, RH 202: user 400000 + a ↦ physical
; (400000 + a + 202·2000) mod 2^18 = 4000 + a (octal)
twoseg: .word 0x4040504
        .org 1120
        MOVE 1, @0 0x20005(0)   ; user 400005: the high segment, physical 4005
        MOVEM 1, @0 0x20005(0)
        .org 0x805
        .word 11
`);
    m.step();
    m.step();
    m.step();
    expect(m.step()).toEqual({ kind: 'retired' });
    expect(word(m, 1)).toBe(11n);
    expect(untilEvent(m)).toMatchObject({ kind: 'trap', cause: { name: 'MemoryProtection' }, pc: 97 });
    expect(word(m, 0x805)).toBe(11n);
  });
});

describe('pdp10: effective address, in-out and arithmetic', () => {
  it('indexing adds C(X)right; indirection takes I, X and Y from the word at E', () => {
    const m = boot(`
        .org 0
        JRST 0, @0 start(0)
        .org 64
start:  MOVEI 2, @0 3(0)
        MOVE 1, @1 ptr(2)       ; E = C(ptr + 3) = 0,,200 with X = 2: 203
        .org 103
        .word 0x0000800C8       ; I = 0, X = 2, Y = 200
        .org 203
        .word 1234
        .org 100
ptr:    .word 0
`);
    m.step();
    m.step();
    m.step();
    expect(word(m, 1)).toBe(1234n);
  });

  it('an indirect loop hangs: after 64 indirect words IndirectLimit, and the instruction runs again', () => {
    const m = boot(`
        .org 0
        JRST 0, @0 start(0)
        .org 64
start:  MOVE 1, @1 loop(0)
loop:   .word 0x400041          ; I = 1, Y = loop (101 octal): itself
`);
    m.step();
    expect(m.step()).toMatchObject({ kind: 'trap', cause: { name: 'IndirectLimit' }, pc: 64 });
    expect(m.pc).toBe(64);
    expect(m.step()).toMatchObject({ kind: 'trap', cause: { name: 'IndirectLimit' }, pc: 64 });
  });

  it('in-out instructions are MUUOs in user mode unless User In-out is set', () => {
    const source = (flags: string): string => `${LOW}
        .org 128
start:  DATAO 0, @0 relocw(0)
        JRST 2, @1 upc(0)
upc:    .word ${flags}
        .org 1120
        CONO 0, @0 5(0)         ; APR on channel 5
`;
    const plain = boot(source('0x040000060'));       // 010000,,140: User
    expect(untilEvent(plain)).toMatchObject({ kind: 'trap', cause: { name: 'MUUO' }, pc: 96 });
    expect(read(plain, APR) & 7).toBe(0);
    const trusted = boot(source('0x060000060'));     // 014000,,140: User and User In-out
    for (let i = 0; i < 4; i++) expect(trusted.step()).toEqual({ kind: 'retired' });
    expect(read(trusted, APR) & 7).toBe(5);
  });

  it('ADD sets Carry 1 and Overflow when the sum passes 2^35 − 1; SUB of equal words sets both carries', () => {
    const m = boot(`
        .org 0
        JRST 0, @0 start(0)
        .org 64
start:  MOVE 1, @0 big(0)
        ADDI 1, @0 1(0)
        JFCL 0b1111, @0 next(0) ; clear Overflow and the carries
next:   MOVE 2, @0 big(0)
        SUB 2, @0 big(0)
big:    .word 0x7FFFFFFFF       ; 2^35 − 1
`);
    m.step();
    m.step();
    m.step();
    expect(read(m, FLAGS) >> 10).toBe(0b101);             // Overflow, Carry 1
    m.step();
    m.step();
    m.step();
    expect(read(m, FLAGS) >> 10).toBe(0b011);             // Carry 0 and Carry 1, no overflow
    expect(word(m, 2)).toBe(0n);
  });
});

describe('pdp10 guests (guests/pdp10)', () => {
  const guests: readonly (readonly [string, number])[] = [['monitor', 0x737]];

  it.each(guests)('%s.bin is what its source assembles to', (name) => {
    const source = readFileSync(join(root, 'guests/pdp10', `${name}.s`), 'utf8');
    const image = flatImage(isa, assemble(isa, source, `${name}.s`));
    expect(Buffer.from(image).equals(readFileSync(join(root, 'guests/pdp10', `${name}.bin`)))).toBe(true);
  });

  it.each(guests)('%s halts with code %i on the bare machine, with both engines', (name, code) => {
    for (const engine of ['compiled', 'reference'] as const) {
      const machine = new Machine(checked, { engine });
      // A flat image holds each 36-bit word in 5 bytes; placeImage takes whole-byte units only.
      machine.ram.loadUnits(isa.board?.ram.base ?? 0, unitsOfImage(isa, readFileSync(join(root, 'guests/pdp10', `${name}.bin`))));
      expect(runMachine(machine, 10_000)).toMatchObject({ kind: 'halted', code });
    }
  });
});
