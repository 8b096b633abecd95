# supervisor.s — pg3: a tiny supervisor in the style of Popek & Goldberg's control program.
#
# It sets up E[1] (the new PSW every trap loads), then enters a user program with LPSW under a
# relocation-bounds register R = (l 1, b 1): the user's addresses 0..255 mean physical words
# 0x100..0x1ff, and anything at or past 256 is a memory trap. The user program computes 6 × 7
# by repeated addition, reports it with `svc 1`, then tries `halt`, which is privileged: in user
# mode it traps. Each trap stores the old PSW in E[0] with P = the trapping instruction's own
# address (P&G §2), the cause code in E[2] and the trap value in E[3].
#
# The supervisor checks every trap (cause, mode and P in the old PSW, the SVC number), resumes
# the user after the SVC by adding 1 to the old P and reloading the PSW from E[0], and halts
# after the second trap with
#
#     exit code = (first cause << 12) | (second cause << 8) | result = 0x322a = 12842
#
# (SupervisorCall = 3, PrivilegedInstruction = 2, result 42). Anything unexpected halts with
# 0xbad0 | cause.

        .org 0
        jmp   start             # E[0]: the reset P (M = s, R = (0, 255)); then each trap's old PSW
        .word 0                 # E[1]: new PSW, set up by start
        .word 0                 # E[2]: trap code
        .word 0                 # E[3]: trap value

# ---- supervisor ---------------------------------------------------------------------------

start:  loadi r1, handler       # E[1] = PSW(M = s, P = handler, l = 0, b = 255)
        shl   r1, 16            # P is PSW bits 30:16
        loadi r2, 1
        shl   r2, 31            # M = s is PSW bit 31
        or    r1, r2
        addi  r1, 0xff          # l = 0 (bits 15:8), b = 255 (bits 7:0): storage as is
        store r1, 1(r0)
        lpsw  user_psw(r0)      # into the user program: M = u, P = 0, R = (1, 1)

handler:
        load  r5, 2(r0)         # r5: the cause code
        load  r6, 0(r0)         # r6: the old PSW
        jneg  r6, unexpected    # M (bit 31) = s: the supervisor itself trapped
        shr   r6, 16            # r6: the old P (M is 0: the user trapped)
        load  r7, phase(r0)
        jnz   r7, second

first:  loadi r4, 3             # expect SupervisorCall ...
        sub   r4, r5
        jnz   r4, unexpected
        load  r4, 3(r0)         # ... number 1 ...
        addi  r4, -1
        jnz   r4, unexpected
        loadi r4, usvc - user   # ... with P at the svc itself, not after it
        sub   r4, r6
        jnz   r4, unexpected
        store r1, result(r0)    # the user's r1: what it reported
        store r5, causes(r0)
        loadi r7, 1
        store r7, phase(r0)
        load  r6, 0(r0)         # resume after the svc: old PSW with P + 1
        loadi r4, 1
        shl   r4, 16
        add   r6, r4
        store r6, 0(r0)
        lpsw  0(r0)

second: loadi r4, 2             # expect PrivilegedInstruction ...
        sub   r4, r5
        jnz   r4, unexpected
        loadi r4, uhalt - user  # ... at the user's halt
        sub   r4, r6
        jnz   r4, unexpected
        load  r1, causes(r0)    # exit code: first cause << 12 | second cause << 8 | result
        shl   r1, 4
        or    r1, r5
        shl   r1, 8
        load  r4, result(r0)
        or    r1, r4
        halt  r1

unexpected:
        loadi r4, 0xbad0
        or    r4, r5
        halt  r4

user_psw: .word 0x00000101      # M = u, P = 0, l = 1 (physical 0x100), b = 1 (256 words)
phase:  .word 0                 # traps seen so far
result: .word 0                 # what the user reported with svc 1
causes: .word 0                 # the first trap's cause code

# ---- user program: physical 0x100.., virtual 0.. -----------------------------------------
# Its labels are physical addresses; `label - user` is the address the user program sees.

        .org 0x100
user:   loadi r1, 0             # r1 = 6 × 7
        loadi r2, 6
        loadi r3, 7
umul:   add   r1, r3
        addi  r2, -1
        jnz   r2, umul - user
usvc:   svc   1                 # report r1: traps to the supervisor in either mode
uhalt:  halt  r1                # privileged: in user mode this traps
