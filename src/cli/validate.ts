/**
 * `isavirt validate FILE...`: load each ISA description (YAML, schema, names, encodings) and check
 * its semantics. Prints `FILE: ok (N instructions)`, or the diagnostics one per line on stderr.
 * Exit status 0 when every file is valid, 2 otherwise.
 */
import type { Command } from 'commander';
import { InputError, formatDiagnostic, type Diagnostic } from '../diagnostic.js';
import { loadIsa } from '../isa/load.js';
import { checkIsa } from '../semantics/check-isa.js';

export interface Validation {
  readonly file: string;
  readonly ok: boolean;
  /** Number of instructions, when the file is valid. */
  readonly instructions?: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** Loads and checks one file; bad input is reported in the result, never thrown. */
export function validateFile(file: string): Validation {
  try {
    const isa = loadIsa(file);
    checkIsa(isa);
    return { file, ok: true, instructions: isa.instructions.length, diagnostics: [] };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { file, ok: false, diagnostics: e.diagnostics };
  }
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('check ISA descriptions: YAML syntax, schema, names, widths, encodings and semantics')
    .argument('<file...>', 'ISA descriptions (isas/NAME.yaml)')
    .option('--json', 'print one JSON object per file: { file, ok, instructions, diagnostics }')
    .action((files: string[], opts: { json?: boolean }) => {
      let allOk = true;
      for (const file of files) {
        const v = validateFile(file);
        allOk &&= v.ok;
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(v)}\n`);
        } else if (v.ok) {
          process.stdout.write(`${file}: ok (${v.instructions} instructions)\n`);
        } else {
          for (const d of v.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
        }
      }
      process.exitCode = allOk ? 0 : 2;
    });
}
