/**
 * `isavirt start` (what `npm start` runs): the main job on the ISAs shipped in isas/ — audit every
 * description, print its verdict table and a summary of all of them, and regenerate the reports
 * in reports/ (NAME.md, NAME.json and summary.md: deterministic, so a second run gives the same
 * bytes and CI can tell when they drift), then run the riscv32 UART guest on the bare machine and
 * print what it prints. Exit 0 when everything ran
 * (a theorem that fails is a finding shown in the table, not an error), 1 when the guest failed,
 * 2 for bad input.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { auditIsa } from '../check/audit.js';
import { renderSummary, renderSummaryReport } from '../report/summary.js';
import { renderTable } from '../report/table.js';
import { loadCheckedIsa } from '../semantics/check-isa.js';
import { descriptionFiles, displayPath, REPORTS_DIR, SUMMARY_FILE, writeReports, writeText } from './audit.js';
import { DEFAULT_MAX_STEPS, exitStatus, runGuest } from './run.js';

const UART_GUEST = { isa: 'riscv32.yaml', guest: 'guests/riscv32/hello/hello.elf' };

export function register(program: Command): void {
  program
    .command('start')
    .description(`audit every ISA in a directory (default isas/), regenerate ${REPORTS_DIR}/, and run the riscv32 UART guest`)
    .argument('[dir]', 'directory of ISA descriptions', 'isas')
    .option('--reports <dir>', 'where to write the reports', REPORTS_DIR)
    .action((dir: string, opts: { readonly reports: string }) => {
      const isas = descriptionFiles([dir]).map(loadCheckedIsa);
      const results = isas.map((checked) => auditIsa(checked));
      for (const result of results) process.stdout.write(`${renderTable(result)}\n`);
      process.stdout.write(`Summary\n\n${renderSummary(results, { times: true })}\n`);
      const written = writeReports(results, opts.reports);
      const summary = join(opts.reports, SUMMARY_FILE);
      writeText(summary, renderSummaryReport(results));
      process.stdout.write(`Reports: ${[...written, summary].join(', ')}\n\n`);
      const riscv = isas.find((c) => c.isa.file === displayPath(join(dir, UART_GUEST.isa)));
      if (riscv === undefined) return;
      process.stdout.write(`riscv32 bare machine: ${UART_GUEST.guest}\n\n`);
      process.exitCode = exitStatus(runGuest(riscv, UART_GUEST.guest, DEFAULT_MAX_STEPS), DEFAULT_MAX_STEPS);
    });
}
