/**
 * A reader for 32-bit ELF executables, little- or big-endian: the entry point, the loadable
 * segments and the symbol table — what a bare machine needs to start a guest built by a real
 * toolchain. Layouts from the System V ABI, "Executable and Linking Format (ELF)" (Tool Interface
 * Standard, version 1.2), chapter 1 "ELF Header", "Sections", "Symbol Table", and chapter 2
 * "Program Header".
 *
 * Every defect of the input is an InputError `elf/invalid` whose message starts with the file
 * name; no other exception escapes, whatever the bytes (a fast-check property holds it to that).
 */
import { raise } from '../diagnostic.js';

/** A PT_LOAD segment: `data` (p_filesz bytes) goes to `paddr`, zero-filled up to `memsz` bytes. */
export interface ElfSegment {
  readonly paddr: number;
  readonly vaddr: number;
  readonly data: Uint8Array;
  readonly memsz: number;
}

export interface ElfImage {
  readonly entry: number;
  /** e_machine (243 = RISC-V, 3 = i386, 8 = MIPS, ...). */
  readonly machine: number;
  readonly endian: 'little' | 'big';
  /** The PT_LOAD segments, in program-header order. */
  readonly segments: readonly ElfSegment[];
  /** Defined symbols of .symtab by name (a global wins over a local of the same name). */
  readonly symbols: ReadonlyMap<string, number>;
}

// e_ident
const EI_CLASS = 4;
const EI_DATA = 5;
const EI_VERSION = 6;
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const ELFDATA2MSB = 2;
const EV_CURRENT = 1;
// e_type
const ET_REL = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
const ET_CORE = 4;
// p_type, sh_type
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
// symbols
const SHN_UNDEF = 0;
const STB_LOCAL = 0;
const STT_SECTION = 3;
const STT_FILE = 4;

/** Field offsets in the ELF32 header (Elf32_Ehdr). */
const E_TYPE = 16;
const E_MACHINE = 18;
const E_ENTRY = 24;
const E_PHOFF = 28;
const E_SHOFF = 32;
const E_PHENTSIZE = 42;
const E_PHNUM = 44;
const E_SHENTSIZE = 46;
const E_SHNUM = 48;
/** Field offsets in a program header (Elf32_Phdr). */
const P_TYPE = 0;
const P_OFFSET = 4;
const P_VADDR = 8;
const P_PADDR = 12;
const P_FILESZ = 16;
const P_MEMSZ = 20;
/** Field offsets in a section header (Elf32_Shdr). */
const SH_TYPE = 4;
const SH_OFFSET = 16;
const SH_SIZE = 20;
const SH_LINK = 24;
/** Field offsets in a symbol (Elf32_Sym). */
const ST_NAME = 0;
const ST_VALUE = 4;
const ST_INFO = 12;
const ST_SHNDX = 14;

/** Sizes of the ELF32 header, a program header, a section header and a symbol, in bytes. */
const EHDR_SIZE = 52;
const PHDR_SIZE = 32;
const SHDR_SIZE = 40;
const SYM_SIZE = 16;
/** Bytes of e_ident. */
const EI_NIDENT = 16;

const TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [ET_REL, 'a relocatable object (ET_REL)'],
  [ET_DYN, 'a shared object or position-independent executable (ET_DYN)'],
  [ET_CORE, 'a core dump (ET_CORE)'],
]);

/** The one way out of the parser: InputError `elf/invalid`, the file name first. */
function fail(file: string, what: string): never {
  raise('elf/invalid', `${file}: ${what}`);
}

/** Bounds-checked reads of the file's fields in its byte order. */
class Reader {
  private readonly view: DataView;
  private readonly little: boolean;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    endian: 'little' | 'big',
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.little = endian === 'little';
  }

  fail(what: string): never {
    fail(this.file, what);
  }

  /** Require [offset, offset + size) inside the file. */
  need(offset: number, size: number, what: string): void {
    if (offset + size > this.bytes.length) {
      this.fail(`${what} (bytes ${offset}..${offset + size}) lies beyond the end of the file (${this.bytes.length} bytes)`);
    }
  }

  u16(offset: number): number {
    return this.view.getUint16(offset, this.little);
  }

  u32(offset: number): number {
    return this.view.getUint32(offset, this.little);
  }
}

/**
 * Parse an ELF32 executable. `file` names it in messages. Throws InputError `elf/invalid` for bad
 * magic, a 64-bit file, an unknown byte order or version, a truncated header, a file that is not
 * an executable (ET_EXEC), and any table, segment or string that lies outside the file.
 */
export function parseElf(bytes: Uint8Array, file: string): ElfImage {
  const magic = [0x7f, 0x45, 0x4c, 0x46];
  if (bytes.length < magic.length || magic.some((b, i) => bytes[i] !== b)) {
    fail(file, 'not an ELF file (it does not start with \\x7fELF)');
  }
  if (bytes.length < EI_NIDENT) fail(file, `truncated: ${bytes.length} bytes, shorter than the ELF identification`);
  const klass = bytes[EI_CLASS];
  if (klass === ELFCLASS64) fail(file, 'is a 64-bit ELF file (ELFCLASS64); isavirt loads 32-bit ELF files only');
  if (klass !== ELFCLASS32) fail(file, `unknown ELF class ${klass} (expected 1, ELFCLASS32)`);
  const data = bytes[EI_DATA];
  if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) fail(file, `unknown byte order ${data} (expected 1, little-endian, or 2, big-endian)`);
  if (bytes[EI_VERSION] !== EV_CURRENT) fail(file, `unknown ELF version ${bytes[EI_VERSION]} (expected 1)`);
  const endian = data === ELFDATA2LSB ? 'little' : 'big';
  const r = new Reader(bytes, file, endian);
  r.need(0, EHDR_SIZE, 'the ELF header');

  const type = r.u16(E_TYPE);
  if (type !== ET_EXEC) fail(file, `is ${TYPE_NAMES.get(type) ?? `of unknown type ${type}`}, not an executable (ET_EXEC)`);
  const machine = r.u16(E_MACHINE);
  const entry = r.u32(E_ENTRY);
  const segments = readSegments(r, r.u32(E_PHOFF), r.u16(E_PHENTSIZE), r.u16(E_PHNUM));
  if (segments.length === 0) fail(file, 'has no loadable (PT_LOAD) segment');
  const symbols = readSymbols(r, r.u32(E_SHOFF), r.u16(E_SHENTSIZE), r.u16(E_SHNUM));
  return { entry, machine, endian, segments, symbols };
}

function readSegments(r: Reader, phoff: number, phentsize: number, phnum: number): ElfSegment[] {
  if (phnum === 0) return [];
  if (phentsize < PHDR_SIZE) r.fail(`program headers of ${phentsize} bytes are too small (ELF32 needs ${PHDR_SIZE})`);
  r.need(phoff, phnum * phentsize, 'the program header table');
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (r.u32(ph + P_TYPE) !== PT_LOAD) continue;
    const offset = r.u32(ph + P_OFFSET);
    const vaddr = r.u32(ph + P_VADDR);
    const paddr = r.u32(ph + P_PADDR);
    const filesz = r.u32(ph + P_FILESZ);
    const memsz = r.u32(ph + P_MEMSZ);
    if (filesz > memsz) r.fail(`segment ${i} has more file bytes (${filesz}) than memory bytes (${memsz})`);
    if (paddr + memsz > 0x1_0000_0000) r.fail(`segment ${i} at 0x${paddr.toString(16)} runs past the end of the 32-bit address space`);
    r.need(offset, filesz, `segment ${i}`);
    segments.push({ paddr, vaddr, data: r.bytes.slice(offset, offset + filesz), memsz });
  }
  return segments;
}

/** Defined, named symbols of the first SHT_SYMTAB section; an empty map for a stripped file. */
function readSymbols(r: Reader, shoff: number, shentsize: number, shnum: number): Map<string, number> {
  const symbols = new Map<string, number>();
  // shnum 0: no section headers (or more than 0xff00, stored in section 0; not for guests).
  if (shnum === 0 || shoff === 0) return symbols;
  if (shentsize < SHDR_SIZE) r.fail(`section headers of ${shentsize} bytes are too small (ELF32 needs ${SHDR_SIZE})`);
  r.need(shoff, shnum * shentsize, 'the section header table');
  const section = (i: number): { readonly type: number; readonly offset: number; readonly size: number; readonly link: number } => {
    const sh = shoff + i * shentsize;
    return { type: r.u32(sh + SH_TYPE), offset: r.u32(sh + SH_OFFSET), size: r.u32(sh + SH_SIZE), link: r.u32(sh + SH_LINK) };
  };
  let symtab = -1;
  for (let i = 0; i < shnum && symtab < 0; i++) if (section(i).type === SHT_SYMTAB) symtab = i;
  if (symtab < 0) return symbols;
  const table = section(symtab);
  if (table.link >= shnum) r.fail(`the symbol table links to string table section ${table.link}, but there are only ${shnum} sections`);
  const strings = section(table.link);
  r.need(table.offset, table.size, 'the symbol table');
  r.need(strings.offset, strings.size, 'the symbol string table');
  const decoder = new TextDecoder('utf-8');
  const locals = new Set<string>();
  for (let s = table.offset; s + SYM_SIZE <= table.offset + table.size; s += SYM_SIZE) {
    const nameOffset = r.u32(s + ST_NAME);
    const value = r.u32(s + ST_VALUE);
    const info = r.bytes[s + ST_INFO]!;
    const shndx = r.u16(s + ST_SHNDX);
    const kind = info & 0xf; // ELF32_ST_TYPE; the binding is info >> 4 (ELF32_ST_BIND)
    if (nameOffset === 0 || shndx === SHN_UNDEF || kind === STT_SECTION || kind === STT_FILE) continue;
    if (nameOffset >= strings.size) r.fail(`a symbol's name (offset ${nameOffset}) lies outside its string table`);
    const start = strings.offset + nameOffset;
    const nul = r.bytes.subarray(start, strings.offset + strings.size).indexOf(0);
    if (nul < 0) r.fail(`a symbol's name at string table offset ${nameOffset} is not terminated`);
    const name = decoder.decode(r.bytes.subarray(start, start + nul));
    const local = info >> 4 === STB_LOCAL;
    // A global (or weak) definition wins over locals of the same name from other files.
    if (!symbols.has(name) || (locals.has(name) && !local)) {
      symbols.set(name, value);
      if (local) locals.add(name);
      else locals.delete(name);
    }
  }
  return symbols;
}
