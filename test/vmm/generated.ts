/**
 * Generated hypervisor modules for the tests (generate.test.ts, generate-routines.test.ts): written
 * to a temporary directory with the runtime imported by absolute path, then imported — vitest
 * compiles TypeScript on import — and checked to have the shape the tests use.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { auditIsa } from '../../src/check/audit.js';
import { privilegedOf } from '../../src/cli/gen.js';
import type { Isa } from '../../src/isa/model.js';
import type { GuestImage } from '../../src/machine/image.js';
import type { Ram } from '../../src/machine/memory.js';
import type { CheckedIsa } from '../../src/semantics/check-isa.js';
import type { Interpreter, StateStore } from '../../src/semantics/interpreter.js';
import type { Bits } from '../../src/semantics/values.js';
import { composerFor, type Allocation } from '../../src/vmm/allocator.js';
import type { ControlProgramOptions, Counters, GuestOutcome } from '../../src/vmm/control-program.js';
import { generateVmm } from '../../src/vmm/generate.js';

export const root = join(import.meta.dirname, '../..');
/** The runtime as the tests' generated modules import it: the source, by absolute path. */
export const RUNTIME = join(root, 'src/vmm/runtime.js');

export type Status = 'running' | 'trap' | 'halt';

export interface GeneratedVirtualMachine {
  readonly s: StateStore;
  readonly view: Interpreter;
  readonly haltCode: number;
  readonly cause: { readonly name: string };
  readonly tval: Bits;
  readonly trapPc: Bits;
  reset(): void;
  step(): Status;
}

export interface GeneratedControlProgram {
  readonly guests: readonly { readonly outcome: GuestOutcome | null; readonly counters: Counters; readonly allocation: Allocation }[];
  run(maxSteps: number, slice?: number): void;
}

export interface GeneratedModule {
  readonly ControlProgram: new (checked: CheckedIsa, images: readonly GuestImage[], options: ControlProgramOptions) => GeneratedControlProgram;
  readonly VirtualMachine: new (checked: CheckedIsa, ram: Ram, console?: (byte: number) => void) => GeneratedVirtualMachine;
  readonly decode: (word: number) => { readonly name: string } | null;
  readonly PRIVILEGED: Readonly<Record<string, readonly string[]>>;
}

function isGeneratedModule(m: unknown): m is GeneratedModule {
  return typeof m === 'object' && m !== null && 'ControlProgram' in m && typeof m.ControlProgram === 'function'
    && 'VirtualMachine' in m && typeof m.VirtualMachine === 'function' && 'decode' in m && typeof m.decode === 'function'
    && 'PRIVILEGED' in m && typeof m.PRIVILEGED === 'object';
}

/** Does the tree have a composer for this ISA's allocator (so a module can be generated and run)? */
export function composable(isa: Isa): boolean {
  try {
    composerFor(isa);
    return true;
  } catch {
    return false;
  }
}

/** The module text for `checked`, its privileged routines from the audit, importing the runtime source. */
export function generatedText(checked: CheckedIsa): string {
  return generateVmm(checked, { runtime: RUNTIME, source: `isas/${checked.isa.name}.yaml`, privileged: privilegedOf(auditIsa(checked)) }).text;
}

/** A temporary directory for generated modules: ESM, as the package is (without "type": "module" a .ts file loads as CommonJS). */
export function generatedDir(): { readonly dir: string; readonly remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'isavirt-gen-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Write `text` as `dir/<name>-vmm.ts` and import it. */
export async function importGenerated(dir: string, name: string, text: string): Promise<GeneratedModule> {
  const file = join(dir, `${name}-vmm.ts`);
  writeFileSync(file, text);
  const m: unknown = await import(pathToFileURL(file).href);
  if (!isGeneratedModule(m)) throw new Error(`${file} does not export the generated module's classes`);
  return m;
}
