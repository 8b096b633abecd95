/**
 * `isavirt asm ISA FILE.s -o OUT.bin`: assemble a program with the assembler derived from the ISA
 * description and write its flat image (from the RAM base, each memory unit in whole bytes in the
 * ISA's byte order), which `isavirt run` loads at the RAM base and enters there.
 * Exit status 0, or 2 with one diagnostic line per error (file:line:col: error asm/syntax: …).
 */
import type { Command } from 'commander';
import { assembleFile, writeFlatImage } from '../isa/assembler.js';
import { loadCheckedIsa } from '../semantics/check-isa.js';

/** FILE.s → FILE.bin when no -o is given. */
function defaultOutput(source: string): string {
  return `${source.replace(/\.(s|asm)$/i, '')}.bin`;
}

export function register(program: Command): void {
  program
    .command('asm')
    .description('assemble a program for an ISA into a flat image loaded at the RAM base')
    .argument('<isa>', 'ISA description (isas/NAME.yaml)')
    .argument('<source>', 'assembly source (.s): labels, # or ; comments, .org, .word, instructions')
    .option('-o, --output <file>', 'the flat image to write (default: SOURCE with .bin)')
    .option('--symbols', 'print every label and its address on stdout')
    .action((isaFile: string, source: string, opts: { output?: string; symbols?: boolean }) => {
      const isa = loadCheckedIsa(isaFile).isa;
      const assembled = assembleFile(isa, source);
      writeFlatImage(isa, assembled, opts.output ?? defaultOutput(source));
      if (opts.symbols) {
        for (const [name, address] of assembled.symbols) process.stdout.write(`0x${address.toString(16)} ${name}\n`);
      }
      process.exitCode = 0;
    });
}
