import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadIsa } from '../../src/isa/load.js';
import { SCHEMA_URL } from '../../src/isa/schema.js';

const schema: unknown = JSON.parse(readFileSync(SCHEMA_URL, 'utf8'));
const ISAS = fileURLToPath(new URL('../../isas/', import.meta.url));

/** Every `properties` entry in the schema, with its path (not those of `if` conditions: they are no help text). */
function properties(node: unknown, path: string, out: [string, unknown][] = []): [string, unknown][] {
  if (typeof node !== 'object' || node === null) return out;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'if') continue;
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const [name, sub] of Object.entries(value)) out.push([`${path}.${name}`, sub]);
    }
    properties(value, `${path}/${key}`, out);
  }
  return out;
}

describe('isas/isa.schema.json', () => {
  it('is a draft-07 schema that ajv compiles in strict mode', () => {
    expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#' });
    const ajv = new Ajv({ strict: true, strictRequired: false });
    expect(() => ajv.compile(typeof schema === 'object' && schema !== null ? schema : {})).not.toThrow();
  });

  it('describes every property, so editors can show help', () => {
    const undescribed = properties(schema, '#')
      .filter(([, sub]) => typeof sub !== 'object' || sub === null || !('description' in sub))
      .map(([path]) => path);
    expect(undescribed).toEqual([]);
  });

  it('lists the state roles of the model', () => {
    expect(JSON.stringify(schema)).toContain('"enum":["pc","mode","relocation","control","general","timing"]');
  });
});

describe('the ISAs shipped in isas/', () => {
  const files = readdirSync(ISAS).filter((f) => f.endsWith('.yaml'));
  for (const file of files) {
    it(`${file} starts with the schema modeline and loads`, () => {
      const path = `${ISAS}${file}`;
      expect(readFileSync(path, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./isa.schema.json');
      expect(loadIsa(path).name).toBe(file.replace(/\.yaml$/, ''));
    });
  }
});
