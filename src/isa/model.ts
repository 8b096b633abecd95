/**
 * The resolved, readonly model of one ISA description (docs/description-format.md), as produced by
 * `loadIsa` (load.ts). Everything downstream — machine, audit, VMM — reads only this.
 */
import type { SourcePos } from '../diagnostic.js';

/**
 * A semantics body as written in the YAML (a block or plain scalar), with the mapping from an
 * offset in `text` to its file:line:col. The semantics stage parses and checks it.
 */
export interface SourceText {
  readonly text: string;
  readonly locate: (offset: number) => SourcePos;
}

/** Popek & Goldberg's S = ⟨E, M, P, R⟩ by role (DESIGN.md §1); E is the machine's memory. */
export type Role = 'pc' | 'mode' | 'relocation' | 'control' | 'general' | 'timing';

export const ROLES: readonly Role[] = ['pc', 'mode', 'relocation', 'control', 'general', 'timing'];

export interface BitField {
  readonly name: string;
  readonly hi: number;
  readonly lo: number;
}

/** A state register or register file. Values of width ≤ 32 live in `narrow` slots, wider ones in `wide` slots. */
export interface StateElement {
  readonly name: string;
  readonly role: Role;
  /** Bits per element, 1..64. */
  readonly width: number;
  /** Elements: 1 for a scalar register; `isFile` tells a one-element file from a scalar. */
  readonly count: number;
  readonly isFile: boolean;
  /** First slot in the state's narrow (width ≤ 32) or wide array; a file uses `count` consecutive slots. */
  readonly slot: number;
  readonly wide: boolean;
  readonly fields: ReadonlyMap<string, BitField>;
  readonly reset: bigint;
  /** Indices of a file hard-wired to zero. */
  readonly zero: readonly number[];
  /** Assembly names of a file's elements, in index order (may be empty). */
  readonly names: readonly string[];
  /** Incremented by one after every step (timing counters). */
  readonly tick: boolean;
  readonly pos: SourcePos;
}

export interface Mode {
  readonly name: string;
  readonly value: number;
}

export interface Constant {
  readonly name: string;
  readonly width: number;
  readonly value: bigint;
}

export interface Cause {
  readonly name: string;
  readonly code: number;
  readonly interrupt: boolean;
  /** A memory trap in Popek & Goldberg's sense (relocation/bounds/page/access fault). */
  readonly memory: boolean;
  readonly pos: SourcePos;
}

/** Bits `hi..lo` of a field sit at bit `at` (their least significant bit) of the instruction word. */
export interface FieldPiece {
  readonly hi: number;
  readonly lo: number;
  readonly at: number;
}

export interface EncodingField {
  readonly name: string;
  /** Highest bit supplied by any piece, plus one. */
  readonly width: number;
  readonly pieces: readonly FieldPiece[];
}

export interface Encoding {
  /** Bits of this instruction: `instructionWidth`, or a multiple of it for variable-length ISAs. */
  readonly width: number;
  /** 1 where the instruction word has a fixed bit. */
  readonly mask: bigint;
  /** The fixed bits' values (0 outside `mask`). */
  readonly match: bigint;
  readonly fields: readonly EncodingField[];
  readonly text: string;
}

/** How a field is written in assembly. */
export type Operand =
  | { readonly kind: 'register'; readonly file: string }
  | { readonly kind: 'signed' }
  | { readonly kind: 'unsigned' };

/** Classes an `expect:` may claim (DESIGN.md §3). */
export type ClassName =
  | 'privileged' | 'controlSensitive' | 'modeSensitive' | 'locationSensitive'
  | 'resourceSensitive' | 'userSensitive' | 'innocuous';

export interface Instruction {
  readonly name: string;
  readonly encoding: Encoding;
  readonly syntax: string;
  readonly semantics: SourceText;
  readonly source: string | null;
  readonly expect: ReadonlyMap<ClassName, boolean>;
  /** Where each `expect:` claim is written (its key), so the audit can point at a wrong one. */
  readonly expectPos: ReadonlyMap<ClassName, SourcePos>;
  readonly pos: SourcePos;
}

export interface Param {
  readonly name: string;
  readonly width: number;
}

export interface SemanticsFunction {
  readonly name: string;
  readonly params: readonly Param[];
  /** Width of the result in bits; null for a function called only for its effects. */
  readonly returns: number | null;
  readonly body: SourceText;
  readonly pos: SourcePos;
}

export type AccessKind = 'fetch' | 'load' | 'store';

export interface Device {
  /** Device model name, e.g. `ns16550a`, `clint`, `sifive-test`. */
  readonly model: string;
  readonly base: number;
  /** Other settings: wiring of interrupt lines to state bits (`mip.MTIP`), state names (`mtime`). */
  readonly options: ReadonlyMap<string, string | number>;
  readonly pos: SourcePos;
}

export interface Board {
  /** RAM base and size in memory units. */
  readonly ram: { readonly base: number; readonly size: number };
  readonly devices: readonly Device[];
  readonly htif: boolean;
}

/** A state register, or one field of it. */
export interface StateRef {
  readonly element: StateElement;
  readonly field: BitField | null;
}

/** How the VMM's allocator composes a guest's virtual relocation with its allocation (docs/vmm.md). */
export type AllocatorSpec = RelocationBoundsSpec | TwoSegmentSpec | PageTableSpec;

/**
 * `relocation-bounds`: Popek & Goldberg's R = (l, b), where addresses below bound × granule are
 * legal and are relocated by base × granule.
 */
export interface RelocationBoundsSpec {
  readonly kind: 'relocation-bounds';
  readonly base: StateRef;
  readonly bound: StateRef;
  /** Memory units per step of base and bound. */
  readonly granule: number;
  readonly pos: SourcePos;
}

/** One segment of `two-segment`: relocation and highest legal block, both in blocks. */
export interface SegmentSpec {
  readonly base: StateRef;
  readonly bound: StateRef;
  /** When 1, the segment may not be written; null when the segment is always writable. */
  readonly writeProtect: StateRef | null;
}

/**
 * `two-segment`: the KA10's relocation and protection (PDP-10 System Reference Manual §2.15). In
 * the user mode an address at or above `accumulators` whose block (address / granule) is at most
 * low.bound is relocated by low.base blocks; otherwise, in the upper half of the address space, a
 * block at most high.bound is relocated by high.base blocks (mod the address space); anything else
 * is a protection violation. Addresses below `accumulators`, and every address in other modes, are
 * not relocated.
 */
export interface TwoSegmentSpec {
  readonly kind: 'two-segment';
  readonly low: SegmentSpec;
  readonly high: SegmentSpec;
  /** Memory units per block. */
  readonly granule: number;
  /** Addresses below this are the fast registers (KA10 accumulators): real storage 0 .. n − 1. */
  readonly accumulators: number;
  readonly pos: SourcePos;
}

/** Bit positions of a page-table entry (`page-table`), and its page-number field. */
export interface PteLayout {
  /** Valid. */
  readonly V: number;
  /** Readable, writable, executable. */
  readonly R: number;
  readonly W: number;
  readonly X: number;
  /** Accessible in the user mode (the real mode guests run in). */
  readonly U: number;
  /** Accessed and dirty: set in every real leaf, so the real walk never writes a shadow table. */
  readonly A: number;
  readonly D: number;
  /** The physical page number: bits hi..lo hold the page's address / pageSize. */
  readonly ppn: { readonly hi: number; readonly lo: number };
}

/**
 * `page-table`: the ISA pages (RISC-V Sv32, Privileged ISA §4.3). The VMM keeps shadow page
 * tables in the ISA's own table format, which these fields describe, and points the real root
 * register at them; the guest's own tables are read through the description's `translate`.
 */
export interface PageTableSpec {
  readonly kind: 'page-table';
  /** The register or field that holds the root table's page number (satp.PPN). */
  readonly root: StateRef;
  /** Settings that turn the real machine's translation on (satp.MODE = 1). */
  readonly enable: readonly { readonly ref: StateRef; readonly value: bigint }[];
  /** Memory units per page; every table is one page. A power of two. */
  readonly pageSize: number;
  /** Tables in a walk, the root's included. */
  readonly levels: number;
  /** Virtual-address bits that index each table below the root (the root indexes the rest). */
  readonly indexBits: number;
  /** Bits per entry. */
  readonly pteSize: number;
  readonly pte: PteLayout;
  /** The real page-fault cause of each kind of access: an exit with one asks for a shadow fill. */
  readonly faults: { readonly fetch: Cause; readonly load: Cause; readonly store: Cause };
  /** Memory units each allocation is aligned to. */
  readonly granule: number;
  readonly pos: SourcePos;
}

export interface VmmConfig {
  readonly description: string;
  readonly allocator: AllocatorSpec | null;
  /** State (or state field) settings a VMM establishes, e.g. `mcounteren` = 0. */
  readonly settings: readonly { readonly element: string; readonly field: string | null; readonly value: bigint; readonly pos: SourcePos }[];
}

export interface SourceRef {
  readonly manual: string;
  readonly edition: string;
  readonly section: string | null;
  readonly url: string | null;
}

export interface Isa {
  readonly name: string;
  readonly title: string;
  readonly file: string;
  /** SHA-256 of the description file's bytes, hex. */
  readonly hash: string;
  readonly sources: readonly SourceRef[];
  readonly endian: 'little' | 'big';
  /** Bits per addressable memory unit. */
  readonly unit: number;
  /** Bits per instruction; for variable-length instructions, the parcel they are made of. */
  readonly instructionWidth: number;
  /** Bits of the longest instruction (= instructionWidth for fixed-length instructions). */
  readonly maxInstructionWidth: number;
  readonly addressWidth: number;
  readonly physicalAddressWidth: number;
  readonly state: ReadonlyMap<string, StateElement>;
  /** Number of narrow (≤ 32-bit) and wide state slots. */
  readonly narrowSlots: number;
  readonly wideSlots: number;
  readonly pc: StateElement;
  readonly mode: StateElement;
  /** Least to most privileged. */
  readonly modes: readonly Mode[];
  /** The mode a VMM runs guests in. */
  readonly userMode: Mode;
  readonly constants: ReadonlyMap<string, Constant>;
  readonly operands: ReadonlyMap<string, Operand>;
  readonly functions: ReadonlyMap<string, SemanticsFunction>;
  readonly causes: ReadonlyMap<string, Cause>;
  readonly trapEntry: SourceText;
  /** The cause raised for a word that decodes to no instruction (`traps.illegal`). */
  readonly illegalInstruction: Cause;
  /** Name of the function in `functions` that translates a virtual address, or null (identity). */
  readonly translate: string | null;
  readonly accessFault: Readonly<Record<AccessKind, Cause>>;
  readonly interrupts: SourceText | null;
  readonly board: Board | null;
  readonly vmm: VmmConfig | null;
  readonly instructions: readonly Instruction[];
}
