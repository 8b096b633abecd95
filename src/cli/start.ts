/**
 * `isavirt start` (what `npm start` runs): the main job on the ISAs shipped in isas/ — audit every
 * description and print its verdict table, then run the riscv32 UART guest on the bare machine
 * and print what it prints. Exit 0 when everything ran (a theorem that fails is a finding shown
 * in the table, not an error), 1 when the guest failed, 2 for bad input.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { auditIsa } from '../check/audit.js';
import { renderTable } from '../report/table.js';
import { loadCheckedIsa } from '../semantics/check-isa.js';
import { descriptionFiles } from './audit.js';
import { DEFAULT_MAX_STEPS, exitStatus, runGuest } from './run.js';

const UART_GUEST = { isa: 'riscv32.yaml', guest: 'guests/riscv32/hello/hello.elf' };

export function register(program: Command): void {
  program
    .command('start')
    .description('audit every ISA in a directory (default isas/) and run the riscv32 UART guest')
    .argument('[dir]', 'directory of ISA descriptions', 'isas')
    .action((dir: string) => {
      const isas = descriptionFiles([dir]).map(loadCheckedIsa);
      for (const checked of isas) process.stdout.write(`${renderTable(auditIsa(checked))}\n`);
      const riscv = isas.find((c) => c.isa.file === join(dir, UART_GUEST.isa));
      if (riscv === undefined) return;
      process.stdout.write(`riscv32 bare machine: ${UART_GUEST.guest}\n\n`);
      process.exitCode = exitStatus(runGuest(riscv, UART_GUEST.guest, DEFAULT_MAX_STEPS), DEFAULT_MAX_STEPS);
    });
}
