/**
 * The description as written, once isas/isa.schema.json has accepted it: the plain data that
 * `doc.toJS()` gives, before names are resolved. YAML integers arrive as bigint (the loader parses
 * with `intAsBigInt`, so 64-bit values keep every bit); `Int` also admits the number a YAML float
 * with an integral value becomes.
 */
import type { AccessKind, ClassName, Role } from './model.js';

export type Int = bigint | number;

export interface RawSourceRef {
  readonly manual: string;
  readonly edition: string;
  readonly section?: string;
  readonly url?: string;
}

export interface RawStateElement {
  readonly role: Role;
  readonly width: Int;
  readonly count?: Int;
  readonly fields?: Readonly<Record<string, Int | string>>;
  readonly reset?: Int;
  readonly zero?: readonly Int[];
  readonly names?: readonly string[];
  readonly modes?: Readonly<Record<string, Int>>;
  readonly user?: string;
  readonly tick?: 'step';
  readonly source?: string;
}

export interface RawConstant {
  readonly width: Int;
  readonly value: Int;
}

export interface RawOperand {
  readonly register?: string;
  readonly signed?: boolean;
}

export interface RawFunction {
  readonly params?: Readonly<Record<string, Int>>;
  readonly returns?: Int;
  readonly body: string;
  readonly source?: string;
}

export interface RawCause {
  readonly code: Int;
  readonly memory?: boolean;
  readonly interrupt?: boolean;
  readonly source?: string;
}

export interface RawDevice {
  readonly model: string;
  readonly base: Int;
  readonly [option: string]: string | Int;
}

export interface RawBoard {
  readonly ram: { readonly base: Int; readonly size: Int };
  readonly devices?: readonly RawDevice[];
  readonly htif?: boolean;
}

export type RawAllocator = RawRelocationBoundsAllocator | RawTwoSegmentAllocator | RawPageTableAllocator;

export interface RawRelocationBoundsAllocator {
  readonly kind: 'relocation-bounds';
  readonly base: string;
  readonly bound: string;
  readonly granule: Int;
}

export interface RawSegment {
  readonly base: string;
  readonly bound: string;
  readonly writeProtect?: string;
}

export interface RawTwoSegmentAllocator {
  readonly kind: 'two-segment';
  readonly low: RawSegment;
  readonly high: RawSegment;
  readonly granule: Int;
  readonly accumulators: Int;
}

export interface RawPageTableAllocator {
  readonly kind: 'page-table';
  readonly root: string;
  readonly enable: Readonly<Record<string, Int>>;
  readonly pageSize: Int;
  readonly levels: Int;
  readonly indexBits: Int;
  readonly pteSize: Int;
  readonly pte: Readonly<Record<'V' | 'R' | 'W' | 'X' | 'U' | 'A' | 'D', Int> & { readonly PPN: string }>;
  readonly faults: Readonly<Record<'fetch' | 'load' | 'store', string>>;
  readonly granule: Int;
}

export interface RawVmm {
  readonly description: string;
  readonly state?: Readonly<Record<string, Int>>;
  readonly allocator?: RawAllocator;
}

export interface RawInstruction {
  readonly name: string;
  /** A bare run of bits (`1111000000000000`) reads as a number; the loader takes its source text. */
  readonly encoding: string | Int;
  readonly syntax: string;
  readonly semantics: string;
  readonly source?: string;
  readonly expect?: Readonly<Partial<Record<ClassName, boolean>>>;
}

export interface RawIsa {
  readonly format: Int;
  readonly name: string;
  readonly title: string;
  readonly source: readonly RawSourceRef[];
  readonly endian: 'little' | 'big';
  readonly unit: Int;
  readonly instructionWidth: Int;
  readonly maxInstructionWidth?: Int;
  readonly addressWidth: Int;
  readonly physicalAddressWidth?: Int;
  readonly state: Readonly<Record<string, RawStateElement>>;
  readonly constants?: Readonly<Record<string, RawConstant>>;
  readonly operands?: Readonly<Record<string, RawOperand>>;
  readonly functions?: Readonly<Record<string, RawFunction>>;
  readonly traps: {
    readonly illegal: string;
    readonly causes: Readonly<Record<string, RawCause>>;
    readonly entry: string;
  };
  readonly memory: {
    readonly translate?: string;
    readonly accessFault: Readonly<Record<AccessKind, string>>;
  };
  readonly interrupts?: string;
  readonly board?: RawBoard;
  readonly vmm?: RawVmm;
  readonly instructions: readonly RawInstruction[];
}
