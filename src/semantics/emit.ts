/**
 * Checked semantics (ir.ts) emitted as TypeScript source, for a generated module (src/vmm/
 * generate.ts): one exported function per instruction (its interpreter routine), per ISA function,
 * for the trap entry and for the interrupt check, over a `VirtualMachine` and a `Status` type that
 * the module declares. Operations are chosen per width at emit time as the closure compiler
 * (compiler.ts) chooses them, so the emitted code and the compiled closures are two prints of one
 * description, and test/vmm/generate.test.ts checks that they agree.
 *
 * What the emitted functions expect of the module around them:
 * - `type Status = 'running' | 'trap' | 'halt'`, and `StateStore` (narrow/wide typed arrays);
 * - `CAUSE`, an object of the trap causes by name (`CAUSE.MemoryTrap`);
 * - `VirtualMachine` with `s` (the state), `status`, `instruction`, `nextPc`, `trap(cause, tval)`
 *   and `halt(code)` (both set the status and return it), `loadNumber`/`loadBig(va, bits)`,
 *   `loadPhysNumber`/`loadPhysBig(pa, bits, access)`, `store(va, bits, v)` and
 *   `storePhys(pa, bits, v, access)` (a fault sets the status).
 */
import type { Cause, Isa, SourceText, StateElement } from '../isa/model.js';
import type { CheckedIsa } from './check-isa.js';
import type { Body, IExpr } from './ir.js';
import * as V from './values.js';
import { walkStmts } from './walk.js';
import { BodyEmitter, type BodySignature } from './emit-body.js';
import type { EmittedFunction, ModuleScope } from './emit-scope.js';
import { identifier, member } from './emit-text.js';
import { EXACT } from './emit-operators.js';

/** The names the language gives access kinds, with their 2-bit codes (typechecker.ts). */
const ACCESS_NAMES: readonly string[] = ['Fetch', 'Load', 'Store'];

/** Can running `body` stop (trap, halt, fault), given which functions can? */
function bodyStops(body: Body, fnStops: (name: string) => boolean): boolean {
  let stops = false;
  walkStmts(body.stmts, {
    stmt: (s) => { if (s.k === 'trap' || s.k === 'halt' || s.k === 'store' || s.k === 'storePhys') stops = true; },
    expr: (e) => { if (e.k === 'load' || e.k === 'loadPhys' || (e.k === 'call' && fnStops(e.fn))) stops = true; },
  });
  return stops;
}

/** Does `body` need the virtual machine (state, the instruction word, status, memory)? */
function bodyUsesVm(body: Body, fnUsesVm: (name: string) => boolean): boolean {
  let uses = false;
  walkStmts(body.stmts, {
    stmt: (s) => {
      switch (s.k) {
        case 'setReg': case 'setField': case 'setFile': case 'setPc': case 'trap': case 'halt': case 'store': case 'storePhys':
          uses = true;
          break;
        default:
          break;
      }
    },
    expr: (e) => {
      if (e.k === 'reg' || e.k === 'file' || e.k === 'instruction' || e.k === 'load' || e.k === 'loadPhys' || (e.k === 'call' && fnUsesVm(e.fn))) uses = true;
    },
  });
  return uses;
}

/** A property of each function that holds when its body, or a function it calls, has it (functions are not recursive). */
function closure(checked: CheckedIsa, direct: (body: Body, of: (name: string) => boolean) => boolean): (name: string) => boolean {
  const memo = new Map<string, boolean>();
  const of = (name: string): boolean => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const f = checked.functions.get(name);
    if (f === undefined) throw new Error(`emit: no function '${name}'`);
    const v = direct(f.body, of);
    memo.set(name, v);
    return v;
  };
  return of;
}

/** Identifiers' positions in the description: "file:line:col" → the identifier there. */
function identifierIndex(texts: readonly SourceText[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const src of texts) {
    const re = /[A-Za-z_][A-Za-z0-9_]*/g;
    for (let m = re.exec(src.text); m !== null; m = re.exec(src.text)) {
      const pos = src.locate(m.index);
      index.set(`${pos.file}:${pos.line}:${pos.col}`, m[0]);
    }
  }
  return index;
}

export class SemanticsEmitter implements ModuleScope {
  readonly isa: Isa;
  /** Every module-level identifier declared so far. */
  private readonly names: Set<string>;
  private readonly helpers = new Map<string, { readonly id: string; readonly text: string }>();
  private readonly functions = new Map<string, EmittedFunction>();
  /** The routine of each instruction, by index in `isa.instructions`. */
  readonly routineIds: readonly string[];
  readonly trapEntryId: string;
  readonly interruptsId: string | null;
  private readonly identifiers: Map<string, string>;

  /** @param reserved module-level identifiers the generated module declares itself */
  constructor(readonly checked: CheckedIsa, reserved: Iterable<string>) {
    const isa = checked.isa;
    this.isa = isa;
    this.names = new Set(reserved);
    const stops = closure(checked, bodyStops);
    const usesVm = closure(checked, bodyUsesVm);
    for (const f of checked.functions.values()) {
      const numeric = f.returns !== null && f.returns > V.NARROW && f.returns <= EXACT;
      this.functions.set(f.name, { id: this.claim(f.name), stops: stops(f.name), numeric, returns: f.returns, usesVm: usesVm(f.name), params: f.params });
    }
    this.trapEntryId = this.claim('trapEntry');
    this.interruptsId = checked.interrupts === null ? null : this.claim('checkInterrupts');
    this.routineIds = isa.instructions.map((i) => this.claim(`routine_${i.name}`));
    this.identifiers = identifierIndex([
      ...isa.instructions.map((i) => i.semantics),
      ...[...isa.functions.values()].map((f) => f.body),
      isa.trapEntry,
      ...(isa.interrupts === null ? [] : [isa.interrupts]),
    ]);
  }

  /** A module-level identifier for `name`, unique in the module. */
  claim(name: string): string {
    const id = identifier(name, this.names);
    this.names.add(id);
    return id;
  }

  fn(name: string): EmittedFunction {
    const f = this.functions.get(name);
    if (f === undefined) throw new Error(`emit: no function '${name}'`);
    return f;
  }

  helper(key: string, base: string, make: (name: string) => string): string {
    const known = this.helpers.get(key);
    if (known !== undefined) return known.id;
    const id = this.claim(base);
    this.helpers.set(key, { id, text: make(id) });
    return id;
  }

  fileReader(elem: StateElement): string {
    return this.helper(`read ${elem.name}`, `read${elem.name}`, (name) => fileAccessText(name, elem, 'read'));
  }

  fileWriter(elem: StateElement): string {
    return this.helper(`write ${elem.name}`, `write${elem.name}`, (name) => fileAccessText(name, elem, 'write'));
  }

  constantName(e: IExpr & { k: 'const' }): string | null {
    const token = this.identifiers.get(`${e.pos.file}:${e.pos.line}:${e.pos.col}`);
    if (token === undefined) return null;
    const v = V.toBigInt(e.v);
    const c = this.isa.constants.get(token);
    if (c !== undefined) return c.width === e.w && (c.value & V.maskOf(c.width)) === v ? token : null;
    const mode = this.isa.modes.find((m) => m.name === token);
    if (mode !== undefined) return BigInt(mode.value) === v ? token : null;
    return ACCESS_NAMES.indexOf(token) === Number(v) && e.w === 2 ? token : null;
  }

  armName(value: bigint, width: number, source: string): string | null {
    const candidates = [
      ...[...this.isa.constants.values()].filter((c) => c.width === width && (c.value & V.maskOf(width)) === value).map((c) => c.name),
      ...(width === this.isa.mode.width ? this.isa.modes.filter((m) => BigInt(m.value) === value).map((m) => m.name) : []),
      ...(width === 2 && value < 3n ? [ACCESS_NAMES[Number(value)]!] : []),
    ];
    if (candidates.length === 1) return candidates[0]!;
    // Several names for the value: the one the body itself writes.
    const written = candidates.filter((n) => new RegExp(`\\b${n}\\b`).test(source));
    return written.length === 1 ? written[0]! : null;
  }

  cause(c: Cause): string {
    return member('CAUSE', c.name);
  }

  /** Instruction `index`'s interpreter routine; `doc` adds lines to its doc comment. */
  emitRoutine(index: number, doc: readonly string[] = []): string {
    const instruction = this.isa.instructions[index]!;
    const body = this.checked.instructions[index]!;
    return this.emitBody(body, {
      id: this.routineIds[index]!,
      kind: { kind: 'step' },
      params: instruction.encoding.fields.map((f) => ({ name: f.name, width: f.width })),
      usesVm: true,
      doc: [
        `${instruction.name}${instruction.source === null ? '' : ` — ${instruction.source}`}`,
        `\`${instruction.syntax}\`, encoding \`${instruction.encoding.text}\` (line ${instruction.pos.line}).`,
        ...doc,
      ],
      source: instruction.semantics.text,
    });
  }

  emitFunction(name: string): string {
    const f = this.checked.functions.get(name);
    const spec = this.isa.functions.get(name);
    if (f === undefined || spec === undefined) throw new Error(`emit: no function '${name}'`);
    const emitted = this.fn(name);
    const params = f.params.map((p) => `${p.name}: ${p.width}`).join(', ');
    return this.emitBody(f.body, {
      id: emitted.id,
      kind: { kind: 'function', returns: f.returns, numeric: emitted.numeric },
      params: f.params,
      usesVm: emitted.usesVm,
      doc: [
        `${name}(${params})${f.returns === null ? '' : ` → ${f.returns} bits${emitted.numeric ? ' (an exact number)' : ''}`} (line ${spec.pos.line}).`,
        ...(emitted.stops ? ['Can trap: a caller checks `vm.status` after the call.'] : []),
      ],
      source: spec.body.text,
    });
  }

  emitTrapEntry(): string {
    const aw = this.isa.addressWidth;
    return this.emitBody(this.checked.trapEntry, {
      id: this.trapEntryId,
      kind: { kind: 'step' },
      params: [{ name: 'code', width: aw }, { name: 'interrupt', width: 1 }, { name: 'tval', width: aw }],
      usesVm: true,
      doc: [
        'The trap entry (traps.entry): what the hardware does to deliver a trap, here on the',
        "guest's virtual state — the reflection of a trap the guest itself must see.",
      ],
      source: this.isa.trapEntry.text,
    });
  }

  emitInterrupts(): string | null {
    if (this.checked.interrupts === null || this.interruptsId === null || this.isa.interrupts === null) return null;
    return this.emitBody(this.checked.interrupts, {
      id: this.interruptsId,
      kind: { kind: 'step' },
      params: [],
      usesVm: true,
      doc: ['The interrupt check (interrupts:), before every step: a pending, enabled interrupt traps.'],
      source: this.isa.interrupts.text,
    });
  }

  /** The helpers the bodies emitted so far use, in the order first used. */
  helperTexts(): string[] {
    return [...this.helpers.values()].map((h) => h.text);
  }

  private emitBody(body: Body, sig: BodySignature): string {
    return new BodyEmitter(this, body, sig, this.names).emit();
  }
}

/** A register file's reader or writer: a hard-wired zero reads 0 and ignores writes; an index past it is a bug in the description. */
function fileAccessText(name: string, elem: StateElement, what: 'read' | 'write'): string {
  const arr = elem.wide ? 'wide' : 'narrow';
  const type = elem.wide ? 'bigint' : 'number';
  const zeros = elem.zero.map((z) => `i === ${z}`).join(' || ');
  const nonzero = elem.zero.map((z) => `i !== ${z}`).join(' && ');
  const names = elem.zero.map((z) => elem.names[z] ?? `${elem.name}[${z}]`).join(', ');
  const outside = `  if (i >= ${elem.count}) throw new Error(\`${elem.name}[\${i}] is outside the file (${elem.count} elements)\`);`;
  if (what === 'read') {
    return [
      `/** ${elem.name}[i]${elem.zero.length > 0 ? `; ${names} ${elem.zero.length > 1 ? 'are' : 'is'} hard-wired to zero` : ''}. */`,
      `function ${name}(s: StateStore, i: number): ${type} {`,
      outside,
      elem.zero.length === 0 ? `  return s.${arr}[${elem.slot} + i];` : `  return ${zeros} ? ${elem.wide ? '0n' : '0'} : s.${arr}[${elem.slot} + i];`,
      '}',
    ].join('\n');
  }
  return [
    `/** ${elem.name}[i] = v${elem.zero.length > 0 ? `; writes to ${names} are dropped (hard-wired to zero)` : ''}. */`,
    `function ${name}(s: StateStore, i: number, v: ${type}): void {`,
    outside,
    elem.zero.length === 0 ? `  s.${arr}[${elem.slot} + i] = v;` : `  if (${nonzero}) s.${arr}[${elem.slot} + i] = v;`,
    '}',
  ].join('\n');
}
