/**
 * `isavirt disasm ISA FILE [--base ADDR]`: disassemble a guest image with the disassembler derived
 * from the ISA description. A flat image is taken to start at the RAM base (or --base); an ELF
 * file's loadable segments are shown at their addresses. One line per instruction word:
 * `ADDRESS: WORD  TEXT`, with `.word 0x…` for a word no instruction matches.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { createDisassembler, unitsOfImage, wordOfUnits } from '../isa/disassembler.js';
import type { Isa } from '../isa/model.js';
import { loadGuestImage } from '../machine/image.js';
import { loadCheckedIsa } from '../semantics/check-isa.js';

/** A non-negative address in decimal or hex (0x…), _ separators allowed. */
function parseAddress(text: string): number {
  const n = Number(text.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`expected an address, got '${text}'`);
  return n;
}

/** The lines of one run of memory units starting at unit address `base`. */
export function listing(isa: Isa, units: readonly bigint[], base: number): string[] {
  const { disassemble } = createDisassembler(isa);
  const perWord = isa.instructionWidth / isa.unit;
  const addressDigits = Math.ceil(isa.addressWidth / 4);
  const wordDigits = Math.ceil(isa.instructionWidth / 4);
  const lines: string[] = [];
  for (let i = 0; i + perWord <= units.length; i += perWord) {
    const word = wordOfUnits(isa, units.slice(i, i + perWord));
    const hex = word.toString(16).padStart(wordDigits, '0');
    const text = disassemble(word) ?? `.word 0x${hex}`;
    lines.push(`${(base + i).toString(16).padStart(addressDigits, '0')}: ${hex}  ${text}`);
  }
  return lines;
}

export function register(program: Command): void {
  program
    .command('disasm')
    .description('disassemble a flat image (or an ELF file\'s segments) for an ISA')
    .argument('<isa>', 'ISA description (isas/NAME.yaml)')
    .argument('<image>', 'a flat image (as isavirt asm writes) or an ELF file')
    .option('--base <addr>', 'address of a flat image\'s first unit (default: the RAM base)', parseAddress)
    .action((isaFile: string, imageFile: string, opts: { base?: number }) => {
      const isa = loadCheckedIsa(isaFile).isa;
      const image = loadGuestImage(imageFile, isa);
      const lines = image.segments.flatMap((segment) => {
        const base = image.format === 'flat' && opts.base !== undefined ? opts.base : segment.address;
        return listing(isa, unitsOfImage(isa, segment.data), base);
      });
      process.stdout.write(lines.map((l) => `${l}\n`).join(''));
      process.exitCode = 0;
    });
}
