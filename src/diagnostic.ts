/**
 * The one error type of isavirt: every bad input (YAML, schema, semantics, encodings, ELF, guest
 * images, CLI arguments) becomes a Diagnostic with a stable code and, where there is one, a
 * file:line:col position. The CLI prints them one per line and exits with status 2.
 */

/** A place in a source file; `line` and `col` count from 1. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/**
 * Stable diagnostic codes, grouped by the stage that raises them. Tests and tools match on these;
 * never rename one.
 */
export type DiagnosticCode =
  | 'yaml/syntax'
  | 'schema/invalid'
  | 'semantics/syntax'
  | 'semantics/unknown-name'
  | 'semantics/width'
  | 'semantics/type'
  | 'semantics/invalid'
  | 'isa/invalid'
  | 'encoding/invalid'
  | 'encoding/overlap'
  | 'elf/invalid'
  | 'image/invalid'
  | 'asm/syntax'
  | 'io/read'
  | 'io/write'
  | 'cli/usage';

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly pos?: SourcePos;
}

/** Thrown by loaders with every diagnostic they found; caught at the CLI (exit status 2). */
export class InputError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'InputError';
  }
}

/** `file:line:col: error CODE: message`, or `error CODE: message` without a position. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.pos ? `${d.pos.file}:${d.pos.line}:${d.pos.col}: ` : '';
  return `${where}error ${d.code}: ${d.message}`;
}

/** The single choke point for raising a positioned error. */
export function raise(code: DiagnosticCode, message: string, pos?: SourcePos): never {
  throw new InputError([pos ? { code, message, pos } : { code, message }]);
}
