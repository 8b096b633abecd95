/**
 * ARMv7-A (isas/armv7a.yaml): the description loads and checks, the guest in guests/armv7a prints
 * what it should and passes, and the instructions that make ARMv7-A fail Popek and Goldberg's
 * Theorem 1 behave as the ARM ARM (DDI 0406C.c) says: CPS and MSR in User mode change nothing
 * they may not and do not trap, MRS shows the mode, SVC and the other exceptions enter their
 * modes with the manual's LR and SPSR. Instruction words are written out in hex with the GNU
 * assembly each one is (checked with arm-none-eabi-objdump), so the tests need no toolchain.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StateElement } from '../../src/isa/model.js';
import { Machine, type StepResult } from '../../src/machine/machine.js';
import { loadGuestImage, placeImage } from '../../src/machine/image.js';
import { runMachine } from '../../src/machine/run.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';

const root = join(import.meta.dirname, '../..');
const checked = loadCheckedIsa(join(root, 'isas/armv7a.yaml'));
const isa = checked.isa;

function element(name: string): StateElement {
  const e = isa.state.get(name);
  if (e === undefined) throw new Error(`armv7a has no state element ${name}`);
  return e;
}
const R = element('R');
const Rbank = element('Rbank');
const APSR = element('APSR');
const CPSR = element('CPSR');
const SPSR = element('SPSR');
const SCTLR = element('SCTLR');
const DFSR = element('DFSR');
const DFAR = element('DFAR');
const ISETSTATE = element('ISETSTATE');

/** CPSR.M encodings (B1.3.1). */
const MODE = { usr: 0x10, fiq: 0x11, irq: 0x12, svc: 0x13, abt: 0x17, und: 0x1b, sys: 0x1f } as const;
/** Indices of SPSR_<mode> in the SPSR file, and of banked copies in Rbank. */
const SPSR_OF = { fiq: 0, irq: 1, svc: 2, abt: 3, und: 4 } as const;
const BANK = { sp_usr: 10, lr_usr: 11, sp_irq: 14, lr_irq: 15, sp_svc: 16, lr_svc: 17 } as const;

const CODE = 0x1000;

function num(v: number | bigint): number {
  return Number(v);
}

/** A machine with `words` at CODE, the pc there, in `mode` (registers as reset left them). */
function boot(words: readonly number[], mode: number = MODE.svc): Machine {
  const m = new Machine(checked);
  words.forEach((w, i) => m.ram.write(CODE + 4 * i, 32, w >>> 0));
  m.interp.writeReg(isa.mode, mode);
  m.pc = CODE;
  return m;
}

const reg = (m: Machine, e: StateElement, i = 0): number => num(m.interp.readReg(e, i));
const setReg = (m: Machine, e: StateElement, v: number, i = 0): void => m.interp.writeReg(e, v >>> 0, i);
const modeOf = (m: Machine): number => num(m.interp.readReg(isa.mode));

/** The CPSR as MRS would assemble it from the state elements (mode, flags, masks). */
function cpsr(m: Machine): number {
  return (reg(m, APSR) & 0xf80f0000 | reg(m, CPSR) & 0x1c0 | (reg(m, ISETSTATE) & 1) << 5 | modeOf(m)) >>> 0;
}

function step(m: Machine): StepResult {
  return m.step();
}

describe('armv7a: the description', () => {
  it('loads and checks: 32-bit ARM words, seven modes from usr (PL0) to svc, the board', () => {
    expect(isa.name).toBe('armv7a');
    expect([isa.unit, isa.instructionWidth, isa.addressWidth, isa.endian]).toEqual([8, 32, 32, 'little']);
    expect(isa.modes.map((m) => m.name)).toEqual(['usr', 'sys', 'fiq', 'irq', 'abt', 'und', 'svc']);
    expect(isa.modes.find((m) => m.name === 'usr')?.value).toBe(MODE.usr);
    expect(isa.userMode.name).toBe('usr');
    expect(isa.modes[isa.modes.length - 1]?.name).toBe('svc');
    expect([R.role, Rbank.role, APSR.role, CPSR.role, SPSR.role, element('TTBR0').role])
      .toEqual(['general', 'general', 'general', 'control', 'control', 'relocation']);
    expect([R.count, Rbank.count, SPSR.count]).toEqual([16, 22, 5]);
    expect(isa.board?.ram).toEqual({ base: 0, size: 0x1000000 });
    expect(isa.board?.devices.map((d) => [d.model, d.base])).toEqual([['ns16550a', 0x10000000], ['sifive-test', 0x10100000]]);
    expect(isa.illegalInstruction.name).toBe('UndefinedInstruction');
    expect([...isa.causes.values()].filter((c) => c.memory).map((c) => c.name).sort())
      .toEqual(['AlignmentFaultLoad', 'AlignmentFaultStore', 'DataAbortLoad', 'DataAbortStore', 'PrefetchAbort']);
  });

  it('resets as B1.9.1 says: Supervisor mode at 0, A, I and F masked, SCTLR with its RAO bits', () => {
    const m = new Machine(checked);
    expect(modeOf(m)).toBe(MODE.svc);
    expect(num(m.pc)).toBe(0);
    expect(reg(m, CPSR)).toBe(0x1c0);
    expect(reg(m, SCTLR)).toBe(0x00c50078);
  });
});

describe('armv7a: the guest', () => {
  it('hello.elf prints expected.txt and stops the finisher with success', () => {
    let text = '';
    const m = new Machine(checked, { console: (b) => { text += String.fromCharCode(b); } });
    const image = loadGuestImage(join(root, 'guests/armv7a/hello.elf'), isa);
    placeImage(image, m.ram);
    m.pc = image.entry;
    const outcome = runMachine(m, 1_000_000);
    expect(text).toBe(readFileSync(join(root, 'guests/armv7a/expected.txt'), 'latin1'));
    expect(outcome).toMatchObject({ kind: 'halted', code: 0 });
  });
});

describe('armv7a: the sensitive instructions that do not trap (B9.3)', () => {
  it('CPS in User mode changes nothing and does not trap (B9.3.2: CurrentModeIsNotUser)', () => {
    // cps #0x13 ; cpsid if
    const m = boot([0xf1020013, 0xf10c00c0], MODE.usr);
    expect(step(m)).toEqual({ kind: 'retired' });
    expect(step(m)).toEqual({ kind: 'retired' });
    expect(modeOf(m)).toBe(MODE.usr);
    expect(reg(m, CPSR)).toBe(0x1c0);      // as reset left the masks
    expect(num(m.pc)).toBe(CODE + 8);
  });

  it('CPS in a PL1 mode changes the mode, and the banked SP and LR with it (B1.3.2)', () => {
    // cps #0x12 (irq) ; cps #0x13 (svc)
    const m = boot([0xf1020012, 0xf1020013], MODE.svc);
    setReg(m, R, 0x5000, 13);                       // SP_svc
    setReg(m, Rbank, 0x6000, BANK.sp_irq);          // SP_irq
    expect(step(m)).toEqual({ kind: 'retired' });
    expect(modeOf(m)).toBe(MODE.irq);
    expect(reg(m, R, 13)).toBe(0x6000);
    expect(reg(m, Rbank, BANK.sp_svc)).toBe(0x5000);
    step(m);
    expect(modeOf(m)).toBe(MODE.svc);
    expect(reg(m, R, 13)).toBe(0x5000);
  });

  it('MSR CPSR_c in User mode writes the flags it is given and leaves the mode and masks (B1.3.3)', () => {
    // msr cpsr_c, #0xd3 ; msr cpsr_fc, r0
    const m = boot([0xe321f0d3, 0xe129f000], MODE.usr);
    setReg(m, CPSR, 0);
    setReg(m, R, 0xf00000d3, 0);
    expect(step(m)).toEqual({ kind: 'retired' });
    expect(modeOf(m)).toBe(MODE.usr);
    expect(reg(m, CPSR)).toBe(0);
    expect(step(m)).toEqual({ kind: 'retired' });
    expect(modeOf(m)).toBe(MODE.usr);
    expect(reg(m, CPSR)).toBe(0);
    expect(reg(m, APSR) >>> 28).toBe(0xf);          // N Z C V from bits 31:28
  });

  it('MSR CPSR_c in Supervisor mode changes the mode and the masks', () => {
    const m = boot([0xe321f0d2], MODE.svc);         // msr cpsr_c, #0xd2
    setReg(m, CPSR, 0);
    step(m);
    expect(modeOf(m)).toBe(MODE.irq);
    expect(reg(m, CPSR)).toBe(0xc0);                // I and F
  });

  it('MRS in User mode reads the CPSR with its mode field: usr (B9.3.8)', () => {
    const m = boot([0xe10f0000], MODE.usr);         // mrs r0, cpsr
    setReg(m, APSR, 0x20000000);                    // C
    expect(step(m)).toEqual({ kind: 'retired' });
    expect(reg(m, R, 0)).toBe((0x20000000 | 0x1c0 | MODE.usr) >>> 0);
  });
});

describe('armv7a: exceptions (B1.8, B1.9)', () => {
  it('SVC enters Supervisor mode with LR = the next instruction and SPSR = the old CPSR (B1.9.4)', () => {
    const m = boot([0xe1a00000, 0xef000000], MODE.usr);   // mov r0, r0 ; svc #0
    setReg(m, APSR, 0x80000000);                          // N
    setReg(m, CPSR, 0);
    setReg(m, R, 0x7000, 13);                             // SP_usr
    setReg(m, R, 0x1234, 14);                             // LR_usr
    setReg(m, Rbank, 0x8000, BANK.sp_svc);
    step(m);
    const before = cpsr(m);
    expect(before).toBe(0x80000010);
    expect(step(m)).toMatchObject({ kind: 'trap', cause: { name: 'SupervisorCall' }, pc: CODE + 4 });
    expect(modeOf(m)).toBe(MODE.svc);
    expect(reg(m, R, 14)).toBe(CODE + 8);                 // LR_svc
    expect(reg(m, SPSR, SPSR_OF.svc)).toBe(before);
    expect(num(m.pc)).toBe(0x08);                         // low vectors, SCTLR.V = 0
    expect(reg(m, CPSR)).toBe(0x080);                     // I set, A and F unchanged
    expect(reg(m, R, 13)).toBe(0x8000);                   // SP_svc
    expect(reg(m, Rbank, BANK.sp_usr)).toBe(0x7000);      // User's SP and LR kept in their bank
    expect(reg(m, Rbank, BANK.lr_usr)).toBe(0x1234);
  });

  it('SUBS PC, LR returns: CPSR <- SPSR, PC <- LR - 4, User registers back (B9.3.20)', () => {
    const m = boot([0xe25ef004], MODE.irq);               // subs pc, lr, #4
    setReg(m, SPSR, 0x40000010, SPSR_OF.irq);             // Z, usr
    setReg(m, R, 0x2004, 14);                             // LR_irq
    setReg(m, Rbank, 0x7000, BANK.sp_usr);
    expect(step(m)).toEqual({ kind: 'retired' });
    expect(modeOf(m)).toBe(MODE.usr);
    expect(cpsr(m)).toBe(0x40000010);
    expect(num(m.pc)).toBe(0x2000);
    expect(reg(m, R, 13)).toBe(0x7000);
    expect(reg(m, Rbank, BANK.lr_irq)).toBe(0x2004);
  });

  it('a CP15 access from User mode is UNDEFINED, even when its condition fails (B4.1, B1.9.2)', () => {
    // mrc p15, 0, r0, c1, c0, 0 ; mrceq p15, 0, r0, c1, c0, 0
    for (const word of [0xee110f10, 0x0e110f10]) {
      const m = boot([word], MODE.usr);
      setReg(m, APSR, 0);                                 // Z clear: EQ fails
      const old = cpsr(m);
      expect(step(m)).toMatchObject({ kind: 'trap', cause: { name: 'UndefinedInstruction' } });
      expect(modeOf(m)).toBe(MODE.und);
      expect(reg(m, R, 14)).toBe(CODE + 4);               // LR_und: the instruction + 4
      expect(reg(m, SPSR, SPSR_OF.und)).toBe(old);
      expect(num(m.pc)).toBe(0x04);
    }
    const m = boot([0xee110f10], MODE.svc);
    expect(step(m)).toEqual({ kind: 'retired' });
    expect(reg(m, R, 0)).toBe(0x00c50078);
  });

  it('a word no instruction matches is UNDEFINED, with LR = the word + 4 (B1.9.2)', () => {
    const m = boot([0xe7f000f0], MODE.usr);               // udf #0 (not implemented here either)
    expect(step(m)).toMatchObject({ kind: 'trap', cause: { name: 'UndefinedInstruction' } });
    expect(reg(m, R, 14)).toBe(CODE + 4);
  });

  it('a load from no memory is a Data Abort: LR = the load + 8, DFAR, DFSR external abort (B1.9.8)', () => {
    const m = boot([0xe5910000], MODE.usr);               // ldr r0, [r1]
    setReg(m, R, 0x20000000, 1);
    expect(step(m)).toMatchObject({ kind: 'trap', cause: { name: 'DataAbortLoad' } });
    expect(modeOf(m)).toBe(MODE.abt);
    expect(reg(m, R, 14)).toBe(CODE + 8);
    expect(reg(m, DFAR)).toBe(0x20000000);
    expect(reg(m, DFSR)).toBe(0x008);                     // FS = 0b01000, synchronous external abort
    expect(num(m.pc)).toBe(0x10);
    expect(reg(m, CPSR)).toBe(0x1c0);                     // A and I set
  });

  it('an IRQ is taken at the next instruction when CPSR.I is clear: LR = that instruction + 4 (B1.9.10)', () => {
    const m = boot([0xe1a00000], MODE.usr);               // mov r0, r0
    setReg(m, CPSR, 0);
    setReg(m, element('irqLine'), 1);
    expect(step(m)).toMatchObject({ kind: 'trap', cause: { name: 'IRQ' }, pc: CODE });
    expect(modeOf(m)).toBe(MODE.irq);
    expect(reg(m, R, 14)).toBe(CODE + 4);
    expect(num(m.pc)).toBe(0x18);
    expect(reg(m, CPSR)).toBe(0x180);                     // A and I set, F unchanged
    setReg(m, element('fiqLine'), 1);                     // FIQ outranks the masked IRQ
    expect(step(m)).toMatchObject({ kind: 'trap', cause: { name: 'FIQ' } });
    expect(modeOf(m)).toBe(MODE.fiq);
    expect(num(m.pc)).toBe(0x1c);
    expect(reg(m, CPSR)).toBe(0x1c0);
  });

  it('BX to an odd address selects Thumb, which this model does not have: the next fetch is UNDEFINED', () => {
    const m = boot([0xe12fff10], MODE.svc);               // bx r0
    setReg(m, R, 0x3001, 0);
    expect(step(m)).toEqual({ kind: 'retired' });
    expect(num(m.pc)).toBe(0x3000);
    expect(reg(m, ISETSTATE)).toBe(1);                    // T
    expect(step(m)).toMatchObject({ kind: 'trap', cause: { name: 'UndefinedInstruction' }, pc: 0x3000 });
    expect(reg(m, R, 14)).toBe(0x3002);                   // LR for a Thumb instruction: + 2
    expect(reg(m, ISETSTATE)).toBe(0);                    // SCTLR.TE = 0: the handler runs in ARM state
  });
});

describe('armv7a: conditional execution (A8.3)', () => {
  /** Table A8-1, written out independently of the description. */
  function passes(cond: number, n: boolean, z: boolean, c: boolean, v: boolean): boolean {
    const base = [z, c, n, v, c && !z, n === v, !z && n === v, true][cond >> 1]!;
    return cond === 0b1110 || (cond & 1) === 0 ? base : !base;
  }

  it('mov<c> r0, #1 writes r0 exactly when Table A8-1 says, for every condition and NZCV', () => {
    const m = boot([], MODE.usr);
    for (let cond = 0; cond < 15; cond++) {
      for (let nzcv = 0; nzcv < 16; nzcv++) {
        m.reset();
        m.ram.write(CODE, 32, ((cond << 28) | 0x03a00001) >>> 0);          // mov<c> r0, #1
        m.interp.writeReg(isa.mode, MODE.usr);
        m.pc = CODE;
        setReg(m, APSR, (nzcv << 28) >>> 0);
        expect(step(m)).toEqual({ kind: 'retired' });
        const [n, z, c, v] = [8, 4, 2, 1].map((b) => (nzcv & b) !== 0) as [boolean, boolean, boolean, boolean];
        expect(reg(m, R, 0), `cond ${cond} nzcv ${nzcv}`).toBe(passes(cond, n, z, c, v) ? 1 : 0);
      }
    }
  });

  it('cond = 0b1111 is the unconditional space: a conditional encoding there is UNDEFINED (A5.1)', () => {
    const m = boot([0xf3a00001], MODE.svc);
    expect(step(m)).toMatchObject({ kind: 'trap', cause: { name: 'UndefinedInstruction' } });
  });

  it('ADDS and SUBS set N, Z, C and V as AddWithCarry does (A2.2.1)', () => {
    // adds r0, r1, r2 ; subs r3, r1, r2 ; rsbs r4, r1, #0
    const m = boot([0xe0910002, 0xe0513002, 0xe2714000], MODE.usr);
    setReg(m, R, 0x7fffffff, 1);
    setReg(m, R, 1, 2);
    step(m);
    expect(reg(m, R, 0)).toBe(0x80000000);
    expect(reg(m, APSR) >>> 28).toBe(0b1001);             // N, V: signed overflow, no carry
    step(m);
    expect(reg(m, R, 3)).toBe(0x7ffffffe);
    expect(reg(m, APSR) >>> 28).toBe(0b0010);             // C: no borrow
    step(m);
    expect(reg(m, R, 4)).toBe(0x80000001);
    expect(reg(m, APSR) >>> 28).toBe(0b1000);             // N; 0 - x borrows: C clear
  });
});
