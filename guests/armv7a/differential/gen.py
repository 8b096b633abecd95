#!/usr/bin/env python3
"""Random single-instruction tests of isas/armv7a.yaml against qemu-arm (user mode).

    python3 gen.py KIND SEED N     KIND: dp (data processing) or mem (LDR/LDRB/LDM)

writes cases.json and prog.S. prog.S runs every case on QEMU: it loads r0-r7 and the flags,
executes the instruction word, and stores r0-r7 and the CPSR; at the end it writes all results to
stdout. compare.mts runs the same cases on isavirt's machine and compares r0-r7 and N Z C V.
Registers r8-r10 belong to the harness, so the cases use r0-r7 only and never the PC, and the
encodings the description makes UNDEFINED (decode-time UNPREDICTABLE) are not generated.
"""
import json
import random
import sys

KIND = sys.argv[1]
random.seed(int(sys.argv[2]))
N = int(sys.argv[3])
BUF, SIZE = 0x200000, 4096                   # read-only data for the loads (--section-start=.buf)
SPECIAL = [0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x80000001, 0xfffffffe, 31, 32, 33]


def value():
    return random.choice(SPECIAL) if random.random() < 0.4 else random.getrandbits(32)


def dp_case():
    cond = 14 if random.random() < 0.4 else random.randrange(15)
    op = random.randrange(16)
    s = 1 if 8 <= op <= 11 else random.randrange(2)          # TST..CMN always set flags
    rn = 0 if op in (13, 15) else random.randrange(8)          # MOV, MVN: Rn is (0)
    rd = 0 if 8 <= op <= 11 else random.randrange(8)           # TST..CMN: Rd is (0)
    if random.random() < 0.5:
        word = (cond << 28) | (1 << 25) | (op << 21) | (s << 20) | (rn << 16) | (rd << 12) | random.getrandbits(12)
    else:
        imm5 = random.choice([0, 1, 31, random.randrange(32)])
        word = (cond << 28) | (op << 21) | (s << 20) | (rn << 16) | (rd << 12) | (imm5 << 7) \
            | (random.randrange(4) << 5) | random.randrange(8)
    return word, [value() for _ in range(8)]


def mem_case():
    cond = 14 if random.random() < 0.6 else random.randrange(15)
    regs = [random.getrandbits(32) for _ in range(8)]
    n = random.randrange(8)
    if random.random() < 0.5:                                   # LDR, LDRB (immediate)
        t = random.randrange(8)
        p, u, b = random.randrange(2), random.randrange(2), random.randrange(2)
        w = random.randrange(2) if p else 0                     # P = 0, W = 1 is LDRT
        if (not p or w) and n == t:
            return None
        base = BUF + 1024 + random.randrange(1024)
        if not b and random.random() < 0.7:
            base &= ~3
        regs[n] = base
        word = (cond << 28) | (0b010 << 25) | (p << 24) | (u << 23) | (b << 22) | (w << 21) | (1 << 20) \
            | (n << 16) | (t << 12) | random.randrange(64)
    else:                                                       # LDM IA/IB/DA/DB
        p, u, w = random.randrange(2), random.randrange(2), random.randrange(2)
        rlist = random.getrandbits(8)
        if rlist == 0 or (w and (rlist >> n) & 1):
            return None
        regs[n] = BUF + 2048 + 4 * random.randrange(-64, 64)
        word = (cond << 28) | (0b100 << 25) | (p << 24) | (u << 23) | (w << 21) | (1 << 20) | (n << 16) | rlist
    return word, regs


buf = bytes(random.getrandbits(8) for _ in range(SIZE))
cases = []
while len(cases) < N:
    c = dp_case() if KIND == 'dp' else mem_case()
    if c is not None:
        cases.append({'word': c[0], 'regs': c[1], 'flags': random.getrandbits(4) << 28})
json.dump({'cases': cases, 'buf': list(buf), 'bufAddr': BUF}, open('cases.json', 'w'))

with open('prog.S', 'w') as f:
    f.write('.syntax unified\n.arch armv7-a\n.arm\n.global _start\n_start:\n')
    f.write('  ldr r9, =inputs\n  ldr r8, =results\n  b 2f\n  .ltorg\n2:\n')
    for i, c in enumerate(cases):
        f.write('  ldm r9!, {r0-r7}\n  ldr r10, [r9], #4\n  msr cpsr_f, r10\n')
        f.write(f'  .word 0x{c["word"]:08x}\n')
        f.write('  mrs r10, cpsr\n  stm r8!, {r0-r7}\n  str r10, [r8], #4\n')
        if i % 200 == 199:
            f.write('  b 1f\n  .ltorg\n1:\n')
    f.write(f'  mov r0, #1\n  ldr r1, =results\n  ldr r2, ={N * 36}\n  mov r7, #4\n  svc #0\n')   # write
    f.write('  mov r0, #0\n  mov r7, #1\n  svc #0\n  .ltorg\n')                                   # exit
    f.write('.section .buf, "aw"\n')
    for i in range(0, SIZE, 16):
        f.write('  .byte ' + ', '.join(str(x) for x in buf[i:i + 16]) + '\n')
    f.write('.data\ninputs:\n')
    for c in cases:
        f.write('  .word ' + ', '.join(f'0x{x:08x}' for x in c['regs'] + [c['flags']]) + '\n')
    f.write(f'.bss\nresults: .space {N * 36}\n')
