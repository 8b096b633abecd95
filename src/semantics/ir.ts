/**
 * The checked semantics: the syntax tree with every name resolved (to a local slot, a state slot,
 * a constant, a function, a trap cause) and every expression annotated with its width in bits.
 * The interpreter runs it; effect analysis walks it path by path; the compiler (later) prints it
 * as JavaScript. Produced only by the typechecker.
 */
import type { SourcePos } from '../diagnostic.js';
import type { AccessKind, Cause, StateElement } from '../isa/model.js';
import type { Bits } from './values.js';

export type ArithOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>' | '>>>';
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '<s' | '<=s' | '>s' | '>=s';

export type IExpr =
  | { readonly k: 'const'; readonly w: number; readonly v: Bits; readonly pos: SourcePos }
  /** The word of the instruction being executed (0 outside an instruction). */
  | { readonly k: 'instruction'; readonly w: number; readonly pos: SourcePos }
  | { readonly k: 'local'; readonly w: number; readonly slot: number; readonly name: string; readonly pos: SourcePos }
  /** A scalar state register (including pc and mode). */
  | { readonly k: 'reg'; readonly w: number; readonly elem: StateElement; readonly pos: SourcePos }
  /** An element of a register file. */
  | { readonly k: 'file'; readonly w: number; readonly elem: StateElement; readonly index: IExpr; readonly pos: SourcePos }
  | { readonly k: 'slice'; readonly w: number; readonly e: IExpr; readonly hi: number; readonly lo: number; readonly pos: SourcePos }
  | { readonly k: 'not'; readonly w: number; readonly e: IExpr; readonly pos: SourcePos }
  | { readonly k: 'neg'; readonly w: number; readonly e: IExpr; readonly pos: SourcePos }
  | { readonly k: 'arith'; readonly w: number; readonly op: ArithOp; readonly a: IExpr; readonly b: IExpr; readonly pos: SourcePos }
  | { readonly k: 'compare'; readonly w: 1; readonly op: CompareOp; readonly a: IExpr; readonly b: IExpr; readonly pos: SourcePos }
  | { readonly k: 'logic'; readonly w: 1; readonly op: '&&' | '||'; readonly a: IExpr; readonly b: IExpr; readonly pos: SourcePos }
  | { readonly k: 'cond'; readonly w: number; readonly c: IExpr; readonly a: IExpr; readonly b: IExpr; readonly pos: SourcePos }
  | { readonly k: 'ext'; readonly w: number; readonly signed: boolean; readonly e: IExpr; readonly pos: SourcePos }
  | { readonly k: 'concat'; readonly w: number; readonly parts: readonly IExpr[]; readonly pos: SourcePos }
  | { readonly k: 'sdiv' | 'srem'; readonly w: number; readonly a: IExpr; readonly b: IExpr; readonly pos: SourcePos }
  | { readonly k: 'call'; readonly w: number; readonly fn: string; readonly args: readonly IExpr[]; readonly pos: SourcePos }
  /** Read `w` bits at a virtual address through the ISA's translation (access load). */
  | { readonly k: 'load'; readonly w: number; readonly addr: IExpr; readonly pos: SourcePos }
  /** Read `w` bits at a physical address; `access` selects the access-fault cause. */
  | { readonly k: 'loadPhys'; readonly w: number; readonly addr: IExpr; readonly access: AccessKind; readonly pos: SourcePos };

export interface IArm {
  readonly values: readonly Bits[];
  readonly body: readonly IStmt[];
}

export type IStmt =
  | { readonly k: 'setLocal'; readonly slot: number; readonly name: string; readonly e: IExpr; readonly pos: SourcePos }
  | { readonly k: 'setReg'; readonly elem: StateElement; readonly e: IExpr; readonly pos: SourcePos }
  | { readonly k: 'setField'; readonly elem: StateElement; readonly hi: number; readonly lo: number; readonly e: IExpr; readonly pos: SourcePos }
  | { readonly k: 'setFile'; readonly elem: StateElement; readonly index: IExpr; readonly e: IExpr; readonly pos: SourcePos }
  | { readonly k: 'setPc'; readonly e: IExpr; readonly pos: SourcePos }
  | { readonly k: 'if'; readonly c: IExpr; readonly then: readonly IStmt[]; readonly else: readonly IStmt[]; readonly pos: SourcePos }
  | { readonly k: 'match'; readonly subject: IExpr; readonly arms: readonly IArm[]; readonly otherwise: readonly IStmt[] | null; readonly pos: SourcePos }
  | { readonly k: 'for'; readonly slot: number; readonly w: number; readonly from: number; readonly to: number; readonly body: readonly IStmt[]; readonly pos: SourcePos }
  | { readonly k: 'trap'; readonly cause: Cause; readonly value: IExpr | null; readonly pos: SourcePos }
  | { readonly k: 'halt'; readonly code: IExpr; readonly pos: SourcePos }
  | { readonly k: 'return'; readonly e: IExpr | null; readonly pos: SourcePos }
  | { readonly k: 'eval'; readonly e: IExpr; readonly pos: SourcePos }
  | { readonly k: 'store'; readonly w: number; readonly addr: IExpr; readonly e: IExpr; readonly pos: SourcePos }
  | { readonly k: 'storePhys'; readonly w: number; readonly addr: IExpr; readonly e: IExpr; readonly access: AccessKind; readonly pos: SourcePos };

/** A checked body: its statements and how many local slots a frame needs. */
export interface Body {
  readonly stmts: readonly IStmt[];
  readonly frameSize: number;
}

/** A checked function; parameters occupy the first local slots, in order. */
export interface CheckedFunction {
  readonly name: string;
  readonly params: readonly { readonly name: string; readonly width: number }[];
  readonly returns: number | null;
  readonly body: Body;
}
