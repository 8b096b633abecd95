/**
 * The `isavirt` command line (DESIGN.md §6). Each command lives in its own file and exports
 * `register(program)`; adding a command is one line in COMMANDS. A command's action writes to
 * process.stdout/stderr and sets `process.exitCode` (0 clean, 1 findings, 2 bad input); it may
 * throw InputError for bad input. `main` turns all of that into the exit status it returns:
 * usage errors and InputErrors print one line per diagnostic and give 2, anything else thrown is
 * a bug in isavirt and gives 70 with its stack.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { InputError, formatDiagnostic } from '../diagnostic.js';
import { register as registerAsm } from './asm.js';
import { register as registerAudit } from './audit.js';
import { register as registerDisasm } from './disasm.js';
import { register as registerGen } from './gen.js';
import { register as registerRun } from './run.js';
import { register as registerStart } from './start.js';
import { register as registerValidate } from './validate.js';

const COMMANDS: readonly ((program: Command) => void)[] = [
  registerValidate,
  registerAudit,
  registerGen,
  registerRun,
  registerAsm,
  registerDisasm,
  registerStart,
];

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 2;
/** EX_SOFTWARE from sysexits.h: an internal error. */
export const EXIT_INTERNAL = 70;

function version(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : 'unknown';
}

function createProgram(): Command {
  const program = new Command('isavirt')
    .description('Popek–Goldberg audit, hypervisor generator and fidelity fuzzer for ISAs described in YAML')
    .version(version())
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
      // Commander's "error: unknown option '--x'\n(Did you mean --y?)" as one diagnostic line.
      outputError: (s, write) => {
        const message = s.replace(/^error: /, '').trim().split('\n').map((l) => l.trim()).join(' ');
        write(`${formatDiagnostic({ code: 'cli/usage', message })}\n`);
      },
    });
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs the command line `argv` (without node and the script) and returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const outer = process.exitCode;
  process.exitCode = undefined;
  try {
    await createProgram().parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? EXIT_OK);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    if (e instanceof InputError) {
      for (const d of e.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_INTERNAL;
  } finally {
    process.exitCode = outer;
  }
}
