/**
 * A YAML description parsed with its source positions kept: the plain data for the schema and the
 * model, and, for any path into that data, where it was written. Syntax errors become `yaml/syntax`
 * diagnostics at their file:line:col.
 */
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { InputError, type Diagnostic, type DiagnosticCode, type SourcePos } from '../diagnostic.js';
import type { SourceText } from './model.js';
import { scalarSourceText, type FileText, type ScalarStyle } from './source-text.js';

/** Where the checks after the schema record a problem; the loader raises them all together. */
export type Report = (code: DiagnosticCode, message: string, pos: SourcePos) => void;

/** Keys and sequence indices from the document root, as in a JSON pointer. */
export type YamlPath = readonly (string | number)[];

interface Found {
  /** The node at the end of the path, or null if the path does not lead anywhere. */
  readonly value: Node | null;
  /** The key that names the last step of the path, when that step is a mapping key. */
  readonly key: Node | null;
  /** The deepest node the path reached. */
  readonly deepest: Node | null;
}

const STYLES: readonly ScalarStyle[] = ['BLOCK_LITERAL', 'BLOCK_FOLDED', 'PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'];

export class YamlSource implements FileText {
  readonly lineStarts: readonly number[];

  constructor(
    readonly file: string,
    readonly text: string,
    private readonly doc: Document.Parsed,
    lines: LineCounter,
  ) {
    this.lineStarts = lines.lineStarts;
  }

  /** The document as plain data; integers are bigint. */
  data(): unknown {
    return this.doc.toJS();
  }

  position = (offset: number): SourcePos => {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, col: offset - (this.lineStarts[lo] ?? 0) + 1 };
  };

  /** Where the value at `path` starts (or, if the path leads nowhere, the deepest node it reached). */
  valuePos(path: YamlPath): SourcePos {
    const found = this.find(path);
    return this.nodePos(found.value ?? found.deepest);
  }

  /** Where the key naming the last step of `path` is written; the value's position if there is no key. */
  keyPos(path: YamlPath): SourcePos {
    const found = this.find(path);
    return this.nodePos(found.key ?? found.value ?? found.deepest);
  }

  /**
   * The scalar at `path` as text, with the map from offsets in it to file positions. A plain scalar
   * that YAML read as something else (an encoding `1111000000000000` is a number) is taken as written.
   */
  sourceText(path: YamlPath): SourceText {
    const node = this.find(path).value;
    if (!isScalar(node) || !node.range) throw new Error(`internal: no scalar at ${path.join('.')}`);
    const [start, end] = node.range;
    const style = STYLES.find((s) => s === node.type) ?? 'PLAIN';
    const value = typeof node.value === 'string' ? node.value : style === 'PLAIN' ? this.text.slice(start, end) : null;
    if (value === null) throw new Error(`internal: no text scalar at ${path.join('.')}`);
    return scalarSourceText({ value, style, start, end }, this);
  }

  private nodePos(node: Node | null): SourcePos {
    const offset = node?.range?.[0];
    return offset === undefined ? { file: this.file, line: 1, col: 1 } : this.position(offset);
  }

  private resolve(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  private find(path: YamlPath): Found {
    let node: unknown = this.resolve(this.doc.contents);
    let key: Node | null = null;
    let deepest: Node | null = isNode(node) ? node : null;
    for (const step of path) {
      let next: unknown;
      key = null;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(step));
        if (pair === undefined) return { value: null, key: null, deepest };
        next = pair.value;
        key = isNode(pair.key) ? pair.key : null;
      } else if (isSeq(node)) {
        next = node.items[Number(step)];
        if (next === undefined) return { value: null, key: null, deepest };
      } else {
        return { value: null, key: null, deepest };
      }
      node = this.resolve(next);
      if (!isNode(node)) return { value: null, key, deepest };
      deepest = node;
    }
    return { value: isNode(node) ? node : null, key, deepest };
  }
}

function keyText(key: unknown): string | null {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : null;
}

/** Parses `text` (the contents of `file`); YAML syntax errors are raised as `yaml/syntax`. */
export function parseYaml(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, intAsBigInt: true, prettyErrors: false });
  const source = new YamlSource(file, text, doc, lines);
  if (doc.errors.length > 0) {
    const diagnostics: Diagnostic[] = doc.errors.map((e) => ({
      code: 'yaml/syntax',
      message: e.code === 'MULTIPLE_DOCS' ? 'a description is one YAML document, but a second one starts here' : (e.message.split('\n')[0] ?? e.message),
      pos: source.position(e.pos[0]),
    }));
    throw new InputError(diagnostics);
  }
  return source;
}
