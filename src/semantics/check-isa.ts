/**
 * Parses and typechecks every semantics body of an ISA (instructions, functions, trap entry,
 * interrupt check) into the IR, collecting all diagnostics. Functions may call each other in any
 * order but not recursively, so that every body stays analysable path by path.
 */
import { InputError, type Diagnostic } from '../diagnostic.js';
import { loadIsa } from '../isa/load.js';
import type { Isa, SourceText } from '../isa/model.js';
import type { Body, CheckedFunction } from './ir.js';
import { parseBody } from './parser.js';
import { walkStmts } from './walk.js';
import { checkBody, type BodyContext, type Signature } from './typechecker.js';

/** An ISA with all its semantics checked; `instructions[i]` belongs to `isa.instructions[i]`. */
export interface CheckedIsa {
  readonly isa: Isa;
  readonly instructions: readonly Body[];
  readonly functions: ReadonlyMap<string, CheckedFunction>;
  readonly trapEntry: Body;
  readonly interrupts: Body | null;
}

const EMPTY: Body = { stmts: [], frameSize: 0 };

/** Check all semantics of `isa`; throws InputError with every diagnostic found. */
export function checkIsa(isa: Isa): CheckedIsa {
  const diagnostics: Diagnostic[] = [];
  const signatures = new Map<string, Signature>(
    [...isa.functions.values()].map((f) => [f.name, { params: f.params.map((p) => p.width), returns: f.returns }]),
  );
  const check = (src: SourceText, ctx: BodyContext): Body => {
    try {
      return checkBody(isa, signatures, parseBody(src), ctx);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      diagnostics.push(...e.diagnostics);
      return EMPTY;
    }
  };

  const functions = new Map<string, CheckedFunction>();
  for (const f of isa.functions.values()) {
    const body = check(f.body, { params: f.params, returns: f.returns, instructionWidth: isa.maxInstructionWidth });
    functions.set(f.name, { name: f.name, params: f.params, returns: f.returns, body });
  }
  const instructions = isa.instructions.map((i) =>
    check(i.semantics, { params: i.encoding.fields.map((f) => ({ name: f.name, width: f.width })), returns: null, instructionWidth: i.encoding.width }),
  );
  const trapEntry = check(isa.trapEntry, {
    params: [
      { name: 'code', width: isa.addressWidth },
      { name: 'interrupt', width: 1 },
      { name: 'tval', width: isa.addressWidth },
    ],
    returns: null,
    instructionWidth: isa.maxInstructionWidth,
  });
  const interrupts = isa.interrupts === null ? null : check(isa.interrupts, { params: [], returns: null, instructionWidth: isa.maxInstructionWidth });

  const cycle = findRecursion(functions);
  if (cycle) {
    diagnostics.push({ code: 'semantics/invalid', message: `functions may not be recursive: ${cycle.join(' → ')}`, pos: isa.functions.get(cycle[0]!)!.pos });
  }
  if (isa.translate !== null) {
    const t = isa.functions.get(isa.translate);
    if (t && (t.params.length !== 2 || t.params[0]!.width !== isa.addressWidth || t.params[1]!.width !== 2 || t.returns !== isa.physicalAddressWidth)) {
      diagnostics.push({
        code: 'semantics/width',
        message: `translate function '${t.name}' must take (va: ${isa.addressWidth}, access: 2) and return ${isa.physicalAddressWidth} bits`,
        pos: t.pos,
      });
    }
  }
  if (diagnostics.length > 0) throw new InputError(diagnostics);
  return { isa, instructions, functions, trapEntry, interrupts };
}

/** A call cycle among the functions, if any. */
function findRecursion(functions: ReadonlyMap<string, CheckedFunction>): string[] | null {
  const calls = new Map<string, Set<string>>();
  for (const f of functions.values()) calls.set(f.name, callees(f.body));
  const state = new Map<string, 'open' | 'done'>();
  const visit = (name: string, path: string[]): string[] | null => {
    if (state.get(name) === 'open') return [...path.slice(path.indexOf(name)), name];
    if (state.get(name) === 'done') return null;
    state.set(name, 'open');
    for (const c of calls.get(name) ?? []) {
      const cycle = visit(c, [...path, name]);
      if (cycle) return cycle;
    }
    state.set(name, 'done');
    return null;
  };
  for (const name of functions.keys()) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
  }
  return null;
}

function callees(body: Body): Set<string> {
  const out = new Set<string>();
  walkStmts(body.stmts, { expr: (e) => { if (e.k === 'call') out.add(e.fn); } });
  return out;
}

/** Load a description file and check its semantics; throws InputError on any problem. */
export function loadCheckedIsa(file: string): CheckedIsa {
  return checkIsa(loadIsa(file));
}
