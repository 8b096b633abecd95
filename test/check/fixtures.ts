/**
 * The audit's fixture ISAs (test/fixtures/check/): `sealed` (every sensitive instruction
 * privileged, no timing dependency) and the same machine with one hole each (HOLES: the class,
 * the instruction) — `privileged-hole` (setie's privilege check has a gap), `control-hole` (setie
 * writes control state in user mode), `mode-hole` (getmode reads the mode, like SMSW),
 * `location-hole` (getbase reads the relocation base, like SGDT), `resource-hole` (getie reads the
 * interrupt enable, like PUSHF), `user-hole` (setie runs only in user mode), `supervisor-hole`
 * (setie is a silent no-op in user mode, like POPF), `timing-hole` (rdcycle reads the counter in
 * user mode, like RDTSC), `innocuous-hole` (nop writes control state); and `configured` (rdcycle
 * gated by counteren.CY, which the `vmm:` configuration clears). `withProbe` adds one instruction
 * to `sealed`.
 */
import { readFileSync } from 'node:fs';
import { loadIsa, loadIsaText } from '../../src/isa/load.js';
import { checkIsa, type CheckedIsa } from '../../src/semantics/check-isa.js';

export const FIXTURES = 'test/fixtures/check';

export type HoleName =
  | 'privileged-hole' | 'control-hole' | 'mode-hole' | 'location-hole' | 'resource-hole' | 'user-hole'
  | 'supervisor-hole' | 'timing-hole' | 'innocuous-hole';

export type FixtureName = 'sealed' | 'configured' | HoleName;

/** Every fixture, in file-name order (as `isavirt audit DIR` reads them). */
export const FIXTURE_NAMES: readonly FixtureName[] = [
  'configured', 'control-hole', 'innocuous-hole', 'location-hole', 'mode-hole', 'privileged-hole', 'resource-hole', 'sealed',
  'supervisor-hole', 'timing-hole', 'user-hole',
];

export function fixturePath(name: FixtureName): string {
  return `${FIXTURES}/${name}.yaml`;
}

export function loadFixture(name: FixtureName): CheckedIsa {
  return checkIsa(loadIsa(fixturePath(name)));
}

/**
 * `sealed` (or another fixture) plus an instruction `probe` (fields csr:4, rs1:3, rd:3, all free)
 * with `semantics` (and `expect`, a YAML flow mapping, when given).
 * The machine: mode U/S (user U), R[8] general, base/bound relocation, vector/status/epc control,
 * cycle timing; requireS() traps Privileged outside S.
 */
export function withProbe(semantics: string, expect = '', fixture: FixtureName = 'sealed'): CheckedIsa {
  const sealed = readFileSync(fixturePath(fixture), 'utf8').trimEnd();
  const body = semantics.trim().split('\n').map((l) => `      ${l.trim()}`).join('\n');
  const text = `${sealed}
  - name: probe
    encoding: 000000000000000 csr:4 rs1:3 rd:3 0111111
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
