/**
 * Checked semantics printed as TypeScript (src/semantics/emit.ts): the operation for each width is
 * chosen at emit time as the closure compiler chooses it, constants keep their names, checks stay
 * before effects, and every body of every shipped ISA prints as code that type-checks under strict
 * settings. (That the printed code computes what the compiled closures compute is
 * test/vmm/generate-routines.test.ts's property, on the generated hypervisors.)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckedIsa, type CheckedIsa } from '../../src/semantics/check-isa.js';
import { SemanticsEmitter } from '../../src/semantics/emit.js';

const root = join(import.meta.dirname, '../..');
const ISAS = readdirSync(join(root, 'isas')).filter((f) => f.endsWith('.yaml')).sort();
const dir = mkdtempSync(join(tmpdir(), 'isavirt-emit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What emitted bodies expect of the module around them (emit.ts), declared rather than defined. */
function prelude(checked: CheckedIsa): string {
  const { isa } = checked;
  const address = isa.addressWidth <= 32 ? 'number' : 'bigint';
  return `import type { AccessKind, Bits, StateStore } from '${join(root, 'src/vmm/runtime.js')}';
export type Status = 'running' | 'trap' | 'halt';
type Address = ${address};
export interface Cause { readonly name: string; readonly code: number; readonly interrupt: boolean }
declare const CAUSE: Readonly<Record<string, Cause>>;
export declare class VirtualMachine {
  readonly s: StateStore;
  status: Status;
  instruction: ${isa.maxInstructionWidth <= 32 ? 'number' : 'bigint'};
  nextPc: Address;
  trap(cause: Cause, tval: Address): 'trap';
  halt(code: number): 'halt';
  loadNumber(va: Address, bits: number): number;
  loadBig(va: Address, bits: number): bigint;
  loadPhysNumber(pa: number, bits: number, access: AccessKind): number;
  loadPhysBig(pa: number, bits: number, access: AccessKind): bigint;
  store(va: Address, bits: number, value: Bits): void;
  storePhys(pa: number, bits: number, value: Bits, access: AccessKind): void;
}
`;
}

/** Every body of `checked` printed, after the helpers they use. */
function emitAll(checked: CheckedIsa): string {
  const e = new SemanticsEmitter(checked, ['VirtualMachine', 'CAUSE', 'Status', 'StateStore', 'Bits', 'AccessKind', 'Address', 'Cause']);
  const bodies = [
    ...[...checked.functions.keys()].map((f) => e.emitFunction(f)),
    e.emitTrapEntry(),
    e.emitInterrupts() ?? '',
    ...checked.isa.instructions.map((_, i) => e.emitRoutine(i)),
  ];
  return [prelude(checked), ...e.helperTexts(), ...bodies].join('\n\n');
}

const pg3 = emitAll(loadCheckedIsa(join(root, 'isas/pg3.yaml')));
const riscv32 = emitAll(loadCheckedIsa(join(root, 'isas/riscv32.yaml')));

/** The text of the function `name` in `text`. */
function fn(text: string, name: string): string {
  const at = text.indexOf(`export function ${name}(`);
  if (at < 0) throw new Error(`no function ${name}`);
  return text.slice(at, text.indexOf('\n}\n', at) + 2);
}

describe('emitted semantics', () => {
  it('choose the operation for the width: a 32-bit add is (a + b) >>> 0, a 15-bit one masked, a 64-bit one BigInt.asUintN', () => {
    expect(fn(pg3, 'routine_add')).toContain('writeGR(s, r, (readGR(s, r) + readGR(s, x)) >>> 0);');
    expect(fn(pg3, 'routine_jal')).toContain('(s.narrow[0 /* pc */] + 1) & 0x7fff');
    expect(fn(riscv32, 'routine_mulhu')).toContain('BigInt.asUintN(64, ');
  });

  it('name state and constants as the description does', () => {
    const lpsw = fn(pg3, 'routine_lpsw');
    expect(lpsw).toContain('s.narrow[1 /* mode */] === 0 /* u */');
    expect(lpsw).toContain('const psw = vm.loadNumber(');
    expect(fn(riscv32, 'csrRead')).toContain('case 0x300 /* CSR_MSTATUS */: {');
  });

  it('keep checks before effects, and end a body at a trap with the status as its value', () => {
    const lpsw = fn(pg3, 'routine_lpsw');
    const check = lpsw.indexOf('return vm.trap(CAUSE.PrivilegedInstruction, 0);');
    expect(check).toBeGreaterThan(0);
    expect(check).toBeLessThan(lpsw.indexOf('vm.loadNumber('));
    expect(lpsw.indexOf("if (vm.status !== 'running') return vm.status;")).toBeLessThan(lpsw.indexOf('s.narrow[1 /* mode */] = '));
    expect(pg3).not.toMatch(/\bthrow\b(?!.*outside the file)/);
  });

  it('of every shipped ISA type-check under strict settings', () => {
    const files = ISAS.map((f) => {
      const name = f.replace(/\.yaml$/, '');
      writeFileSync(join(dir, `${name}.ts`), emitAll(loadCheckedIsa(join(root, 'isas', f))));
      return `${name}.ts`;
    });
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')], strict: true, noImplicitReturns: true,
        noFallthroughCasesInSwitch: true, noUnusedLocals: true, noUnusedParameters: true, skipLibCheck: true, noEmit: true,
      },
      files,
    }));
    let output = '';
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    } catch (e) {
      output = e instanceof Error && 'stdout' in e ? String(e.stdout) : String(e);
    }
    expect(output).toBe('');
  });
});
