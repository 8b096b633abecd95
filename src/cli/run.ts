/**
 * `isavirt run ISA GUEST...`: run guest programs on the bare machine or under the generated VMM
 * (`--vmm`), their consoles on stdout. Exit status: 0 when every guest reports success (tohost =
 * 1, or a finisher/halt with code 0), 1 when one reports failure, 2 for bad input, 124 when
 * --max-steps runs out for one.
 */
import { basename } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { auditIsa } from '../check/audit.js';
import { raise } from '../diagnostic.js';
import { loadGuestImage } from '../machine/image.js';
import type { RunOutcome } from '../machine/run.js';
import { loadCheckedIsa } from '../semantics/check-isa.js';
import type { Counters } from '../vmm/control-program.js';
import { runVmm, type VmmReport } from '../vmm/run.js';
import { chooseStrategy } from '../vmm/strategy.js';
import { runGuest } from './guest.js';

export { runGuest };
import { parseCount } from './options.js';

export const EXIT_TIMEOUT = 124;

/** Default step budget per guest: about a minute of guest time at current speeds. */
export const DEFAULT_MAX_STEPS = 100_000_000;

type VmmOption = 'auto' | 'trap-and-emulate' | 'hybrid' | 'none';
const VMM_OPTIONS: readonly VmmOption[] = ['auto', 'trap-and-emulate', 'hybrid', 'none'];

function parseVmm(text: string): VmmOption {
  const v = VMM_OPTIONS.find((o) => o === text);
  if (v === undefined) throw new InvalidArgumentError(`expected auto, trap-and-emulate, hybrid or none, got '${text}'`);
  return v;
}

function parseStats(text: string): 'text' | 'json' {
  if (text !== 'text' && text !== 'json') throw new InvalidArgumentError(`expected text or json, got '${text}'`);
  return text;
}

/** The exit status for a guest's outcome, with a line on stderr when it is not a success. */
export function exitStatus(outcome: RunOutcome, maxSteps: number, who = 'guest'): number {
  if (outcome.kind === 'timeout') {
    process.stderr.write(`isavirt: ${who} stopped after --max-steps ${maxSteps} steps\n`);
    return EXIT_TIMEOUT;
  }
  if (outcome.code !== 0) process.stderr.write(`isavirt: ${who} reported failure, code ${outcome.code}\n`);
  return outcome.code === 0 ? 0 : 1;
}

/** The worst of several exit statuses: a timeout over a failure over a success. */
function worst(statuses: readonly number[]): number {
  return statuses.includes(EXIT_TIMEOUT) ? EXIT_TIMEOUT : statuses.includes(1) ? 1 : 0;
}

interface RunOptions {
  readonly maxSteps: number;
  readonly vmm: VmmOption;
  readonly slice: number;
  readonly stats?: 'text' | 'json';
}

/** `reason n, reason n` for the nonzero counts of a tally, or `none`. */
function breakdown(tally: Readonly<Record<string, number>>): string {
  const parts = Object.entries(tally).filter(([, n]) => n > 0).map(([reason, n]) => `${reason} ${n}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/**
 * Per guest: steps, the seconds of its own time slices, MIPS over those; under a VMM its counters
 * with exits, interpreted steps and preemptions by reason (src/vmm/exits.ts) and the
 * direct-execution ratio, direct steps over all steps (DESIGN.md §5, efficiency).
 */
function printStats(report: VmmReport | null, outcomes: readonly RunOutcome[], names: readonly string[], format: 'text' | 'json'): void {
  const rows = outcomes.map((o, i) => {
    const counters: Counters | null = report?.counters[i] ?? null;
    const mips = o.steps / Math.max(o.seconds, 1e-9) / 1e6;
    const ratio = counters === null ? {} : { directRatio: Number((o.steps === 0 ? 0 : counters.direct / o.steps).toFixed(6)) };
    return { guest: names[i]!, steps: o.steps, seconds: Number(o.seconds.toFixed(6)), mips: Number(mips.toFixed(3)), ...(counters ?? {}), ...ratio };
  });
  if (format === 'json') {
    process.stderr.write(`${JSON.stringify({ strategy: report?.strategy ?? 'none', guests: rows })}\n`);
    return;
  }
  for (const [i, r] of rows.entries()) {
    const c = report?.counters[i];
    const vmm = c === undefined ? ''
      : `, direct ${c.direct} (${(100 * (r.directRatio ?? 0)).toFixed(2)}%), exits ${c.exits} (emulated ${c.emulated}, reflected ${c.reflected}; ${breakdown(c.exitsBy)}),`
        + ` interpreted ${c.interpreted} (${breakdown(c.interpretedBy)}), preempted ${breakdown(c.preemptedBy)}`;
    process.stderr.write(`${r.guest}: steps ${r.steps}, ${r.seconds.toFixed(3)} s, ${r.mips.toFixed(2)} MIPS${vmm}\n`);
  }
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run guests (ELF or flat images) on the bare machine or under the generated VMM; consoles go to stdout')
    .argument('<isa>', 'ISA description (isas/NAME.yaml)')
    .argument('<guest...>', 'guest programs: ELF files, or flat images loaded at the RAM base')
    .option('--vmm <strategy>', 'auto (from the audit), trap-and-emulate, hybrid, or none (the bare machine)', parseVmm, 'none')
    .option('--max-steps <n>', 'stop a guest after this many steps (exit 124)', parseCount, DEFAULT_MAX_STEPS)
    .option('--slice <n>', 'steps per time slice when several guests share the machine', parseCount, 10_000)
    .option('--stats [format]', 'print steps, seconds, guest MIPS and VMM counters on stderr: text or json', parseStats)
    .action((isaFile: string, guestFiles: string[], opts: RunOptions) => {
      const checked = loadCheckedIsa(isaFile);
      const images = guestFiles.map((f) => loadGuestImage(f, checked.isa));
      const names = guestFiles.map((f) => basename(f));
      const stats = opts.stats === undefined ? null : typeof opts.stats === 'string' ? opts.stats : 'text';
      if (opts.vmm === 'none') {
        if (images.length > 1) raise('cli/usage', 'several guests need a VMM to share the machine: add --vmm auto (or a strategy)');
        const outcome = runGuest(checked, images[0]!, opts.maxSteps);
        if (stats) printStats(null, [outcome], names, stats);
        process.exitCode = exitStatus(outcome, opts.maxSteps);
        return;
      }
      let strategy = opts.vmm === 'auto' ? null : opts.vmm;
      const audit = auditIsa(checked);
      const choice = chooseStrategy(audit.underVmmConfig.t1.holds, audit.underVmmConfig.t3.holds);
      if (strategy === null) {
        if (choice.strategy === null) raise('cli/usage', `${isaFile}: ${choice.reason}`);
        strategy = choice.strategy;
      } else if (strategy !== choice.strategy && !(strategy === 'hybrid' && choice.strategy === 'trap-and-emulate')) {
        process.stderr.write(`isavirt: warning: --vmm ${strategy} forced, but ${choice.reason}; the guests may not run faithfully\n`);
      }
      const report = runVmm(checked, images, { strategy, maxSteps: opts.maxSteps, slice: opts.slice, names: images.length > 1 ? names : null });
      if (stats) printStats(report, report.outcomes, names, stats);
      process.exitCode = worst(report.outcomes.map((o, i) => exitStatus(o, opts.maxSteps, images.length > 1 ? names[i] : 'guest')));
    });
}
