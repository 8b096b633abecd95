/**
 * The audit's fixture ISAs (test/fixtures/check/): `sealed` (every sensitive instruction
 * privileged) and the same machine with one hole each — `control-hole` (setie writes control
 * state in user mode), `mode-hole` (getmode reads the mode, like SMSW), `supervisor-hole` (setie is
 * a silent no-op in user mode, like POPF). `withProbe` adds one instruction to `sealed`.
 */
import { readFileSync } from 'node:fs';
import { loadIsa, loadIsaText } from '../../src/isa/load.js';
import { checkIsa, type CheckedIsa } from '../../src/semantics/check-isa.js';

export const FIXTURES = 'test/fixtures/check';

export type FixtureName = 'sealed' | 'control-hole' | 'mode-hole' | 'supervisor-hole';

export function fixturePath(name: FixtureName): string {
  return `${FIXTURES}/${name}.yaml`;
}

export function loadFixture(name: FixtureName): CheckedIsa {
  return checkIsa(loadIsa(fixturePath(name)));
}

/**
 * `sealed` plus an instruction `probe` (fields csr:4, rs1:3, rd:3, all free) with `semantics` (and
 * `expect`, a YAML flow mapping, when given).
 * The machine: mode U/S (user U), R[8] general, base/bound relocation, vector/status/epc control,
 * cycle timing; requireS() traps Privileged outside S.
 */
export function withProbe(semantics: string, expect = ''): CheckedIsa {
  const sealed = readFileSync(fixturePath('sealed'), 'utf8').trimEnd();
  const body = semantics.trim().split('\n').map((l) => `      ${l.trim()}`).join('\n');
  const text = `${sealed}
  - name: probe
    encoding: 000000000000000 csr:4 rs1:3 rd:3 0001100
    syntax: "probe {rd}, {rs1}, {csr}"
    semantics: |
${body}
${expect === '' ? '' : `    expect: ${expect}\n`}`;
  return checkIsa(loadIsaText(text, 'probe.yaml'));
}

/** Index of the instruction named `name`. */
export function indexOf(checked: CheckedIsa, name: string): number {
  const i = checked.isa.instructions.findIndex((x) => x.name === name);
  if (i < 0) throw new Error(`no instruction ${name}`);
  return i;
}
