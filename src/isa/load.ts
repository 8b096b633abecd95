/**
 * YAML description → validated, resolved, readonly Isa model. Three passes, each stopping the load
 * with every problem it found: YAML syntax (`yaml/syntax`), the schema (`schema/invalid`), then
 * names, widths and encodings (`isa/invalid`, `encoding/invalid`, `encoding/overlap`). Semantics
 * bodies are kept as SourceText for the semantics stage to parse.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError, raise, type Diagnostic, type SourcePos } from '../diagnostic.js';
import { checkOverlaps, parseEncoding, type PlacedEncoding } from './encoding.js';
import type {
  AccessKind, Board, Cause, ClassName, Constant, Device, Encoding, Instruction, Isa, Operand, SemanticsFunction,
  StateElement,
} from './model.js';
import type { RawIsa } from './raw.js';
import { checkSchema } from './schema.js';
import { fitValue, resolveState, resolveStateRef, type ResolvedState } from './state.js';
import { resolveVmm } from './vmm-config.js';
import { parseYaml, type Report, type YamlSource } from './yaml-source.js';

/** Reads and loads one description file. */
export function loadIsa(file: string): Isa {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return raise('io/read', `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return buildIsa(bytes.toString('utf8'), file, bytes);
}

/** Loads a description from its text; `file` names it in positions. */
export function loadIsaText(text: string, file: string): Isa {
  return buildIsa(text, file, Buffer.from(text, 'utf8'));
}

const CLASS_NAMES: readonly ClassName[] = [
  'privileged', 'controlSensitive', 'modeSensitive', 'locationSensitive', 'resourceSensitive', 'userSensitive', 'innocuous',
];
const ACCESS_KINDS: readonly AccessKind[] = ['fetch', 'load', 'store'];

function buildIsa(text: string, file: string, bytes: Buffer): Isa {
  const source = parseYaml(text, file);
  const raw = checkSchema(source);
  const diagnostics: Diagnostic[] = [];
  const report: Report = (code, message, pos) => diagnostics.push({ code, message, pos });

  const unit = Number(raw.unit);
  const instructionWidth = Number(raw.instructionWidth);
  const addressWidth = Number(raw.addressWidth);
  const physicalAddressWidth = Number(raw.physicalAddressWidth ?? raw.addressWidth);
  const maxInstructionWidth = Number(raw.maxInstructionWidth ?? raw.instructionWidth);
  if (instructionWidth % unit !== 0) {
    report('isa/invalid', `instructionWidth ${instructionWidth} is not a multiple of unit ${unit}`, source.valuePos(['instructionWidth']));
  }
  if (maxInstructionWidth % instructionWidth !== 0) {
    report('isa/invalid', `maxInstructionWidth ${maxInstructionWidth} is not a multiple of instructionWidth ${instructionWidth}`, source.valuePos(['maxInstructionWidth']));
  }
  const state = resolveState(raw, source, report);
  const constants = resolveConstants(raw, source, report);
  checkNames(state, constants, source, report);
  const causes = resolveCauses(raw, source, addressWidth, report);
  const functions = resolveFunctions(raw, source);
  const translate = resolveTranslate(raw, source, functions, report);
  const illegalInstruction = resolveIllegal(raw, source, causes, report);
  const accessFault = resolveAccessFault(raw, source, causes, report);
  const board = raw.board === undefined ? null : resolveBoard(raw, source, state.elements, physicalAddressWidth, report);
  const vmm = raw.vmm === undefined ? null : resolveVmm(raw, source, state.elements, report, { causes, addressWidth, unit });
  const instructions = resolveInstructions(raw, source, instructionWidth, maxInstructionWidth, report, diagnostics);
  const operands = resolveOperands(raw, source, state.elements, instructions, report);

  const { pc, mode, userMode } = state;
  if (diagnostics.length > 0 || pc === null || mode === null || userMode === null || accessFault === null ||
    illegalInstruction === null) {
    throw new InputError(diagnostics.sort(byPosition));
  }
  return {
    name: raw.name,
    title: raw.title,
    file,
    hash: createHash('sha256').update(bytes).digest('hex'),
    sources: raw.source.map((s) => ({ manual: s.manual, edition: s.edition, section: s.section ?? null, url: s.url ?? null })),
    endian: raw.endian,
    unit,
    instructionWidth,
    maxInstructionWidth,
    addressWidth,
    physicalAddressWidth,
    state: state.elements,
    narrowSlots: state.narrowSlots,
    wideSlots: state.wideSlots,
    pc,
    mode,
    modes: state.modes,
    userMode,
    constants,
    operands,
    functions,
    causes,
    trapEntry: source.sourceText(['traps', 'entry']),
    illegalInstruction,
    translate,
    accessFault,
    interrupts: raw.interrupts === undefined ? null : source.sourceText(['interrupts']),
    board,
    vmm,
    instructions,
  };
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (a.pos?.line ?? 0) - (b.pos?.line ?? 0) || (a.pos?.col ?? 0) - (b.pos?.col ?? 0);
}

function resolveConstants(raw: RawIsa, source: YamlSource, report: Report): ReadonlyMap<string, Constant> {
  const constants = new Map<string, Constant>();
  for (const [name, c] of Object.entries(raw.constants ?? {})) {
    const width = Number(c.width);
    const value = fitValue(c.value, width);
    if (value === null) {
      report('isa/invalid', `constant ${name} = ${c.value} does not fit in ${width} bits`, source.valuePos(['constants', name, 'value']));
    }
    constants.set(name, { name, width, value: value ?? 0n });
  }
  return constants;
}

/**
 * State elements, constants and mode names are all plain NAMEs in semantics (a mode name is a
 * constant of the mode register's width), so no two may share one; the later one is reported.
 */
function checkNames(state: ResolvedState, constants: ReadonlyMap<string, Constant>, source: YamlSource, report: Report): void {
  const names = [
    ...[...state.elements.values()].map((e) => ({ name: e.name, what: 'a state element', pos: e.pos })),
    ...state.modes.map((m) => ({ name: m.name, what: 'a mode', pos: source.keyPos(['state', state.mode?.name ?? '', 'modes', m.name]) })),
    ...[...constants.keys()].map((c) => ({ name: c, what: 'a constant', pos: source.keyPos(['constants', c]) })),
  ].sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
  const first = new Map<string, { what: string; line: number }>();
  for (const { name, what, pos } of names) {
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, { what, line: pos.line });
    else report('isa/invalid', `'${name}' is ${earlier.what} (line ${earlier.line}) and ${what}: semantics could not tell them apart`, pos);
  }
}

/** Trap entry sees a cause's code as an addressWidth-bit value. */
function resolveCauses(raw: RawIsa, source: YamlSource, addressWidth: number, report: Report): ReadonlyMap<string, Cause> {
  const causes = new Map<string, Cause>();
  for (const [name, c] of Object.entries(raw.traps.causes)) {
    const cause: Cause = {
      name, code: Number(c.code), interrupt: c.interrupt ?? false, memory: c.memory ?? false, pos: source.keyPos(['traps', 'causes', name]),
    };
    if (fitValue(c.code, Math.min(addressWidth, 53)) === null) {
      report('isa/invalid', `cause ${name}: code ${c.code} does not fit in ${addressWidth} bits`, source.valuePos(['traps', 'causes', name, 'code']));
    }
    const same = [...causes.values()].find((o) => o.code === cause.code && o.interrupt === cause.interrupt);
    if (same !== undefined) {
      report('isa/invalid', `causes ${same.name} and ${name} are both ${cause.interrupt ? 'interrupt' : 'exception'} code ${cause.code}`,
        source.valuePos(['traps', 'causes', name, 'code']));
    }
    causes.set(name, cause);
  }
  return causes;
}

function resolveFunctions(raw: RawIsa, source: YamlSource): ReadonlyMap<string, SemanticsFunction> {
  const functions = new Map<string, SemanticsFunction>();
  for (const [name, f] of Object.entries(raw.functions ?? {})) {
    functions.set(name, {
      name,
      params: Object.entries(f.params ?? {}).map(([p, width]) => ({ name: p, width: Number(width) })),
      returns: f.returns === undefined ? null : Number(f.returns),
      body: source.sourceText(['functions', name, 'body']),
      pos: source.keyPos(['functions', name]),
    });
  }
  return functions;
}

/** `memory.translate` names a function (its signature is the semantics stage's to check). */
function resolveTranslate(
  raw: RawIsa, source: YamlSource, functions: ReadonlyMap<string, SemanticsFunction>, report: Report,
): string | null {
  const name = raw.memory.translate;
  if (name === undefined) return null;
  if (!functions.has(name)) {
    report('isa/invalid', `memory.translate: no function '${name}' in functions`, source.valuePos(['memory', 'translate']));
  }
  return name;
}

/** `traps.illegal`: the exception raised for a word no instruction matches. */
function resolveIllegal(raw: RawIsa, source: YamlSource, causes: ReadonlyMap<string, Cause>, report: Report): Cause | null {
  const name = raw.traps.illegal;
  const cause = causes.get(name);
  const pos = source.valuePos(['traps', 'illegal']);
  if (cause === undefined) report('isa/invalid', `traps.illegal: no cause '${name}' in traps.causes`, pos);
  else if (cause.interrupt) report('isa/invalid', `traps.illegal: '${name}' is an interrupt, not an exception`, pos);
  return cause === undefined || cause.interrupt ? null : cause;
}

function resolveAccessFault(
  raw: RawIsa, source: YamlSource, causes: ReadonlyMap<string, Cause>, report: Report,
): Readonly<Record<AccessKind, Cause>> | null {
  const found: Partial<Record<AccessKind, Cause>> = {};
  for (const kind of ACCESS_KINDS) {
    const name = raw.memory.accessFault[kind];
    const pos = source.valuePos(['memory', 'accessFault', kind]);
    const cause = causes.get(name);
    if (cause === undefined) report('isa/invalid', `memory.accessFault.${kind}: no cause '${name}' in traps.causes`, pos);
    else if (cause.interrupt) report('isa/invalid', `memory.accessFault.${kind}: '${name}' is an interrupt, not a fault`, pos);
    else if (!cause.memory) report('isa/invalid', `memory.accessFault.${kind}: '${name}' is an access fault, a memory trap: declare it memory: true`, pos);
    else found[kind] = cause;
  }
  const { fetch, load, store } = found;
  return fetch && load && store ? { fetch, load, store } : null;
}

function resolveBoard(
  raw: RawIsa, source: YamlSource, elements: ReadonlyMap<string, StateElement>, physicalAddressWidth: number, report: Report,
): Board | null {
  const b = raw.board;
  if (b === undefined) return null;
  const base = BigInt(b.ram.base);
  const size = BigInt(b.ram.size);
  if (base + size > 1n << BigInt(physicalAddressWidth)) {
    report('isa/invalid', `board.ram: 0x${base.toString(16)} + 0x${size.toString(16)} goes past the ${physicalAddressWidth}-bit physical address space`,
      source.valuePos(['board', 'ram']));
  }
  const devices: Device[] = (b.devices ?? []).map((d, i) => {
    const path = ['board', 'devices', i];
    const options = new Map<string, string | number>();
    for (const [key, value] of Object.entries(d)) {
      if (key === 'model' || key === 'base') continue;
      if (typeof value === 'string') {
        const ref = resolveStateRef(value, elements);
        if (typeof ref === 'string') report('isa/invalid', `board device ${d.model}: ${key}: ${ref}`, source.valuePos([...path, key]));
        options.set(key, value);
      } else {
        options.set(key, safeNumber(value, source, [...path, key], report));
      }
    }
    return { model: d.model, base: safeNumber(d.base, source, [...path, 'base'], report), options, pos: source.valuePos(path) };
  });
  return {
    ram: { base: safeNumber(b.ram.base, source, ['board', 'ram', 'base'], report), size: safeNumber(b.ram.size, source, ['board', 'ram', 'size'], report) },
    devices,
    htif: b.htif ?? false,
  };
}

function safeNumber(value: bigint | number, source: YamlSource, path: readonly (string | number)[], report: Report): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) report('isa/invalid', `${path.join('.')}: ${value} is too large (at most 2^53 - 1)`, source.valuePos(path));
  return n;
}

function resolveInstructions(
  raw: RawIsa, source: YamlSource, instructionWidth: number, maxInstructionWidth: number, report: Report, diagnostics: Diagnostic[],
): Instruction[] {
  const instructions: Instruction[] = [];
  const placed: PlacedEncoding[] = [];
  const first = new Map<string, number>();
  raw.instructions.forEach((ri, i) => {
    const path = ['instructions', i];
    const pos = source.valuePos(path);
    const earlier = first.get(ri.name);
    if (earlier !== undefined) {
      report('isa/invalid', `instruction '${ri.name}' is already defined (line ${earlier})`, source.valuePos([...path, 'name']));
    } else {
      first.set(ri.name, pos.line);
    }
    let encoding: Encoding;
    try {
      encoding = parseEncoding(source.sourceText([...path, 'encoding']), instructionWidth, maxInstructionWidth);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      diagnostics.push(...e.diagnostics);
      return;
    }
    placed.push({ name: ri.name, encoding, pos: source.valuePos([...path, 'encoding']) });
    const syntax = source.sourceText([...path, 'syntax']);
    for (const m of syntax.text.matchAll(/\{([^{}]*)\}/g)) {
      if (!encoding.fields.some((f) => f.name === m[1])) {
        report('isa/invalid', `syntax of '${ri.name}': {${m[1]}} is not a field of its encoding`, syntax.locate(m.index));
      }
    }
    const expect = new Map<ClassName, boolean>();
    const expectPos = new Map<ClassName, SourcePos>();
    for (const c of CLASS_NAMES) {
      const claim = ri.expect?.[c];
      if (claim === undefined) continue;
      expect.set(c, claim);
      expectPos.set(c, source.keyPos([...path, 'expect', c]));
    }
    instructions.push({
      name: ri.name,
      encoding,
      syntax: ri.syntax,
      semantics: source.sourceText([...path, 'semantics']),
      source: ri.source ?? null,
      expect,
      expectPos,
      pos,
    });
  });
  diagnostics.push(...checkOverlaps(placed));
  return instructions;
}

/** Every field of every instruction gets an operand: as declared, else unsigned. */
function resolveOperands(
  raw: RawIsa, source: YamlSource, elements: ReadonlyMap<string, StateElement>, instructions: readonly Instruction[], report: Report,
): ReadonlyMap<string, Operand> {
  const fieldNames = new Set(instructions.flatMap((i) => i.encoding.fields.map((f) => f.name)));
  const operands = new Map<string, Operand>();
  for (const [name, o] of Object.entries(raw.operands ?? {})) {
    const path = ['operands', name];
    if (!fieldNames.has(name)) report('isa/invalid', `operands: no instruction has a field '${name}'`, source.keyPos(path));
    if (o.register !== undefined) {
      const file = elements.get(o.register);
      if (file === undefined || !file.isFile) {
        report('isa/invalid', `operands.${name}: '${o.register}' is not a register file in state`, source.valuePos([...path, 'register']));
      }
      if (o.signed !== undefined) report('isa/invalid', `operands.${name}: a register operand is not signed or unsigned`, source.keyPos([...path, 'signed']));
      operands.set(name, { kind: 'register', file: o.register });
    } else {
      operands.set(name, { kind: o.signed === true ? 'signed' : 'unsigned' });
    }
  }
  for (const name of fieldNames) if (!operands.has(name)) operands.set(name, { kind: 'unsigned' });
  return operands;
}
