/**
 * x86-32 (isas/x86-32.yaml): IA-32 protected mode before VT-x. The description loads and checks;
 * the instructions Robin and Irvine (USENIX Security 2000) found sensitive yet unprivileged
 * behave as the SDM says at CPL 3 — and as the audit sees them; CR4.UMIP makes the table readers
 * fault; exceptions and INT n go through the IDT with the TSS stack switch; and the guest in
 * guests/x86-32 runs to its halt with the output it recorded.
 *
 * Programs are written as bytes with their nasm spelling beside them: the instructions are byte
 * streams (no prefixes; ModR/M as 2A §2.1.5 Table 2-2 gives it).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StateElement } from '../../src/isa/model.js';
import { Machine, type StepResult } from '../../src/machine/machine.js';
import { loadGuestImage, placeImage } from '../../src/machine/image.js';
import { runMachine } from '../../src/machine/run.js';
import { loadCheckedIsa } from '../../src/semantics/check-isa.js';

const root = join(import.meta.dirname, '../..');
const checked = loadCheckedIsa(join(root, 'isas/x86-32.yaml'));
const isa = checked.isa;
const reg = (name: string): StateElement => {
  const e = isa.state.get(name);
  if (e === undefined) throw new Error(`x86-32 has no state element ${name}`);
  return e;
};
const GPR = reg('GPR');
const EFLAGS = reg('EFLAGS');
const IF = reg('IF');
const IOPL = reg('IOPL');
const SEL = reg('SEL');
const SEGATTR = reg('SEGATTR');
const GDTR = reg('GDTR');
const IDTR = reg('IDTR');
const TR = reg('TR');
const TR_BASE = reg('TR_BASE');
const TR_LIMIT = reg('TR_LIMIT');
const CR0 = reg('CR0');
const CR4 = reg('CR4');

const [EAX, ECX, , EBX, ESP] = [0, 1, 2, 3, 4];
const [ES, CS, SS, DS] = [0, 1, 2, 3];
/** EFLAGS bits (1 §3.4.3). */
const CF = 1 << 0, PF = 1 << 2, AF = 1 << 4, ZF = 1 << 6, SF = 1 << 7, OF = 1 << 11;

const le16 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff];
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const le64 = (v: bigint): number[] => [...le32(Number(v & 0xffffffffn)), ...le32(Number(v >> 32n))];

/**
 * A machine as the guest leaves it after its set-up (guests/x86-32/rings.asm), but built directly:
 *   0x1000 GDT: null, KCODE 0x08, KDATA 0x10, UCODE 0x1b, UDATA 0x23 (flat, 4 GiB), TSS 0x28
 *   0x1800 TSS: ESP0 = 0x9000, SS0 = KDATA, no I/O permission bit map
 *   0x4000 IDT: every vector an interrupt gate to 0x5000 in KCODE, DPL 0; vector 0x80 DPL 3
 *   0x5000 the handler: HLT (the test reads the frame it left)
 *   0x6000 the code under test; 0x2000 scratch data; user stack 0x8000
 */
const GDT = 0x1000, TSS = 0x1800, DATA = 0x2000, IDT = 0x4000, HANDLER = 0x5000, CODE = 0x6000;
const USTACK = 0x8000, KSTACK = 0x9000;
const KCODE = 0x08, KDATA = 0x10, UCODE = 0x1b, UDATA = 0x23, TSSSEL = 0x28;
const DESCRIPTORS: readonly bigint[] = [
  0n,
  0x00cf9b000000ffffn, // KCODE: DPL 0, execute/read, accessed
  0x00cf93000000ffffn, // KDATA: DPL 0, read/write, accessed
  0x00cffb000000ffffn, // UCODE: DPL 3
  0x00cff3000000ffffn, // UDATA: DPL 3
  0x00008b0000000067n | (BigInt(TSS) << 16n), // busy 32-bit TSS at 0x1800, limit 0x67
];
/** Descriptor bits 55:40 with 51:48 clear: SEGATTR's layout. */
const attrOf = (d: bigint): number => Number(((d >> 40n) & 0xf0ffn));

function gate(handler: number, dpl: number): bigint {
  const high = (handler & 0xffff0000) | 0x8e00 | (dpl << 13);
  const low = ((KCODE << 16) | (handler & 0xffff)) >>> 0;
  return (BigInt(high >>> 0) << 32n) | BigInt(low);
}

function setSegment(m: Machine, s: number, sel: number): void {
  m.interp.writeReg(SEL, sel, s);
  m.interp.writeReg(SEGATTR, attrOf(DESCRIPTORS[sel >> 3]!), s);
}

/** The machine at `cpl` (0 or 3) about to run `code` at 0x6000. */
function boot(cpl: 0 | 3, code: readonly number[], console?: (byte: number) => void): Machine {
  const m = new Machine(checked, console ? { console } : {});
  m.ram.loadBytes(GDT, Uint8Array.from(DESCRIPTORS.flatMap(le64)));
  const tss = new Uint8Array(0x68);
  tss.set(le32(KSTACK), 4);
  tss.set(le32(KDATA), 8);
  tss.set(le16(0x68), 0x66);
  m.ram.loadBytes(TSS, tss);
  const gates: number[] = [];
  for (let v = 0; v < 256; v++) gates.push(...le64(gate(HANDLER, v === 0x80 ? 3 : 0)));
  m.ram.loadBytes(IDT, Uint8Array.from(gates));
  m.ram.loadBytes(HANDLER, Uint8Array.from([0xf4])); // hlt
  m.ram.loadBytes(CODE, Uint8Array.from(code));
  m.interp.writeReg(GDTR, (BigInt(GDT) << 16n) | BigInt(DESCRIPTORS.length * 8 - 1));
  m.interp.writeReg(IDTR, (BigInt(IDT) << 16n) | 0x7ffn);
  m.interp.writeReg(TR, TSSSEL);
  m.interp.writeReg(TR_BASE, TSS);
  m.interp.writeReg(TR_LIMIT, 0x67);
  const [code_, data] = cpl === 3 ? [UCODE, UDATA] : [KCODE, KDATA];
  setSegment(m, CS, code_);
  for (const s of [ES, SS, DS, 4, 5]) setSegment(m, s, data);
  m.interp.writeReg(isa.mode, cpl);
  m.interp.writeReg(GPR, cpl === 3 ? USTACK : KSTACK, ESP);
  m.pc = CODE;
  return m;
}

const read32 = (m: Machine, a: number): number => Number(m.ram.read(a, 32));
const read16 = (m: Machine, a: number): number => Number(m.ram.read(a, 16));
const gpr = (m: Machine, i: number): number => Number(m.interp.readReg(GPR, i));
const get = (m: Machine, e: StateElement): number => Number(m.interp.readReg(e));
const set = (m: Machine, e: StateElement, v: number, i = 0): void => m.interp.writeReg(e, v, i);

function steps(m: Machine, n: number): StepResult[] {
  return Array.from({ length: n }, () => m.step());
}

describe('x86-32: the description', () => {
  it('loads and checks: byte-stream instructions of up to 12 bytes, CPL 3 < 2 < 1 < 0', () => {
    expect(isa.name).toBe('x86-32');
    expect([isa.unit, isa.instructionWidth, isa.maxInstructionWidth, isa.addressWidth]).toEqual([8, 8, 96, 32]);
    expect(isa.modes.map((m) => m.name)).toEqual(['CPL3', 'CPL2', 'CPL1', 'CPL0']);
    expect(isa.modes.map((m) => m.value)).toEqual([3, 2, 1, 0]);
    expect(isa.userMode.name).toBe('CPL3');
    expect(checked.instructions).toHaveLength(isa.instructions.length);
  });

  it('gives every role its x86 state: segment registers, caches and table registers relocate, IF and IOPL control', () => {
    for (const name of ['SEL', 'SEGBASE', 'SEGLIMIT', 'SEGATTR', 'GDTR', 'IDTR', 'LDTR', 'TR', 'CR3']) expect(reg(name).role).toBe('relocation');
    for (const name of ['IF', 'IOPL', 'CR0', 'CR2', 'CR4']) expect(reg(name).role).toBe('control');
    for (const name of ['GPR', 'EFLAGS']) expect(reg(name).role).toBe('general');
    expect(reg('TSC').role).toBe('timing');
    expect(isa.vmm?.settings.map((s) => [s.element, s.field, s.value])).toEqual([['CR4', 'UMIP', 1n], ['IOPL', null, 0n]]);
  });

  it('has the vectors as cause codes; the segment-bounds faults are memory traps', () => {
    const code = (name: string): number | undefined => isa.causes.get(name)?.code;
    expect([code('DivideError'), code('InvalidOpcode'), code('InvalidTSS'), code('SegmentNotPresent'),
      code('StackSegmentFault'), code('GeneralProtection'), code('MachineCheck')]).toEqual([0, 6, 10, 11, 12, 13, 18]);
    expect([...isa.causes.values()].filter((c) => c.memory).map((c) => [c.name, c.code & 0xff]))
      .toEqual([['MachineCheck', 18], ['StackLimitViolation', 12], ['SegmentLimitViolation', 13]]);
    expect(isa.illegalInstruction.name).toBe('InvalidOpcode');
  });

  it('resets as a Multiboot loader leaves a kernel: CPL 0, PE and ET, flat 4 GiB segments', () => {
    const m = new Machine(checked);
    expect(get(m, isa.mode)).toBe(0);
    expect(get(m, CR0)).toBe(0x11);
    for (let s = 0; s < 6; s++) {
      expect(Number(m.interp.readReg(reg('SEGLIMIT'), s))).toBe(0xffffffff);
      expect(Number(m.interp.readReg(SEGATTR, s))).toBe(0xc093);
    }
  });
});

describe('x86-32: decoding byte streams', () => {
  it('the ModR/M reg field selects among 0F 01 and 0F 00, and an undescribed byte is #UD', () => {
    const m = boot(0, [
      0x0f, 0x01, 0x05, ...le32(DATA), // sgdt [DATA]       (0F 01 /0)
      0x0f, 0x01, 0x0d, ...le32(DATA + 8), // sidt [DATA + 8] (0F 01 /1)
      0x0f, 0x00, 0xc8, // str eax                  (0F 00 /1)
      0x66, // an operand-size prefix: not described
    ]);
    expect(steps(m, 3).map((r) => r.kind)).toEqual(['retired', 'retired', 'retired']);
    expect(read16(m, DATA)).toBe(DESCRIPTORS.length * 8 - 1);
    expect(read32(m, DATA + 2)).toBe(GDT);
    expect(read16(m, DATA + 8)).toBe(0x7ff);
    expect(gpr(m, EAX)).toBe(TSSSEL);
    expect(m.pc).toBe(CODE + 17);
    expect(m.step()).toMatchObject({ kind: 'trap', cause: { name: 'InvalidOpcode' }, pc: CODE + 17 });
  });
});

describe('x86-32: the arithmetic flags', () => {
  /** Run `op eax, ebx` (01 D8-style, reg form) with EAX = a, EBX = b; the result and the six flags. */
  function alu(opcode: number, a: number, b: number): [number, number] {
    const m = boot(0, [opcode, 0xd8]);
    set(m, GPR, a, EAX);
    set(m, GPR, b, EBX);
    expect(m.step().kind).toBe('retired');
    return [gpr(m, EAX), get(m, EFLAGS) & (CF | PF | AF | ZF | SF | OF)];
  }
  const ADD = 0x01, SUB = 0x29, XOR = 0x31, CMP = 0x39;

  it('ADD: carry, overflow, auxiliary carry, parity, sign, zero', () => {
    expect(alu(ADD, 0xffffffff, 1)).toEqual([0, CF | PF | AF | ZF]);
    expect(alu(ADD, 0x7fffffff, 1)).toEqual([0x80000000, OF | SF | AF | PF]);
    expect(alu(ADD, 0x0f, 0x01)).toEqual([0x10, AF]);
    expect(alu(ADD, 2, 1)).toEqual([3, PF]); // 0b11: two ones, even parity
  });

  it('SUB and CMP: borrow and signed overflow', () => {
    expect(alu(SUB, 0, 1)).toEqual([0xffffffff, CF | PF | AF | SF]);
    expect(alu(SUB, 0x80000000, 1)).toEqual([0x7fffffff, OF | PF | AF]);
    expect(alu(CMP, 5, 5)).toEqual([5, ZF | PF]);
  });

  it('XOR clears CF, OF and AF', () => {
    expect(alu(XOR, 0xff, 0x0f)).toEqual([0xf0, PF | 0]);
  });
});

describe('x86-32: the sensitive unprivileged instructions at CPL 3 (Robin & Irvine)', () => {
  it('POPFD at CPL 3 > IOPL loads the arithmetic flags but leaves IF and IOPL, without a fault', () => {
    const m = boot(3, [0x9d]); // popfd
    set(m, IF, 1);
    set(m, IOPL, 0);
    m.ram.loadBytes(USTACK, Uint8Array.from(le32(0x3000 | CF | ZF))); // IOPL 3, IF 0, CF, ZF
    expect(m.step()).toEqual({ kind: 'retired' });
    expect(get(m, EFLAGS) & (CF | ZF)).toBe(CF | ZF);
    expect([get(m, IF), get(m, IOPL)]).toEqual([1, 0]);
    expect(gpr(m, ESP)).toBe(USTACK + 4);
  });

  it('POPFD at CPL 3 = IOPL may change IF but not IOPL; at CPL 0 both', () => {
    const user = boot(3, [0x9d]);
    set(user, IF, 1);
    set(user, IOPL, 3);
    user.ram.loadBytes(USTACK, Uint8Array.from(le32(0x0000))); // IOPL 0, IF 0
    expect(user.step().kind).toBe('retired');
    expect([get(user, IF), get(user, IOPL)]).toEqual([0, 3]);

    const kernel = boot(0, [0x9d]);
    kernel.ram.loadBytes(KSTACK, Uint8Array.from(le32(0x3200))); // IOPL 3, IF 1
    expect(kernel.step().kind).toBe('retired');
    expect([get(kernel, IF), get(kernel, IOPL)]).toEqual([1, 3]);
  });

  it('PUSHFD at CPL 3 reveals IF and IOPL', () => {
    const m = boot(3, [0x9c]); // pushfd
    set(m, IF, 1);
    set(m, IOPL, 2);
    expect(m.step().kind).toBe('retired');
    expect(read32(m, USTACK - 4)).toBe(0x2202); // IOPL 2, IF, reserved bit 1
  });

  it('SGDT at CPL 3 stores the GDTR without a fault', () => {
    const m = boot(3, [0x0f, 0x01, 0x05, ...le32(DATA)]); // sgdt [DATA]
    expect(m.step()).toEqual({ kind: 'retired' });
    expect(read16(m, DATA)).toBe(DESCRIPTORS.length * 8 - 1);
    expect(read32(m, DATA + 2)).toBe(GDT);
  });

  it('with CR4.UMIP = 1, SGDT, SMSW and STR at CPL 3 raise #GP(0); at CPL 0 they still run', () => {
    for (const code of [[0x0f, 0x01, 0x05, ...le32(DATA)], [0x0f, 0x01, 0xe0], [0x0f, 0x00, 0xc8]]) {
      const user = boot(3, code);
      set(user, CR4, 1 << 11);
      expect(user.step()).toMatchObject({ kind: 'trap', cause: { name: 'GeneralProtection' }, tval: 0, pc: CODE });
      const kernel = boot(0, code);
      set(kernel, CR4, 1 << 11);
      expect(kernel.step()).toEqual({ kind: 'retired' });
    }
  });

  it('SMSW at CPL 3 reads CR0 without a fault', () => {
    const m = boot(3, [0x0f, 0x01, 0xe0]); // smsw eax
    expect(m.step().kind).toBe('retired');
    expect(gpr(m, EAX)).toBe(0x11);
  });

  it('MOV from CS and PUSH CS show the CPL in the RPL', () => {
    const m = boot(3, [0x8c, 0xc8, 0x0e]); // mov eax, cs; push cs
    expect(steps(m, 2).map((r) => r.kind)).toEqual(['retired', 'retired']);
    expect(gpr(m, EAX)).toBe(UCODE);
    expect(read32(m, USTACK - 4)).toBe(UCODE);
  });

  it('LAR and VERR answer differently at CPL 3 and CPL 0 for a DPL 0 segment', () => {
    const code = [0x0f, 0x02, 0xc1, 0x0f, 0x00, 0xe1]; // lar eax, ecx; verr cx
    const results = ([3, 0] as const).map((cpl) => {
      const m = boot(cpl, code);
      set(m, GPR, KDATA, ECX);
      set(m, GPR, 0xdead, EAX);
      m.step();
      const lar = [gpr(m, EAX), get(m, EFLAGS) & ZF];
      m.step();
      return [...lar, get(m, EFLAGS) & ZF];
    });
    expect(results[0]).toEqual([0xdead, 0, 0]); // CPL 3: not visible, EAX unchanged
    expect(results[1]).toEqual([0x00c09300, ZF, ZF]); // CPL 0: G, D, P, DPL 0, S, type 3 (bits 19:16 as 0)
  });

  it('CLI at CPL 3 with IOPL 0 raises #GP(0); with IOPL 3 it clears IF', () => {
    const faulting = boot(3, [0xfa]); // cli
    set(faulting, IF, 1);
    expect(faulting.step()).toMatchObject({ kind: 'trap', cause: { name: 'GeneralProtection' }, tval: 0, pc: CODE });
    expect(get(faulting, IF)).toBe(0); // the #GP went through an interrupt gate

    const allowed = boot(3, [0xfa]);
    set(allowed, IF, 1);
    set(allowed, IOPL, 3);
    expect(allowed.step()).toEqual({ kind: 'retired' });
    expect(get(allowed, IF)).toBe(0);
  });

  it('MOV DS at CPL 3 loads a DPL 3 segment and refuses a DPL 0 one with #GP(selector)', () => {
    const m = boot(3, [0x8e, 0xd8, 0x8e, 0xd9]); // mov ds, eax; mov ds, ecx
    set(m, GPR, UDATA, EAX);
    set(m, GPR, KDATA, ECX);
    expect(m.step()).toEqual({ kind: 'retired' });
    expect(m.step()).toMatchObject({ kind: 'trap', cause: { name: 'GeneralProtection' }, tval: KDATA });
  });
});

describe('x86-32: privileged instructions and the IDT', () => {
  it('LGDT, MOV to CR0 and HLT at CPL 3 raise #GP(0); at CPL 0 they run', () => {
    for (const code of [[0x0f, 0x01, 0x15, ...le32(DATA)], [0x0f, 0x22, 0xc0], [0xf4]]) {
      expect(boot(3, code).step()).toMatchObject({ kind: 'trap', cause: { name: 'GeneralProtection' }, tval: 0 });
    }
    const m = boot(0, [0x0f, 0x01, 0x15, ...le32(DATA), 0xf4]); // lgdt [DATA]; hlt
    m.ram.loadBytes(DATA, Uint8Array.from([...le16(0x17), ...le32(0x12345678)]));
    set(m, GPR, 7, EAX);
    expect(m.step()).toEqual({ kind: 'retired' });
    expect(m.interp.readReg(GDTR)).toBe(0x123456780017n);
    expect(m.step()).toEqual({ kind: 'halt', code: 7 });
  });

  it('a fault at CPL 3 enters its handler at CPL 0 on the TSS stack: SS, ESP, EFLAGS, CS, EIP, error code', () => {
    const m = boot(3, [0xfa]); // cli with IOPL 0
    set(m, IF, 1);
    expect(m.step()).toMatchObject({ kind: 'trap', cause: { name: 'GeneralProtection' } });
    expect(m.pc).toBe(HANDLER);
    expect(get(m, isa.mode)).toBe(0);
    expect(Number(m.interp.readReg(SEL, CS))).toBe(KCODE);
    expect(Number(m.interp.readReg(SEL, SS))).toBe(KDATA);
    expect(gpr(m, ESP)).toBe(KSTACK - 24);
    const frame = [0, 4, 8, 12, 16, 20].map((o) => read32(m, KSTACK - 24 + o));
    expect(frame).toEqual([0, CODE, UCODE, 0x202, USTACK, UDATA]);
  });

  it('INT 0x80 from CPL 3 through a DPL 3 gate pushes the next EIP and no error code; IRET returns to CPL 3', () => {
    const m = boot(3, [0xcd, 0x80]); // int 0x80
    m.ram.loadBytes(HANDLER, Uint8Array.from([0xcf])); // iretd
    set(m, IF, 1);
    expect(m.step()).toEqual({ kind: 'retired' });
    expect([m.pc, get(m, isa.mode), gpr(m, ESP), get(m, IF)]).toEqual([HANDLER, 0, KSTACK - 20, 0]);
    expect(read32(m, KSTACK - 20)).toBe(CODE + 2);
    expect(m.step()).toEqual({ kind: 'retired' });
    expect([m.pc, get(m, isa.mode), gpr(m, ESP), get(m, IF)]).toEqual([CODE + 2, 3, USTACK, 1]);
    expect(Number(m.interp.readReg(SEL, CS))).toBe(UCODE);
  });

  it('INT n through a DPL 0 gate from CPL 3 is #GP(vector·8 + 2)', () => {
    const m = boot(3, [0xcd, 0x21]); // int 0x21
    expect(m.step()).toMatchObject({ kind: 'trap', cause: { name: 'GeneralProtection' }, tval: 0x21 * 8 + 2 });
  });

  it('OUT at CPL 3 needs IOPL 3 (this TSS has no I/O permission bit map); port 0x3F8 is the UART', () => {
    const code = [0xba, ...le32(0x3f8), 0xb8, ...le32(0x41), 0xee]; // mov edx, 0x3f8; mov eax, 'A'; out dx, al
    const denied = boot(3, code);
    steps(denied, 2);
    expect(denied.step()).toMatchObject({ kind: 'trap', cause: { name: 'GeneralProtection' }, tval: 0 });
    const out: number[] = [];
    const allowed = boot(3, code, (b) => out.push(b));
    set(allowed, IOPL, 3);
    expect(steps(allowed, 3).map((r) => r.kind)).toEqual(['retired', 'retired', 'retired']);
    expect(out).toEqual([0x41]);
  });

  it('DIV by zero is #DE', () => {
    const m = boot(0, [0xf7, 0xf1]); // div ecx
    expect(m.step()).toMatchObject({ kind: 'trap', cause: { name: 'DivideError' } });
  });
});

describe('x86-32 guest (guests/x86-32)', () => {
  const dir = join(root, 'guests/x86-32');

  it('rings.elf prints what it recorded (expected.txt) and halts with code 0', () => {
    let text = '';
    const machine = new Machine(checked, { console: (b) => { text += String.fromCharCode(b); } });
    const image = loadGuestImage(join(dir, 'rings.elf'), isa);
    placeImage(image, machine.ram);
    machine.pc = image.entry;
    expect(runMachine(machine, 1_000_000)).toMatchObject({ kind: 'halted', code: 0 });
    expect(text).toBe(readFileSync(join(dir, 'expected.txt'), 'latin1'));
  });

  const has = (tool: string): boolean => {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };

  /**
   * The guest's console on qemu-system-i386 (Multiboot -kernel, COM1 on stdio). The guest ends in
   * HLT with IF = 0, where QEMU waits forever: it is stopped once the exit line is out.
   */
  function runOnQemu(elf: string): Promise<string> {
    return new Promise((resolve) => {
      const qemu = spawn('qemu-system-i386', ['-kernel', elf, '-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-no-reboot'],
        { stdio: ['ignore', 'pipe', 'ignore'] });
      let text = '';
      const timer = setTimeout(() => qemu.kill(), 20_000);
      qemu.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (/exit \d+\n$/.test(text)) qemu.kill();
      });
      qemu.on('close', () => {
        clearTimeout(timer);
        resolve(text);
      });
    });
  }

  // CI installs both (.ci/run): the comparisons below must not be skipped there.
  it.runIf(Boolean(process.env['CI']))('qemu-system-i386 and nasm are installed in CI', () => {
    expect([has('qemu-system-i386'), has('nasm')]).toEqual([true, true]);
  });

  it.runIf(has('qemu-system-i386'))('rings.elf prints the same bytes on live qemu-system-i386', async () => {
    expect(await runOnQemu(join(dir, 'rings.elf'))).toBe(readFileSync(join(dir, 'expected.txt'), 'latin1'));
  }, 30_000);

  // rings.elf is what rings.asm builds to: test/guests/rebuild.test.ts.
});
