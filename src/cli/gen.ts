/**
 * `isavirt gen ISA -o DIR`: write a standalone TypeScript hypervisor for one ISA to
 * DIR/<name>-vmm.ts (src/vmm/generate.ts), its privileged routines as the audit finds them.
 * Prints the file written and its size. Exit status 0, or 2 for bad input (a description the
 * generator cannot serve, a directory it cannot write).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { auditIsa } from '../check/audit.js';
import type { AuditResult } from '../check/result.js';
import { raise } from '../diagnostic.js';
import { loadCheckedIsa } from '../semantics/check-isa.js';
import { generateVmm } from '../vmm/generate.js';
import { displayPath } from './audit.js';

/** The runtime a generated module imports by default: this package's own (package.json "exports"). */
export const DEFAULT_RUNTIME = 'isavirt/runtime';

/**
 * The privileged instructions of an audit, as the generator takes them: name → the labels of the
 * variants privileged under the `vmm:` configuration (the configuration the VMM runs guests in).
 */
export function privilegedOf(audit: AuditResult): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const i of audit.instructions) {
    const labels = i.variants.filter((v) => v.underVmmConfig.privileged.value).map((v) => v.label);
    if (labels.length > 0) out.set(i.name, labels);
  }
  return out;
}

interface GenOptions {
  readonly out: string;
  readonly runtime: string;
}

export function register(program: Command): void {
  program
    .command('gen')
    .description('write a standalone TypeScript hypervisor for an ISA: dispatcher, allocator, and an interpreter routine per instruction')
    .argument('<isa>', 'ISA description (isas/NAME.yaml)')
    .requiredOption('-o, --out <dir>', 'directory to write <name>-vmm.ts into (made if missing)')
    .option('--runtime <module>', 'module the generated code imports its runtime from', DEFAULT_RUNTIME)
    .action((isaFile: string, opts: GenOptions) => {
      const checked = loadCheckedIsa(isaFile);
      const privileged = privilegedOf(auditIsa(checked));
      const module = generateVmm(checked, { runtime: opts.runtime, source: displayPath(isaFile), privileged });
      const path = join(opts.out, module.fileName);
      try {
        mkdirSync(opts.out, { recursive: true });
        writeFileSync(path, module.text);
      } catch (e) {
        raise('io/write', `cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`);
      }
      const lines = module.text.split('\n').length - 1;
      const count = checked.isa.instructions.length;
      process.stdout.write(`${path}: ${lines} lines, ${count} interpreter routines (${privileged.size} privileged)\n`);
      process.exitCode = 0;
    });
}
