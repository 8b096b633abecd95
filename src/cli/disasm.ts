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
  const { disassembleStream } = createDisassembler(isa);
  const perParcel = isa.instructionWidth / isa.unit;
  const addressDigits = Math.ceil(isa.addressWidth / 4);
  const lines: string[] = [];
  for (let i = 0; i + perParcel <= units.length;) {
    const parcel = (k: number): bigint | null => {
      const at = i + k * perParcel;
      return at + perParcel <= units.length ? wordOfUnits(isa, units.slice(at, at + perParcel)) : null;
    };
    const found = disassembleStream(parcel);
    const width = found?.width ?? isa.instructionWidth;
    const word = found?.word ?? parcel(0) ?? 0n;
    const hex = word.toString(16).padStart(Math.ceil(width / 4), '0');
    lines.push(`${(base + i).toString(16).padStart(addressDigits, '0')}: ${hex}  ${found?.text ?? `.word 0x${hex}`}`);
    i += width / isa.unit;
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
