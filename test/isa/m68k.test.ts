/**
 * The Motorola 68000 and 68010 (isas/m68000.yaml, isas/m68010.yaml): both descriptions load and
 * check; their encodings are the manual's (words as GNU as assembles them); the laws of the
 * user/supervisor model hold on the bare machine, and differ between the two processors exactly
 * where the manuals say (MOVE from SR, MOVE from CCR, VBR, format/vector-offset frames); the
 * guests in guests/m68k run on both. The audit: m68k-audit.test.ts; condition codes:
 * m68k-flags.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../src/isa/decoder.js';
import { Machine } from '../../src/machine/machine.js';
import { loadGuestImage, placeImage } from '../../src/machine/image.js';
import { runMachine } from '../../src/machine/run.js';
import type { CheckedIsa } from '../../src/semantics/check-isa.js';
import { root, m68000, m68010, BOTH, CODE, SSP_TOP, USP_TOP, HANDLER, VEC, SR_T, SR_S, reg, boot, get, set, ssp, usp, setSsp, sr, user, word, long, step } from './m68k-machine.js';

describe('m68000 and m68010: the descriptions', () => {
  it('load and check: big-endian bytes, 16-bit parcels up to 5 words, 32-bit addresses on a 24-bit bus', () => {
    for (const [, c] of BOTH) {
      const isa = c.isa;
      expect([isa.endian, isa.unit, isa.instructionWidth, isa.maxInstructionWidth]).toEqual(['big', 8, 16, 80]);
      expect([isa.addressWidth, isa.physicalAddressWidth]).toEqual([32, 24]);
      expect(isa.modes.map((mo) => mo.name)).toEqual(['User', 'Supervisor']);
      expect(isa.userMode.name).toBe('User');
      expect(isa.mode.name).toBe('S');
      expect(isa.board?.ram).toEqual({ base: 0, size: 0x100000 });
      expect(c.instructions).toHaveLength(isa.instructions.length);
    }
  });

  it('the 68010 has what the 68000 lacks: VBR, SFC, DFC, MOVE from CCR, MOVEC, the format error', () => {
    for (const name of ['VBR', 'SFC', 'DFC']) {
      expect(m68000.isa.state.has(name)).toBe(false);
      expect(reg(m68010, name).role).toBe('control');
    }
    const names = (c: CheckedIsa): Set<string> => new Set(c.isa.instructions.map((i) => i.name));
    const only10 = [...names(m68010)].filter((n) => !names(m68000).has(n)).sort();
    expect(only10).toEqual([
      'move_from_ccr_ai', 'move_from_ccr_al', 'move_from_ccr_d', 'move_from_ccr_di', 'move_from_ccr_pd',
      'move_from_ccr_pi', 'movec_to_rc', 'movec_to_rn',
    ]);
    expect([...names(m68000)].filter((n) => !names(m68010).has(n))).toEqual([]);
    expect(m68010.isa.causes.get('FormatError')?.code).toBe(VEC.formatError);
    expect(m68000.isa.causes.has('FormatError')).toBe(false);
  });

  it('causes are vector numbers; bus and address errors are memory traps', () => {
    for (const [, c] of BOTH) {
      const causes = [...c.isa.causes.values()];
      expect(causes.filter((x) => x.memory).map((x) => x.name).sort()).toEqual([
        'AddressErrorFetch', 'AddressErrorRead', 'AddressErrorWrite', 'BusErrorFetch', 'BusErrorRead', 'BusErrorWrite',
      ]);
      for (const x of causes) {
        const vector = x.code & 0xff;
        if (x.memory) expect(vector === VEC.busError || vector === VEC.addressError).toBe(true);
        else expect(x.code).toBe(vector);
      }
      for (let n = 0; n < 16; n++) expect(c.isa.causes.get(`Trap${n}`)?.code).toBe(VEC.trap0 + n);
      expect(c.isa.causes.get('PrivilegeViolation')?.code).toBe(VEC.privilege);
      expect(c.isa.illegalInstruction.code).toBe(VEC.illegal);
    }
  });

  // Words as GNU as 2.40 (m68k-linux-gnu-as -m68010) assembles them.
  const ENCODINGS: readonly [string, string][] = [
    ['40c3', 'move_from_sr_d'], ['46c3', 'move_to_sr_d'], ['46fc2700', 'move_to_sr_i'],
    ['44fc0004', 'move_to_ccr_i'], ['027c7fff', 'andi_to_sr'], ['007c0700', 'ori_to_sr'], ['0a7c8000', 'eori_to_sr'],
    ['023c00fe', 'andi_to_ccr'], ['4e63', 'move_to_usp'], ['4e6c', 'move_from_usp'],
    ['4e73', 'rte'], ['4e722000', 'stop'], ['4e70', 'reset'], ['4e71', 'nop'], ['4e75', 'rts'], ['4e76', 'trapv'],
    ['4e40', 'trap0'], ['4e4f', 'trap15'], ['4afc', 'illegal'], ['a123', 'line1010'], ['f456', 'line1111'],
    ['2401', 'move.l_d_d'], ['2010', 'move.l_ai_d'], ['2218', 'move.l_pi_d'], ['2f00', 'move.l_d_pd'],
    ['202e0010', 'move.l_di_d'], ['203c12345678', 'move.l_i_d'], ['23fc0000136000000020', 'move.l_i_al'],
    ['13c000ff0000', 'move.b_d_al'], ['2c7c00070000', 'movea.l_i'], ['7eff', 'moveq'],
    ['d081', 'add.l_d_d'], ['d3a80004', 'add.l_d_di'], ['0681000f4240', 'addi.l_d'], ['5281', 'addq.l_d'],
    ['5889', 'addq.l_a'], ['b0bc00000001', 'cmp.l_i_d'], ['0c010030', 'cmpi.b_d'], ['4480', 'neg.l_d'],
    ['4241', 'clr.w_d'], ['4a81', 'tst.l_d'], ['e3a0', 'asl.l_d'], ['e288', 'lsr.l_i'], ['4841', 'swap'],
    ['4880', 'ext.w'], ['48c0', 'ext.l'], ['41f900ff0000', 'lea_al'], ['4879000003e8', 'pea_al'],
    ['4ed0', 'jmp_ai'], ['4eb900001000', 'jsr_al'], ['6002', 'bcc.s_02'], ['61fc', 'bcc.s_neg'],
    ['67000ffe', 'bcc.w'], ['51cbffee', 'dbcc'],
  ];
  it('decodes the words GNU as makes, each to its entry and length', () => {
    for (const [, c] of BOTH) {
      const { decodeStream } = createDecoder(c.isa);
      for (const [hex, name] of ENCODINGS) {
        const parcels = hex.match(/.{4}/g)!.map((p) => BigInt(`0x${p}`));
        const r = decodeStream((i) => parcels[i] ?? null);
        expect(r === null || r === 'fault' ? null : [r.decoded.instruction.name, r.width], hex).toEqual([name, hex.length * 4]);
      }
    }
    const movec = ['4e7a0801', '4e7b8800'];
    const { decodeStream } = createDecoder(m68010.isa);
    expect(movec.map((hex) => {
      const p = hex.match(/.{4}/g)!.map((x) => BigInt(`0x${x}`));
      const r = decodeStream((i) => p[i] ?? null);
      return r === null || r === 'fault' ? null : r.decoded.instruction.name;
    })).toEqual(['movec_to_rn', 'movec_to_rc']);
    expect(createDecoder(m68000.isa).decodeStream((i) => [0x4e7an, 0x0801n][i] ?? null)).toBeNull();
  });
});

describe('m68000 and m68010: the user/supervisor laws', () => {
  it('MOVE from SR in user mode completes on the 68000 and shows S = 0', () => {
    const m = user(boot(m68000, [0x40c3])); // move.w sr, d3
    set(m, 'D', 0xffffffff, 3);
    set(m, 'CCR', 0b01001); // N and C
    expect(step(m)).toEqual({ kind: 'retired' });
    expect(get(m, 'D', 3)).toBe(0xffff0009); // the low word is SR: T = 0, S = 0, I = 0, CCR
    expect(get(m, 'D', 3) & SR_S).toBe(0);
    expect(m.pc).toBe(CODE + 2);
  });

  it('MOVE from SR in user mode is a privilege violation on the 68010, with the format/vector-offset frame', () => {
    const m = user(boot(m68010, [0x40c3]));
    set(m, 'D', 0x12345678, 3);
    set(m, 'CCR', 0b00100);
    expect(step(m)).toMatchObject({ kind: 'trap', cause: { name: 'PrivilegeViolation' }, pc: CODE });
    expect(get(m, 'D', 3)).toBe(0x12345678);
    expect(get(m, 'S')).toBe(1);
    expect(m.pc).toBe(HANDLER);
    const sp = ssp(m);
    expect(sp).toBe(SSP_TOP - 8);
    expect(word(m, sp)).toBe(0x0004); // the stacked SR: user mode, Z
    expect(long(m, sp + 2)).toBe(CODE); // the offending instruction's own address
    expect(word(m, sp + 6)).toBe(0x0000 | (VEC.privilege * 4)); // format $0, vector offset 0x20
    expect(usp(m)).toBe(USP_TOP);
  });

  it('MOVE from SR in supervisor mode reads S = 1 on both', () => {
    for (const [, c] of BOTH) {
      const m = boot(c, [0x40c3]);
      expect(step(m)).toEqual({ kind: 'retired' });
      expect(get(m, 'D', 3) & 0xffff).toBe(SR_S | 0x0700);
    }
  });

  it('MOVE from CCR is the 68010 user-mode replacement; on the 68000 that word is illegal', () => {
    const m10 = user(boot(m68010, [0x42c3])); // move.w ccr, d3
    set(m10, 'CCR', 0b10001);
    expect(step(m10)).toEqual({ kind: 'retired' });
    expect(get(m10, 'D', 3) & 0xffff).toBe(0b10001);
    const m00 = user(boot(m68000, [0x42c3]));
    expect(step(m00)).toMatchObject({ kind: 'trap', cause: { name: 'IllegalInstruction' }, pc: CODE });
  });

  it('MOVE to SR, MOVE USP, RTE and RESET in user mode are privilege violations on both', () => {
    const privileged = [[0x46c3], [0x4e73], [0x4e70], [0x4e63], [0x4e6c]]; // move.w d3,sr; rte; reset; move.l a3,usp; move.l usp,a4
    for (const [, c] of BOTH) {
      for (const words of privileged) {
        const m = user(boot(c, words));
        set(m, 'D', 0x2700, 3);
        const before = usp(m);
        expect(step(m), `${c.isa.name} ${words.map((w) => w.toString(16)).join(' ')}`)
          .toMatchObject({ kind: 'trap', cause: { name: 'PrivilegeViolation' }, pc: CODE });
        expect(usp(m)).toBe(before);
        expect(long(m, ssp(m) + 2)).toBe(CODE);
        expect(word(m, ssp(m)) & SR_S).toBe(0);
      }
    }
  });

  it('MOVE to SR in supervisor mode can enter user mode, and A7 becomes the USP', () => {
    for (const [, c] of BOTH) {
      const m = boot(c, [0x46c3, 0x220f]); // move.w d3, sr; move.l a7, d1
      set(m, 'D', 0x0000, 3);
      expect(step(m)).toEqual({ kind: 'retired' });
      expect([get(m, 'S'), get(m, 'I')]).toEqual([0, 0]);
      expect(step(m)).toEqual({ kind: 'retired' });
      expect(get(m, 'D', 1)).toBe(USP_TOP);
    }
  });

  it('TRAP #n stacks the next instruction and takes vector 32 + n (on the 68010 through the VBR)', () => {
    const m00 = user(boot(m68000, [0x4e45])); // trap #5
    expect(step(m00)).toMatchObject({ kind: 'trap', cause: { name: 'Trap5' }, pc: CODE });
    expect(ssp(m00)).toBe(SSP_TOP - 6);
    expect(long(m00, SSP_TOP - 4)).toBe(CODE + 2);
    expect(m00.pc).toBe(HANDLER);

    const m10 = user(boot(m68010, [0x4e45]));
    set(m10, 'VBR', 0x4000);
    m10.ram.write(0x4000 + (VEC.trap0 + 5) * 4, 32, 0x3000);
    expect(step(m10)).toMatchObject({ kind: 'trap', cause: { name: 'Trap5' } });
    expect(m10.pc).toBe(0x3000);
    expect(word(m10, SSP_TOP - 2)).toBe((VEC.trap0 + 5) * 4);
    expect(long(m10, SSP_TOP - 6)).toBe(CODE + 2);
  });

  it('RTE pops SR and the pc: 6 bytes on the 68000, the frame its format says on the 68010', () => {
    const m00 = boot(m68000, [0x4e73]);
    const sp00 = SSP_TOP - 6;
    setSsp(m00, sp00);
    m00.ram.write(sp00, 16, 0x001f);
    m00.ram.write(sp00 + 2, 32, 0x1234);
    expect(step(m00)).toEqual({ kind: 'retired' });
    expect([sr(m00), m00.pc, ssp(m00)]).toEqual([0x001f, 0x1234, SSP_TOP]);

    for (const [format, size] of [[0x0, 8], [0x8, 58]] as const) {
      const m = boot(m68010, [0x4e73]);
      const sp = SSP_TOP - size;
      setSsp(m, sp);
      m.ram.write(sp, 16, 0x2005);
      m.ram.write(sp + 2, 32, 0x1234);
      m.ram.write(sp + 6, 16, (format << 12) | 0x008);
      expect(step(m)).toEqual({ kind: 'retired' });
      expect([sr(m), m.pc, ssp(m)]).toEqual([0x2005, 0x1234, SSP_TOP]);
    }
  });

  it('RTE with a format other than $0 and $8 is a format error on the 68010, stacking the RTE', () => {
    const m = boot(m68010, [0x4e73]);
    const sp = SSP_TOP - 8;
    setSsp(m, sp);
    m.ram.write(sp + 6, 16, 0x2000);
    expect(step(m)).toMatchObject({ kind: 'trap', cause: { name: 'FormatError' }, pc: CODE });
    expect(ssp(m)).toBe(sp - 8);
    expect(long(m, sp - 8 + 2)).toBe(CODE);
    expect(word(m, sp - 8 + 6)).toBe(VEC.formatError * 4);
  });

  it('a trace exception follows an instruction that began with T = 1, stacking the next pc', () => {
    for (const [, c] of BOTH) {
      const m = boot(c, [0x4e71, 0x4e71]);
      set(m, 'T', 1);
      expect(step(m)).toEqual({ kind: 'retired' });
      expect(step(m)).toMatchObject({ kind: 'trap', cause: { name: 'Trace' }, pc: CODE + 2 });
      expect(get(m, 'T')).toBe(0);
      expect(word(m, ssp(m)) & SR_T).toBe(SR_T);
      expect(long(m, ssp(m) + 2)).toBe(CODE + 2);
      expect(m.pc).toBe(HANDLER);
    }
  });

  it('a word access at an odd address is an address error with the group-0 frame of each processor', () => {
    // move.w (a0), d0 with A0 odd
    const m00 = user(boot(m68000, [0x3010]));
    set(m00, 'A', 0x1001, 0);
    expect(step(m00)).toMatchObject({ kind: 'trap', cause: { name: 'AddressErrorRead' }, pc: CODE });
    const sp00 = ssp(m00);
    expect(sp00).toBe(SSP_TOP - 14);
    expect(word(m00, sp00)).toBe(0x10 | 0x1); // R/W = read, I/N = 0, FC = user data
    expect(long(m00, sp00 + 2)).toBe(0x1001); // the access address
    expect(word(m00, sp00 + 6)).toBe(0x3010); // the instruction register
    expect(word(m00, sp00 + 8) & SR_S).toBe(0);
    expect(long(m00, sp00 + 10)).toBe(CODE);

    const m10 = user(boot(m68010, [0x3010]));
    set(m10, 'A', 0x1001, 0);
    expect(step(m10)).toMatchObject({ kind: 'trap', cause: { name: 'AddressErrorRead' } });
    const sp10 = ssp(m10);
    expect(sp10).toBe(SSP_TOP - 58);
    expect(word(m10, sp10 + 6)).toBe(0x8000 | (VEC.addressError * 4)); // format $8
    expect(word(m10, sp10 + 8)).toBe(0x1000 | 0x0100 | 0x1); // SSW: DF, RW = read, FC = user data
    expect(long(m10, sp10 + 10)).toBe(0x1001);
  });

  it('an access to no RAM or device is a bus error', () => {
    for (const [, c] of BOTH) {
      const m = boot(c, [0x2010]); // move.l (a0), d0
      set(m, 'A', 0x800000, 0);
      expect(step(m)).toMatchObject({ kind: 'trap', cause: { name: 'BusErrorRead' }, tval: 0x800000 });
    }
  });

  it('the high byte of an address is not on the bus', () => {
    for (const [, c] of BOTH) {
      const m = boot(c, [0x2010]); // move.l (a0), d0
      m.ram.write(0x5000, 32, 0xcafef00d);
      set(m, 'A', 0xab005000, 0);
      expect(step(m)).toEqual({ kind: 'retired' });
      expect(get(m, 'D', 0)).toBe(0xcafef00d);
    }
  });
});

describe('m68000 and m68010: instructions of several words, and the guests', () => {
  it('the machine fetches an instruction parcel by parcel: MOVE.L #imm, D0 is three words', () => {
    for (const [, c] of BOTH) {
      const m = boot(c, [0x203c, 0x1234, 0x5678]);
      expect(step(m)).toEqual({ kind: 'retired' });
      expect([get(m, 'D', 0), m.pc]).toEqual([0x12345678, CODE + 6]);
    }
  });

  it('ANDI/ORI/EORI to SR and STOP in user mode are privilege violations on both', () => {
    for (const [, c] of BOTH) {
      for (const words of [[0x027c, 0xffff], [0x007c, 0x0000], [0x0a7c, 0x0000], [0x4e72, 0x2000]]) {
        const m = user(boot(c, words));
        expect(step(m)).toMatchObject({ kind: 'trap', cause: { name: 'PrivilegeViolation' }, pc: CODE });
        expect(long(m, ssp(m) + 2)).toBe(CODE);
      }
    }
  });

  it('STOP sets SR and stops the machine for good (no interrupt source on this board)', () => {
    for (const [, c] of BOTH) {
      const m = boot(c, [0x4e72, 0x2704]); // stop #0x2704
      expect(step(m)).toEqual({ kind: 'retired' });
      expect(sr(m)).toBe(0x2704);
      expect(step(m)).toEqual({ kind: 'halt', code: 0x4e72 });
    }
  });

  it('MOVEC reaches VBR, SFC, DFC and USP on the 68010; an unassigned control register is illegal', () => {
    const m = boot(m68010, [0x4e7b, 0x0801, 0x4e7a, 0x9800, 0x4e7b, 0x0002]); // movec d0,vbr; movec usp,a1; movec d0,#2
    set(m, 'D', 0x00012340, 0);
    expect(step(m)).toEqual({ kind: 'retired' });
    expect(get(m, 'VBR')).toBe(0x00012340);
    expect(step(m)).toEqual({ kind: 'retired' });
    expect(get(m, 'A', 1)).toBe(USP_TOP);
    expect(step(m)).toMatchObject({ kind: 'trap', cause: { name: 'IllegalInstruction' } });
  });

  it('BSR and RTS use the active stack: the SSP in supervisor mode, the USP in user mode', () => {
    for (const [, c] of BOTH) {
      for (const mode of [1, 0]) {
        const m = boot(c, [0x6100, 0x0006, 0x4e71, 0x4e71, 0x4e75]); // bsr.w +6; nop; nop; rts
        if (mode === 0) user(m);
        expect(step(m)).toEqual({ kind: 'retired' });
        expect(m.pc).toBe(CODE + 8);
        const top = mode ? SSP_TOP : USP_TOP;
        expect(mode ? ssp(m) : usp(m)).toBe(top - 4);
        expect(long(m, top - 4)).toBe(CODE + 4);
        expect(step(m)).toEqual({ kind: 'retired' });
        expect(m.pc).toBe(CODE + 4);
      }
    }
  });

  const guests = join(root, 'guests/m68k');
  function runGuest(c: CheckedIsa, elf: string): { console: string; code: number | null } {
    let text = '';
    const m = new Machine(c, { console: (b) => { text += String.fromCharCode(b); } });
    const image = loadGuestImage(elf, c.isa);
    placeImage(image, m.ram);
    m.pc = image.entry;
    const outcome = runMachine(m, 1_000_000);
    return { console: text, code: outcome.kind === 'halted' ? outcome.code : null };
  }

  for (const [name, c] of BOTH) {
    it(`privilege runs on the ${name}: user mode, system calls, two privilege violations, exit (expected.txt)`, () => {
      const run = runGuest(c, join(guests, 'privilege/privilege.elf'));
      expect(run.console).toBe(readFileSync(join(guests, 'privilege/expected.txt'), 'latin1'));
      expect(run.code).toBe(0);
    });
    it(`sr-user shows what MOVE from SR does in user mode on the ${name} (expected-${name}.txt)`, () => {
      const run = runGuest(c, join(guests, 'sr-user/sr-user.elf'));
      expect(run.console).toBe(readFileSync(join(guests, `sr-user/expected-${name}.txt`), 'latin1'));
      expect(run.code).toBe(0);
    });
  }
});
