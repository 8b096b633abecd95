/**
 * isas/isa.schema.json, enforced: ajv checks the parsed document, and each complaint becomes a
 * `schema/invalid` diagnostic at the YAML node it is about, naming the property and what was
 * expected there.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { InputError, type Diagnostic, type SourcePos } from '../diagnostic.js';
import type { RawIsa } from './raw.js';
import type { YamlPath, YamlSource } from './yaml-source.js';

/** Where the schema lives: isas/ beside src/ (and beside dist/ once built). */
export const SCHEMA_URL = new URL('../../isas/isa.schema.json', import.meta.url);

type SchemaObject = Readonly<Record<string, unknown>>;

function isObject(x: unknown): x is SchemaObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

let compiled: { readonly schema: SchemaObject; readonly validate: ValidateFunction } | null = null;

function schemaValidator(): { readonly schema: SchemaObject; readonly validate: ValidateFunction } {
  if (compiled === null) {
    const schema: unknown = JSON.parse(readFileSync(SCHEMA_URL, 'utf8'));
    if (!isObject(schema)) throw new Error(`internal: ${SCHEMA_URL.pathname} is not a JSON Schema object`);
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false });
    compiled = { schema, validate: ajv.compile(schema) };
  }
  return compiled;
}

/** The document as JSON: the schema sees integers as numbers (the raw data keeps them as bigint). */
function asJson(x: unknown): unknown {
  if (typeof x === 'bigint') return Number(x);
  if (Array.isArray(x)) return x.map(asJson);
  if (isObject(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, asJson(v)]));
  return x;
}

function conforms(data: unknown, errors: ErrorObject[]): data is RawIsa {
  const { validate } = schemaValidator();
  if (validate(asJson(data))) return true;
  errors.push(...(validate.errors ?? []));
  return false;
}

/** The description's data, once the schema accepts it; otherwise every complaint, positioned. */
export function checkSchema(source: YamlSource): RawIsa {
  const data = source.data();
  const errors: ErrorObject[] = [];
  if (conforms(data, errors)) return data;
  throw new InputError(diagnose(errors, source));
}

function diagnose(errors: readonly ErrorObject[], source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  errors.forEach((e, i) => {
    if (!reported(e, i, errors)) return;
    const { message, pos } = explain(e, source);
    const key = `${pos.line}:${pos.col}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ code: 'schema/invalid', message, pos });
  });
  return out.sort((a, b) => (a.pos?.line ?? 0) - (b.pos?.line ?? 0) || (a.pos?.col ?? 0) - (b.pos?.col ?? 0));
}

/**
 * `if` only announces that its `then` failed; an anyOf failure stands for the failures of its
 * branches (listed before it, at or under its path); a property name's failure is reported once,
 * by `propertyNames`.
 */
function reported(e: ErrorObject, index: number, errors: readonly ErrorObject[]): boolean {
  if (e.keyword === 'if' || e.propertyName !== undefined) return false;
  return !errors.some(
    (s, j) =>
      j > index &&
      (s.keyword === 'anyOf' || s.keyword === 'oneOf') &&
      (e.instancePath === s.instancePath || e.instancePath.startsWith(`${s.instancePath}/`)),
  );
}

function pathOf(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function display(path: YamlPath): string {
  if (path.length === 0) return 'the description';
  return path.map((s, i) => (/^\d+$/.test(String(s)) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function param(e: ErrorObject, name: string): string {
  return String(e.params[name]);
}

function explain(e: ErrorObject, source: YamlSource): { message: string; pos: SourcePos } {
  const path = pathOf(e.instancePath);
  const where = display(path);
  const got = ` (got ${show(e.data)})`;
  switch (e.keyword) {
    case 'required':
      return {
        message: `${where}: missing required property '${param(e, 'missingProperty')}'`,
        pos: source.keyPos(path),
      };
    case 'additionalProperties': {
      const name = param(e, 'additionalProperty');
      const known = isObject(e.parentSchema?.['properties']) ? Object.keys(e.parentSchema['properties']) : [];
      const expected = known.length > 0 ? ` (expected one of: ${known.join(', ')})` : '';
      return { message: `${where}: unknown property '${name}'${expected}`, pos: source.keyPos([...path, name]) };
    }
    case 'propertyNames': {
      const name = param(e, 'propertyName');
      return {
        message: `${display([...path, name])}: '${name}' is not a valid name here: it must be ${expected(e.schema)}`,
        pos: source.keyPos([...path, name]),
      };
    }
    case 'minProperties':
      return { message: `${where}: must not be empty`, pos: source.valuePos(path) };
    case 'minItems':
      return { message: `${where}: must have at least ${param(e, 'limit')} item(s)`, pos: source.valuePos(path) };
    case 'uniqueItems':
      return {
        message: `${where}: items ${param(e, 'j')} and ${param(e, 'i')} are the same`,
        pos: source.valuePos([...path, Number(param(e, 'i'))]),
      };
    case 'type':
    case 'const':
    case 'enum':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'pattern':
    case 'minLength':
    case 'anyOf':
    case 'oneOf':
      return { message: `${where}: must be ${expected(e.parentSchema)}${got}`, pos: source.valuePos(path) };
    default:
      return { message: `${where}: ${e.message ?? e.keyword}`, pos: source.valuePos(path) };
  }
}

/** What a pattern means, for the patterns isa.schema.json uses. */
const PATTERNS: Readonly<Record<string, string>> = {
  '^[A-Za-z_][A-Za-z0-9_]*$': 'a name (a letter or _, then letters, digits or _)',
  '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$': 'a state reference (NAME or NAME.FIELD)',
  '^[0-9]+:[0-9]+$': 'a bit range "HI:LO"',
  '^[A-Za-z_][A-Za-z0-9_.]*$': 'an instruction name (a letter or _, then letters, digits, _ or .)',
  '^[A-Za-z_$%][A-Za-z0-9_$]*$': 'an assembly name (a letter, _, $ or %, then letters, digits, _ or $)',
};

function resolveRef(ref: string): unknown {
  const name = ref.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : null;
  const definitions = schemaValidator().schema['definitions'];
  return name !== null && isObject(definitions) ? definitions[name] : undefined;
}

/** A schema, said in words: "an integer from 1 to 64", "one of little, big". */
function expected(schema: unknown): string {
  if (!isObject(schema)) return 'valid';
  const ref = schema['$ref'];
  if (typeof ref === 'string') return expected(resolveRef(ref));
  const alternatives = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(alternatives)) return alternatives.map(expected).join(' or ');
  if ('const' in schema) return JSON.stringify(schema['const']);
  const choices = schema['enum'];
  if (Array.isArray(choices)) return `one of ${choices.map(String).join(', ')}`;
  const min = schema['minimum'];
  const max = schema['maximum'];
  switch (schema['type']) {
    case 'integer':
      if (typeof min === 'number' && typeof max === 'number') return `an integer from ${min} to ${max}`;
      if (typeof min === 'number') return `an integer ≥ ${min}`;
      return 'an integer';
    case 'string': {
      const pattern = schema['pattern'];
      if (typeof pattern === 'string') return PATTERNS[pattern] ?? `a string matching /${pattern}/`;
      return schema['minLength'] === 1 ? 'a non-empty string' : 'a string';
    }
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    default:
      return 'valid';
  }
}

function show(x: unknown): string {
  if (typeof x === 'string') return x.length > 40 ? `${JSON.stringify(x.slice(0, 40))}…` : JSON.stringify(x);
  if (Array.isArray(x)) return 'a list';
  if (isObject(x)) return 'a mapping';
  return String(x);
}
