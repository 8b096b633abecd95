// Runs the cases of gen.py on isavirt's bare machine and compares r0-r7 and N Z C V with what
// qemu-arm wrote (qemu.bin): node --import tsx compare.mts (from this directory).
import { readFileSync } from 'node:fs';
import { Machine } from '../../../src/machine/machine.ts';
import { loadCheckedIsa } from '../../../src/semantics/check-isa.ts';

const checked = loadCheckedIsa(new URL('../../../isas/armv7a.yaml', import.meta.url).pathname);
const isa = checked.isa;
const R = isa.state.get('R')!;
const APSR = isa.state.get('APSR')!;
const { cases, buf, bufAddr } = JSON.parse(readFileSync('cases.json', 'utf8')) as
  { cases: { word: number; regs: number[]; flags: number }[]; buf: number[]; bufAddr: number };
const qemu = readFileSync('qemu.bin');
const m = new Machine(checked, { engine: 'reference' });   // the tree-walking interpreter
const CODE = 0x1000;
let differ = 0;
cases.forEach((c, i) => {
  m.reset();
  m.ram.loadUnits(bufAddr, buf);
  m.interp.writeReg(isa.mode, 0x10);                   // User mode, as under qemu-arm
  m.ram.write(CODE, 32, c.word >>> 0);
  m.pc = CODE;
  c.regs.forEach((v, r) => m.interp.writeReg(R, v >>> 0, r));
  m.interp.writeReg(APSR, c.flags >>> 0);
  const result = m.step();
  const ours = [...Array(8).keys()].map((r) => Number(m.interp.readReg(R, r)) >>> 0);
  ours.push((Number(m.interp.readReg(APSR)) & 0xf0000000) >>> 0);
  const theirs = [...Array(9).keys()].map((k) => qemu.readUInt32LE(i * 36 + 4 * k));
  theirs[8] = (theirs[8]! & 0xf0000000) >>> 0;
  if (result.kind !== 'retired' || ours.some((v, k) => v !== theirs[k])) {
    if (differ++ < 10) {
      const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(' ');
      console.log(`case ${i}: word ${c.word.toString(16)} (${result.kind}) in ${hex(c.regs)} flags ${c.flags.toString(16)}`);
      console.log(`  isavirt ${hex(ours)}\n  qemu    ${hex(theirs)}`);
    }
  }
});
console.log(`${cases.length} cases, ${differ} differ`);
process.exitCode = differ === 0 ? 0 : 1;
