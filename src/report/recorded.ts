/**
 * Reading a report back (reports/NAME.json, json.ts): which ISA and description it was made from,
 * and every witness it records — under instruction classes, variant classes, over all states and
 * under the `vmm:` configuration — each once, with the JSON as written so a replay can be
 * compared with it byte for byte.
 */
import type { RecordedWitness } from '../check/replay.js';

export interface RecordedReport {
  readonly isa: string;
  readonly hash: string;
  readonly witnesses: readonly (RecordedWitness & { readonly json: string })[];
}

type Obj = { readonly [key: string]: unknown };

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
function str(o: Obj, k: string): string | null {
  const v = o[k];
  return typeof v === 'string' ? v : null;
}

function list(o: Obj, k: string): readonly unknown[] {
  const v = o[k];
  return Array.isArray(v) ? v : [];
}

/** The witnesses in a `classes` object (and the one under `underVmmConfig`). */
function witnessesIn(holder: Obj): Obj[] {
  const out: Obj[] = [];
  for (const source of [holder, holder['underVmmConfig']]) {
    if (!isObj(source) || !isObj(source['classes'])) continue;
    for (const c of Object.values(source['classes'])) if (isObj(c) && isObj(c['witness'])) out.push(c['witness']);
  }
  return out;
}

/** The report's witnesses, or a message saying why the text is not a report. */
export function readReport(text: string): RecordedReport | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return `not JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (!isObj(data)) return 'not an isavirt report (expected an object)';
  const isa = str(data, 'isa');
  const hash = str(data, 'hash');
  if (isa === null || hash === null || !Array.isArray(data['instructions'])) return 'not an isavirt report (no isa, hash or instructions)';
  const seen = new Set<string>();
  const witnesses: (RecordedWitness & { json: string })[] = [];
  for (const i of list(data, 'instructions')) {
    if (!isObj(i)) continue;
    const instruction = str(i, 'name');
    if (instruction === null) continue;
    for (const holder of [i, ...list(i, 'variants').filter(isObj)]) {
      for (const w of witnessesIn(holder)) {
        const json = JSON.stringify(w);
        const key = `${instruction}\u0000${json}`;
        const [selection, search, config, path, seed] = [str(w, 'selection'), str(w, 'search'), str(w, 'config'), str(w, 'path'), w['seed']];
        if (seen.has(key) || selection === null || search === null || config === null || path === null || typeof seed !== 'number') continue;
        seen.add(key);
        witnesses.push({ instruction, selection, search, config, seed, path, json });
      }
    }
  }
  return { isa, hash, witnesses };
}
