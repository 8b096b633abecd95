/**
 * The audit of isas/ against the literature's verdicts (docs/literature.md): Theorems 1 and 3 and
 * the instructions that break Theorem 1, per ISA, over all states and under its `vmm:`
 * configuration. Where the faithful model disagrees with the literature, the disagreement is
 * listed here with its reason, as in docs/literature.md, so a change in either shows up as a
 * failure rather than a silent drift. Read from reports/*.json, which test/report/reports.test.ts
 * holds to exactly what the current code generates.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Verdicts {
  readonly t1: { readonly holds: boolean; readonly offending: readonly { readonly instruction: string }[] };
  readonly t3: { readonly holds: boolean };
}

interface Report {
  readonly theorems: Verdicts;
  readonly underVmmConfig: Verdicts;
  /** Rows with a class left unknown. */
  readonly unknown: { readonly allStates: number; readonly underVmmConfig: number };
}

function report(isa: string): Report {
  return JSON.parse(readFileSync(`reports/${isa}.json`, 'utf8')) as Report;
}

/** The instructions (selections folded) that break Theorem 1. */
function breaking(v: Verdicts): string[] {
  return [...new Set(v.t1.offending.map((o) => o.instruction.split(' ')[0]!))].sort();
}

/** One row of the literature's table, in this project's instruction names. */
interface Row {
  readonly t1: boolean;
  readonly t3: boolean;
  /** The instructions the literature says break Theorem 1. */
  readonly breaking: readonly string[];
  /** Found here too, and why (docs/literature.md). */
  readonly extra?: Readonly<Record<string, string>>;
  /** Not found here, and why. */
  readonly missing?: Readonly<Record<string, string>>;
}

// Robin & Irvine 2000, in x86-32.yaml's names (INT n: both of its encodings, CD ib and CC).
const TABLE_READERS = ['sgdt_m', 'sidt_m', 'sldt_r32', 'sldt_m16', 'smsw_r32', 'smsw_m16', 'str_r32', 'str_m16'];
const ROBIN_IRVINE = [
  ...TABLE_READERS, 'pushfd', 'popfd', 'lar_r32_r16', 'lsl_r32_r16', 'verr_r16', 'verw_r16',
  'mov_r32_sreg', 'mov_m16_sreg', 'mov_sreg_r16', 'mov_sreg_m16',
  'push_es', 'push_cs', 'push_ss', 'push_ds', 'push_fs', 'push_gs', 'pop_es', 'pop_ss', 'pop_ds', 'pop_fs', 'pop_gs',
  'call_far_ptr', 'call_far_m', 'jmp_far_ptr', 'jmp_far_m', 'retf', 'retf_imm16', 'int_imm8', 'int3',
];
const IRET = 'at CPL 3 it loads CS and EIP from the stack without trapping, as far RET does (2A IRET)';

const DATA_PROCESSING_S_PC = ['and', 'eor', 'sub', 'rsb', 'add', 'adc', 'sbc', 'rsc', 'orr', 'mov', 'bic', 'mvn'].flatMap((n) => [n, `${n}.r`]);
const LDRT = 'no MMU is modelled (the description\'s header), and the audit classifies modulo translation: '
  + 'LDRT differs from LDR only in the permission check of a translation (A8.8.92), a memory trap, which P&G exclude';

const PDP10_PC_WORD = 'stores the PC word, whose User flag (bit 5) shows the mode: mode-sensitive, harmless to a hybrid VMM (SRM p. 2-57)';
const PDP10_USERIO = 'with User In-out set a user program may do I/O (SRM p. 2-57); the vmm: row clears it';

const LITERATURE: Readonly<Record<string, { readonly all: Row; readonly vmm?: Row }>> = {
  'x86-32': {
    all: {
      t1: false, t3: false, breaking: ROBIN_IRVINE,
      extra: {
        cli: 'IOPL = 3 is a state: at CPL 3 CLI changes IF without trapping (2A CLI); Robin & Irvine assume IOPL < 3',
        sti: 'as CLI', iret: IRET,
      },
    },
    vmm: { t1: false, t3: false, breaking: ROBIN_IRVINE.filter((n) => !TABLE_READERS.includes(n)), extra: { iret: IRET } },
  },
  armv7a: {
    all: {
      t1: false, t3: false,
      breaking: [
        'cps', 'mrs', 'mrs.spsr', 'msr', 'msr.spsr', 'msr.i.f', 'msr.i.s', 'msr.i.x', 'msr.i.c', 'msr.i.spsr', 'rfe', 'srs',
        'ldm.user', 'ldm.eret', 'stm.user.c0xxx', 'stm.user.c10xx', 'stm.user.c110x', 'stm.user.c1110', ...DATA_PROCESSING_S_PC,
        'ldrt', 'ldrbt', 'strt', 'strbt',
      ],
      missing: { ldrt: LDRT, ldrbt: LDRT, strt: LDRT, strbt: LDRT },
    },
  },
  m68000: {
    all: { t1: false, t3: false, breaking: ['move_from_sr_d', 'move_from_sr_ai', 'move_from_sr_pi', 'move_from_sr_pd', 'move_from_sr_di', 'move_from_sr_al'] },
  },
  m68010: { all: { t1: true, t3: true, breaking: [] } },
  pdp10: {
    all: {
      t1: false, t3: true, breaking: ['JRST'],
      extra: {
        LUUO: PDP10_PC_WORD, PUSHJ: PDP10_PC_WORD, JSR: PDP10_PC_WORD, JSP: PDP10_PC_WORD,
        BLKO: PDP10_USERIO, DATAO: PDP10_USERIO, CONO: PDP10_USERIO, CONI: PDP10_USERIO, CONSZ: PDP10_USERIO, CONSO: PDP10_USERIO,
      },
    },
    vmm: { t1: false, t3: true, breaking: ['JRST'], extra: { LUUO: PDP10_PC_WORD, PUSHJ: PDP10_PC_WORD, JSR: PDP10_PC_WORD, JSP: PDP10_PC_WORD } },
  },
  riscv32: { all: { t1: true, t3: true, breaking: [] }, vmm: { t1: true, t3: true, breaking: [] } },
  pg3: { all: { t1: true, t3: true, breaking: [] } },
};

/** Theorem 3 over all states where the literature's verdict holds only under the vmm: configuration. */
const T3_ONLY_UNDER_VMM: Readonly<Record<string, string>> = { pdp10: PDP10_USERIO };

describe('the audit against the literature (docs/literature.md)', () => {
  it.each(Object.keys(LITERATURE))('%s: every class of every instruction is proven or witnessed', (isa) => {
    expect(report(isa).unknown).toEqual({ allStates: 0, underVmmConfig: 0 });
  });

  for (const [isa, rows] of Object.entries(LITERATURE)) {
    for (const [where, row] of Object.entries(rows)) {
      it(`${isa}${where === 'vmm' ? ' under vmm:' : ''}: Theorems 1 and 3 and the instructions that break Theorem 1`, () => {
        const r = report(isa);
        const v = where === 'vmm' ? r.underVmmConfig : r.theorems;
        expect(v.t1.holds).toBe(row.t1);
        const t3 = where === 'all' && T3_ONLY_UNDER_VMM[isa] !== undefined ? !row.t3 : row.t3;
        expect(v.t3.holds).toBe(t3);
        const expected = [...row.breaking.filter((n) => row.missing?.[n] === undefined), ...Object.keys(row.extra ?? {})].sort();
        expect(breaking(v)).toEqual(expected);
      });
    }
  }
});
