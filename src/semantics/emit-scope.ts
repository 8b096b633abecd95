/**
 * What emitting one body of checked semantics as TypeScript (emit.ts) needs to know of the module
 * around it and of the body itself: names of functions and helpers, which functions can stop (trap
 * or halt) and so need a status check after each call, constants' names for comments, and the
 * body's locals, temporaries and way of ending after a stop.
 */
import type { Cause, Isa, StateElement } from '../isa/model.js';
import type { IExpr } from './ir.js';
import type { Lines } from './emit-text.js';

/** An ISA function as emitted: `id(vm, ...params)`. */
export interface EmittedFunction {
  readonly id: string;
  /** Can a call end with the status other than running (a trap, a halt, a faulting access)? */
  readonly stops: boolean;
  /**
   * Returns 33..53 bits as an exact number instead of a bigint (compiler.ts does the same, so that
   * an address — riscv's 34-bit physical one — needs no bigint on its way to the bus).
   */
  readonly numeric: boolean;
  readonly returns: number | null;
  /** Does its body need the virtual machine (state, status, memory)? If not, it takes no `vm`. */
  readonly usesVm: boolean;
  readonly params: readonly { readonly name: string; readonly width: number }[];
}

export interface ModuleScope {
  readonly isa: Isa;
  fn(name: string): EmittedFunction;
  /**
   * The name of a module-level helper (a shift by a variable amount, a register file's reader),
   * declared once: `make(name)` gives its declaration the first time `key` is asked for.
   */
  helper(key: string, base: string, make: (name: string) => string): string;
  /** The description's name for the constant `e` (a named constant or mode), or null for a literal. */
  constantName(e: IExpr & { k: 'const' }): string | null;
  /** The description's names for `value` as a match arm on a subject of `width` bits, or null. */
  armName(value: bigint, width: number, source: string): string | null;
  /**
   * The reader of a register file that has hard-wired zeros or an index that can leave it:
   * `readGR(s, i)`. (Other files are read inline: `s.narrow[3 + i]`.)
   */
  fileReader(elem: StateElement): string;
  /** Its writer, `writeGR(s, i, v)`, which drops writes to the hard-wired zeros. */
  fileWriter(elem: StateElement): string;
  /** How the module refers to a trap cause (`CAUSE.MemoryTrap`). */
  cause(c: Cause): string;
}

export interface BodyScope {
  readonly out: Lines;
  /** The identifier of local (or parameter) `slot`. */
  local(slot: number): string;
  /** A fresh temporary's name. */
  temp(): string;
  /** The statement that ends the body when something it ran stopped. */
  readonly bail: string;
  /** The body touches the architectural state (it declares `const s = vm.s;`). */
  useState(): void;
}

/** The check after something that can stop: the status is left set, and the body ends. */
export function stopCheck(body: BodyScope): string {
  return `if (vm.status !== 'running') ${body.bail}`;
}
