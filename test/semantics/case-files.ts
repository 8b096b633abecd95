/**
 * The golden case files of the semantics language (test/semantics/cases/*.txt): reading them, and
 * running one case. Each case is
 *
 *     # print|check|eval: what the case shows
 *     body
 *     --- R[2] = 0xfffffff9, acc = 1      (eval only: the initial state; optional)
 *     ==>
 *     expected output
 *
 * print: the canonical text of the parsed body. check: `ok` or `LINE:COL CODE message`.
 * eval: the outcome (`retired`, `trap CAUSE tval=...`, `halt N`), then every state element,
 * next pc and memory word the body changed. Eval cases run on either engine: the tree-walking
 * reference interpreter or the compiled semantics.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/diagnostic.js';
import { parseBody } from '../../src/semantics/parser.js';
import { printBody } from '../../src/semantics/printer.js';
import { checkBody, type Signature } from '../../src/semantics/typechecker.js';
import { Interpreter, Status } from '../../src/semantics/interpreter.js';
import { CompiledSemantics } from '../../src/semantics/compiler.js';
import type { CheckedIsa } from '../../src/semantics/check-isa.js';
import type { CheckedFunction } from '../../src/semantics/ir.js';
import * as V from '../../src/semantics/values.js';
import { sourceText, toyBus, toyIsa } from './toy-isa.js';

export type CaseKind = 'print' | 'check' | 'eval';

export interface Case {
  readonly kind: CaseKind;
  readonly title: string;
  readonly body: string;
  readonly setup: string;
  readonly expected: string;
}

export type Engine = 'reference' | 'compiled';

export const CASES_DIR = join(import.meta.dirname, 'cases');

/** The case files, by name, in name order. */
export function caseFiles(): string[] {
  return readdirSync(CASES_DIR).filter((f) => f.endsWith('.txt')).sort();
}

function caseKind(text: string): CaseKind {
  if (text === 'print' || text === 'check' || text === 'eval') return text;
  throw new Error(`unknown case kind '${text}'`);
}

export function readCases(file: string): Case[] {
  const text = readFileSync(join(CASES_DIR, file), 'utf8');
  const parts = text.split(/^# (?=(?:print|check|eval): )/m).slice(1);
  return parts.map((part) => {
    const [header, ...rest] = part.split('\n');
    const m = /^(print|check|eval): (.*)$/.exec(header!)!;
    const [input, expected] = rest.join('\n').split(/^==>\n/m);
    const [body, setup] = input!.split(/^--- /m);
    return { kind: caseKind(m[1]!), title: m[2]!, body: body!, setup: setup ?? '', expected: expected!.trimEnd() };
  });
}

const signatures = new Map<string, Signature>([['double', { params: [32], returns: 32 }]]);

function checked(): CheckedIsa {
  const fn = toyIsa.functions.get('double')!;
  const functions = new Map<string, CheckedFunction>([
    ['double', { name: 'double', params: fn.params, returns: 32, body: checkBody(toyIsa, signatures, parseBody(fn.body), { params: fn.params, returns: 32, instructionWidth: 32 }) }],
  ]);
  return { isa: toyIsa, instructions: [], functions, trapEntry: { stmts: [], frameSize: 0 }, interrupts: null };
}

function describeError(e: unknown): string {
  if (!(e instanceof InputError)) throw e;
  const d = e.diagnostics[0]!;
  return `${d.pos?.line}:${d.pos?.col} ${d.code} ${d.message}`;
}

/** The output of case `c`, its eval run by `engine`. */
export function runCase(c: Case, engine: Engine = 'reference'): string {
  const src = sourceText(c.body);
  if (c.kind === 'print') {
    try { return printBody(parseBody(src)).trimEnd(); } catch (e) { return describeError(e); }
  }
  let body;
  try {
    body = checkBody(toyIsa, signatures, parseBody(src), { params: [], returns: null, instructionWidth: 32 });
  } catch (e) {
    return describeError(e);
  }
  if (c.kind === 'check') return 'ok';
  const state = { narrow: new Uint32Array(toyIsa.narrowSlots), wide: new BigUint64Array(toyIsa.wideSlots) };
  const bus = toyBus();
  const interp = new Interpreter(checked(), state, bus);
  const pcStart = 0x40;
  interp.writeReg(toyIsa.pc, pcStart);
  for (const assignment of c.setup.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\w+)(?:\[(\w+)\])?\s*=\s*(\S+)$/.exec(assignment)!;
    const value = BigInt(m[3]!);
    if (m[1] === 'mem') { bus.write(Number(m[2]), 32, V.fromBigInt(value, 32), 'store'); continue; }
    const elem = toyIsa.state.get(m[1]!)!;
    interp.writeReg(elem, V.fromBigInt(value, elem.width), m[2] === undefined ? 0 : Number(m[2]));
  }
  const before = { narrow: state.narrow.slice(), wide: state.wide.slice(), bytes: bus.bytes.slice() };
  interp.nextPc = pcStart + 4;
  const executor = engine === 'reference' ? interp : new CompiledSemantics(interp);
  const st = executor.run(body, new Array(body.frameSize));
  const lines = [st === Status.Running ? 'retired' : st === Status.Trap ? `trap ${interp.trap.cause.name} tval=${V.hex(interp.trap.tval, 32)}` : `halt ${interp.haltCode}`];
  for (const e of toyIsa.state.values()) {
    for (let i = 0; i < e.count; i++) {
      const now = e.wide ? state.wide[e.slot + i]! : state.narrow[e.slot + i]!;
      const was = e.wide ? before.wide[e.slot + i]! : before.narrow[e.slot + i]!;
      if (now !== was) lines.push(`${e.name}${e.isFile ? `[${i}]` : ''} = ${V.hex(now, e.width)}`);
    }
  }
  if (st === Status.Running && interp.nextPc !== pcStart + 4) lines.push(`nextPc = ${V.hex(interp.nextPc, 32)}`);
  for (let a = 0; a < bus.bytes.length; a += 4) {
    const now = bus.read(a, 32, 'load')!;
    const was = new DataView(before.bytes.buffer).getUint32(a, true);
    if (now !== was) lines.push(`mem[${V.hex(a, 12)}] = ${V.hex(now, 32)}`);
  }
  return lines.join('\n');
}
