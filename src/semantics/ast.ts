/**
 * The semantics language's syntax tree, as parsed (docs/description-format.md, "The semantics
 * language"). Readonly and tagged by `kind`; names are still unresolved here — the typechecker
 * turns this into the resolved, width-annotated IR of ir.ts.
 */
import type { SourcePos } from '../diagnostic.js';

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%'
  | '&' | '|' | '^'
  | '<<' | '>>' | '>>>'
  | '==' | '!=' | '<' | '<=' | '>' | '>='
  | '<s' | '<=s' | '>s' | '>=s'
  | '&&' | '||';

export type UnaryOp = '~' | '-' | '!';

export type Expr =
  /** `width` is null for a decimal literal (it takes its width from context). */
  | { readonly kind: 'lit'; readonly value: bigint; readonly width: number | null; readonly pos: SourcePos }
  | { readonly kind: 'name'; readonly name: string; readonly pos: SourcePos }
  | { readonly kind: 'index'; readonly file: string; readonly index: Expr; readonly pos: SourcePos }
  | { readonly kind: 'field'; readonly base: Expr; readonly field: string; readonly pos: SourcePos }
  | { readonly kind: 'slice'; readonly expr: Expr; readonly hi: number; readonly lo: number; readonly pos: SourcePos }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly expr: Expr; readonly pos: SourcePos }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly pos: SourcePos }
  | { readonly kind: 'cond'; readonly cond: Expr; readonly then: Expr; readonly else: Expr; readonly pos: SourcePos }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly pos: SourcePos };

export interface MatchArm {
  /** Literals or constant names; an empty list is the default arm `_`. */
  readonly patterns: readonly Expr[];
  readonly body: readonly Stmt[];
  readonly pos: SourcePos;
}

export type Stmt =
  | { readonly kind: 'let'; readonly name: string; readonly mutable: boolean; readonly width: number | null; readonly value: Expr; readonly pos: SourcePos }
  | { readonly kind: 'assign'; readonly target: Expr; readonly value: Expr; readonly pos: SourcePos }
  | { readonly kind: 'if'; readonly cond: Expr; readonly then: readonly Stmt[]; readonly else: readonly Stmt[]; readonly pos: SourcePos }
  | { readonly kind: 'match'; readonly subject: Expr; readonly arms: readonly MatchArm[]; readonly pos: SourcePos }
  | { readonly kind: 'for'; readonly name: string; readonly width: number; readonly from: number; readonly to: number; readonly body: readonly Stmt[]; readonly pos: SourcePos }
  | { readonly kind: 'trap'; readonly cause: string; readonly value: Expr | null; readonly pos: SourcePos }
  | { readonly kind: 'halt'; readonly code: Expr; readonly pos: SourcePos }
  | { readonly kind: 'return'; readonly value: Expr | null; readonly pos: SourcePos }
  | { readonly kind: 'expr'; readonly expr: Expr; readonly pos: SourcePos };

/** A parsed semantics body: the statements of an instruction, function, trap entry or interrupt check. */
export interface Body {
  readonly stmts: readonly Stmt[];
  readonly pos: SourcePos;
}
