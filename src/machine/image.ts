/**
 * Guest images: a file on disk becomes segments to copy into RAM, an entry point and symbols.
 * An ELF file (it starts with \x7fELF) gives its PT_LOAD segments at their physical addresses
 * (p_paddr, as QEMU's `-kernel` loads them) and its .symtab; any other file is a flat binary
 * loaded at the RAM base and entered there.
 *
 * Segment addresses are in memory units; segment data and `memsz` are in bytes. On an ISA whose
 * unit is wider than a byte (16, 32, 36 or 64 bits), a flat image holds each unit in whole bytes
 * (a 36-bit word in 5), in the ISA's byte order; ELF images need 8-bit units.
 */
import { readFileSync } from 'node:fs';
import { raise } from '../diagnostic.js';
import type { Isa } from '../isa/model.js';
import { hex } from '../semantics/values.js';
import { parseElf } from './elf.js';
import type { Ram } from './memory.js';

/** `data` goes to unit address `address`, followed by zeros up to `memsz` bytes in all. */
export interface ImageSegment {
  readonly address: number;
  readonly data: Uint8Array;
  readonly memsz: number;
}

export interface GuestImage {
  /** The file it came from, for messages. */
  readonly file: string;
  readonly format: 'elf' | 'flat';
  /** Where execution starts (e_entry; the RAM base for a flat image). */
  readonly entry: number;
  /** e_machine of an ELF image; null for a flat one. */
  readonly machine: number | null;
  readonly segments: readonly ImageSegment[];
  /** Symbol addresses (ELF .symtab; empty for a flat image), e.g. `tohost`. */
  readonly symbols: ReadonlyMap<string, number>;
}

/** What loading needs of the ISA: its memory unit and its board's RAM base (0 without a board). */
export type ImageIsa = Pick<Isa, 'unit' | 'board'>;

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

/**
 * Read a guest image from `path`. Throws InputError `io/read` when the file cannot be read,
 * `elf/invalid` for a malformed ELF file, and `image/invalid` for an empty file or an ELF file
 * on an ISA whose memory unit is not a byte.
 */
export function loadGuestImage(path: string, isa: ImageIsa): GuestImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    raise('io/read', `${path}: cannot read the guest image (${e instanceof Error ? e.message : String(e)})`);
  }
  if (bytes.length === 0) raise('image/invalid', `${path}: the guest image is empty`);
  if (ELF_MAGIC.every((b, i) => bytes[i] === b)) {
    if (isa.unit !== 8) raise('image/invalid', `${path}: ELF images need 8-bit memory units; this ISA's unit is ${isa.unit} bits`);
    const elf = parseElf(bytes, path);
    return {
      file: path,
      format: 'elf',
      entry: elf.entry,
      machine: elf.machine,
      segments: elf.segments.map((s) => ({ address: s.paddr, data: s.data, memsz: s.memsz })),
      symbols: elf.symbols,
    };
  }
  // Without a board the machine's RAM starts at 0.
  const base = isa.board?.ram.base ?? 0;
  return {
    file: path,
    format: 'flat',
    entry: base,
    machine: null,
    segments: [{ address: base, data: bytes, memsz: bytes.length }],
    symbols: new Map(),
  };
}

/**
 * Copy every segment into `ram`, zero-filling from the end of its data to `memsz`. Throws
 * InputError `image/invalid` when a segment lies (partly) outside the RAM, or when its bytes do
 * not make whole memory units.
 */
export function placeImage(image: GuestImage, ram: Ram): void {
  // A flat image holds each unit in whole bytes (a 36-bit word in 5), as `isavirt asm` writes it.
  const bytesPerUnit = Math.ceil(ram.unit / 8);
  const w = ram.end > 0x1_0000_0000 ? 64 : 32;
  for (const s of image.segments) {
    const where = `${image.file}: the segment at ${hex(s.address, w)} (${s.memsz} bytes)`;
    if (s.data.length > s.memsz) raise('image/invalid', `${where} has ${s.data.length} bytes of data`);
    if (s.data.length % bytesPerUnit !== 0 || s.memsz % bytesPerUnit !== 0) {
      raise('image/invalid', `${where} is not a whole number of ${ram.unit}-bit memory units`);
    }
    const units = s.memsz / bytesPerUnit;
    if (!ram.contains(s.address, units)) {
      raise('image/invalid', `${where} lies outside RAM [${hex(ram.base, w)}, ${hex(ram.end, w)})`);
    }
    const dataUnits = s.data.length / bytesPerUnit;
    if (bytesPerUnit === 1) ram.loadBytes(s.address, s.data);
    else ram.loadUnits(s.address, packUnits(s.data, bytesPerUnit, ram.endian));
    ram.clear(s.address + dataUnits, units - dataUnits);
  }
}

/** Group bytes into units of `size` bytes, the first byte most significant when big-endian. */
function packUnits(data: Uint8Array, size: number, endian: 'little' | 'big'): bigint[] {
  const units: bigint[] = [];
  for (let at = 0; at < data.length; at += size) {
    let v = 0n;
    for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(data[endian === 'big' ? at + i : at + size - 1 - i]!);
    units.push(v);
  }
  return units;
}
