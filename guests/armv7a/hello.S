@ hello.S: an ARMv7-A (ARM state) guest for isavirt's bare board (isas/armv7a.yaml).
@
@ It starts at the reset vector in Supervisor mode, sets up a stack for every mode that has its
@ own SP, drops to User mode with an exception return (MOVS PC, LR), computes there, and comes
@ back through SVC calls: the SVC handler saves its return state with SRS and returns with RFE.
@ In User mode it also shows the instructions that make ARMv7-A fail Popek and Goldberg's
@ Theorem 1: CPS and MSR do nothing without trapping, and MRS reveals the mode; a CP15 access
@ does trap. Output goes to the NS16550A UART at 0x10000000; the run ends with a store of 0x5555
@ (pass) to the SiFive test finisher at 0x10100000, or (code << 16) | 0x3333 (fail).
@
@ Uses only instructions the description implements: data processing with immediates and
@ immediate shifts, LDR/STR/LDRB/STRB with immediate offsets, LDM/STM, B/BL/BX, SVC, CPS, MRS,
@ MSR, SRS, RFE, MRC (ARM ARM DDI 0406C.c, A8 and B9).

        .syntax unified
        .arch   armv7-a
        .arm

        .equ    UART,       0x10000000      @ NS16550A: THR at +0, LSR at +5
        .equ    LSR_THRE,   0x20            @ LSR bit 5: the transmit holding register is empty
        .equ    FINISHER,   0x10100000
        .equ    PASS,       0x5555
        .equ    FAIL,       0x3333

        .equ    MODE_USR,   0x10            @ CPSR.M encodings (B1.3.1)
        .equ    MODE_FIQ,   0x11
        .equ    MODE_IRQ,   0x12
        .equ    MODE_SVC,   0x13
        .equ    MODE_ABT,   0x17
        .equ    MODE_UND,   0x1b
        .equ    MODE_SYS,   0x1f

        .equ    SVC_EXIT,   0               @ the guest's own SVC numbers
        .equ    SVC_PUTS,   1               @ r0: address of a NUL-terminated string
        .equ    SVC_PUTHEX, 2               @ r0: value, printed as 0x%08x and a newline

@ ---------------------------------------------------------------- vectors (B1.8.1)
        .section .vectors, "ax"
        .global _start
_start:
        b       reset                       @ 0x00 reset
        b       undef_handler               @ 0x04 Undefined Instruction
        b       svc_handler                 @ 0x08 Supervisor Call
        b       abort_handler               @ 0x0c Prefetch Abort
        b       abort_handler               @ 0x10 Data Abort
        b       abort_handler               @ 0x14 (not used)
        b       abort_handler               @ 0x18 IRQ
        b       abort_handler               @ 0x1c FIQ

        .text
@ ---------------------------------------------------------------- reset, in Supervisor mode
reset:
        ldr     sp, =__stack_svc
        mrs     r4, cpsr                    @ B1.9.1: svc mode, A, I and F set
        ldr     r0, =msg_reset
        bl      puts
        mov     r0, r4
        bl      puthex

        @ Each exception mode has its own SP (B1.3.2); CPS switches mode at PL1.
        cps     #MODE_FIQ
        ldr     sp, =__stack_fiq
        cps     #MODE_IRQ
        ldr     sp, =__stack_irq
        cps     #MODE_ABT
        ldr     sp, =__stack_abt
        cps     #MODE_UND
        ldr     sp, =__stack_und
        cps     #MODE_SYS                   @ System mode shares User mode's SP
        ldr     sp, =__stack_usr
        cps     #MODE_SVC
        ldr     r0, =msg_stacks
        bl      puts

        @ To User mode: SPSR_svc = usr with IRQ and FIQ masked, then an exception return.
        mov     r0, #(MODE_USR | 0xc0)
        msr     spsr_cxsf, r0
        ldr     lr, =user_main
        movs    pc, lr                      @ B9.3.20: CPSR <- SPSR_svc, PC <- LR

@ ---------------------------------------------------------------- User mode
user_main:
        ldr     r0, =msg_user
        svc     #SVC_PUTS
        mrs     r0, cpsr                    @ not privileged: reads M = usr
        svc     #SVC_PUTHEX

        @ sum(1..100), with a conditional branch
        mov     r0, #0
        mov     r1, #1
1:      add     r0, r0, r1
        add     r1, r1, #1
        cmp     r1, #100
        ble     1b
        mov     r4, r0
        ldr     r0, =msg_sum
        svc     #SVC_PUTS
        mov     r0, r4
        svc     #SVC_PUTHEX

        @ fib(30) by iteration, in a subroutine (BL, PUSH/POP = STMDB/LDMIA)
        mov     r0, #30
        bl      fib
        mov     r4, r0
        ldr     r0, =msg_fib
        svc     #SVC_PUTS
        mov     r0, r4
        svc     #SVC_PUTHEX

        @ condition codes: max, min and a signed compare, without branches
        mov     r1, #17
        mov     r2, #42
        cmp     r1, r2
        movgt   r3, r1                      @ GT fails: 17 > 42 is false
        movle   r3, r2                      @ LE passes
        movlt   r5, r1                      @ LT passes
        movge   r5, r2
        mvn     r6, #0                      @ -1
        cmp     r6, #1
        movlt   r7, #1                      @ signed: -1 < 1
        movhs   r8, #1                      @ unsigned: 0xffffffff >= 1
        orr     r0, r3, r5, lsl #8          @ 0x2a | (0x11 << 8)
        orr     r0, r0, r7, lsl #16
        orr     r0, r0, r8, lsl #24
        mov     r4, r0
        ldr     r0, =msg_cond
        svc     #SVC_PUTS
        mov     r0, r4
        svc     #SVC_PUTHEX

        @ a checksum of the message table with shifts, EOR and LDRB post-indexed
        ldr     r1, =msg_reset
        mov     r0, #0
2:      ldrb    r2, [r1], #1
        cmp     r2, #0
        beq     3f
        eor     r0, r2, r0, ror #27
        add     r0, r0, r2, lsl #3
        b       2b
3:      mov     r4, r0
        ldr     r0, =msg_sumchk
        svc     #SVC_PUTS
        mov     r0, r4
        svc     #SVC_PUTHEX

        @ The sensitive, unprivileged instructions (B9.3.2, B9.3.12, B9.3.8).
        cps     #MODE_SVC                   @ User mode: no effect, no trap
        ldr     r0, =msg_cps
        svc     #SVC_PUTS
        mrs     r0, cpsr
        svc     #SVC_PUTHEX

        ldr     r0, =0xf00000d3             @ NZCV set, I and F set, M = svc
        msr     cpsr_fc, r0                 @ User mode: only the flags are written
        mrs     r4, cpsr
        ldr     r0, =msg_msr
        svc     #SVC_PUTS
        mov     r0, r4
        svc     #SVC_PUTHEX

        @ A CP15 access is PL1 only: UNDEFINED in User mode (the handler skips it).
        ldr     r0, =msg_mrc
        svc     #SVC_PUTS
        mrc     p15, 0, r0, c1, c0, 0       @ SCTLR
        ldr     r0, =msg_bye
        svc     #SVC_PUTS
        mov     r0, #0
        svc     #SVC_EXIT
        b       .

@ fib(r0) -> r0, iteratively
fib:
        push    {r4, lr}
        mov     r1, #0                      @ fib(0)
        mov     r2, #1                      @ fib(1)
1:      subs    r0, r0, #1
        blt     2f
        add     r4, r1, r2
        mov     r1, r2
        mov     r2, r4
        b       1b
2:      mov     r0, r1
        pop     {r4, pc}

@ ---------------------------------------------------------------- SVC, in Supervisor mode
svc_handler:
        srsdb   sp!, #MODE_SVC              @ push LR_svc and SPSR_svc (B9.3.16)
        push    {r0-r3, r12, lr}
        ldr     r12, [lr, #-4]              @ the SVC instruction: LR_svc is the next one
        bic     r12, r12, #0xff000000       @ its 24-bit immediate
        cmp     r12, #SVC_PUTS
        bleq    puts
        cmp     r12, #SVC_PUTHEX
        bleq    puthex
        cmp     r12, #SVC_EXIT
        beq     exit
        pop     {r0-r3, r12, lr}
        rfeia   sp!                         @ pop PC and CPSR (B9.3.13)

exit:
        ldr     r0, =msg_exit
        bl      puts
        ldr     r1, =FINISHER
        ldr     r0, =PASS
        str     r0, [r1]
        b       .

@ ---------------------------------------------------------------- Undefined Instruction
undef_handler:
        push    {r0-r4, r12, lr}
        ldr     r4, [lr, #-4]               @ LR_und = the undefined instruction + 4 (B1.9.2)
        ldr     r0, =msg_undef
        bl      puts
        mov     r0, r4
        bl      puthex
        pop     {r0-r4, r12, lr}
        movs    pc, lr                      @ skip it: back to the next instruction

@ ---------------------------------------------------------------- anything else: fail
abort_handler:
        ldr     sp, =__stack_abt
        ldr     r0, =msg_fail
        bl      puts
        ldr     r1, =FINISHER
        ldr     r0, =((1 << 16) | FAIL)
        str     r0, [r1]
        b       .

@ ---------------------------------------------------------------- console (PL1 only)
@ puts(r0): write the NUL-terminated string at r0. Clobbers r0-r3.
puts:
        ldr     r1, =UART
1:      ldrb    r2, [r0], #1
        cmp     r2, #0
        bxeq    lr
2:      ldrb    r3, [r1, #5]                @ LSR
        tst     r3, #LSR_THRE
        beq     2b
        strb    r2, [r1]                    @ THR
        b       1b

@ puthex(r0): write "0x", eight hex digits and a newline. Clobbers r0-r3.
puthex:
        push    {r4, r5, lr}
        mov     r4, r0
        ldr     r0, =msg_0x
        bl      puts
        mov     r5, #8                      @ eight digits, most significant first
1:      mov     r4, r4, ror #28             @ rotate the next digit into bits 3:0
        and     r0, r4, #0xf
        cmp     r0, #10
        addlo   r0, r0, #'0'
        addhs   r0, r0, #('a' - 10)
        bl      putc
        subs    r5, r5, #1
        bne     1b
        mov     r0, #'\n'
        bl      putc
        pop     {r4, r5, pc}

@ putc(r0): write one byte. Clobbers r1, r3.
putc:
        ldr     r1, =UART
1:      ldrb    r3, [r1, #5]
        tst     r3, #LSR_THRE
        beq     1b
        strb    r0, [r1]
        bx      lr

        .ltorg

msg_reset:  .asciz "armv7a: reset in svc mode, cpsr = "
msg_stacks: .asciz "stacks set for fiq irq abt und sys svc\n"
msg_user:   .asciz "user mode, cpsr = "
msg_sum:    .asciz "sum(1..100) = "
msg_fib:    .asciz "fib(30) = "
msg_cond:   .asciz "max, min, signed lt, unsigned hs = "
msg_sumchk: .asciz "checksum = "
msg_cps:    .asciz "cps #svc in user mode (no trap, no effect): cpsr = "
msg_msr:    .asciz "msr cpsr_fc, 0xf00000d3 in user mode (flags only): cpsr = "
msg_mrc:    .asciz "mrc p15 SCTLR in user mode: "
msg_undef:  .asciz "undefined instruction "
msg_bye:    .asciz "back in user mode after the trap\n"
msg_exit:   .asciz "svc exit: bye\n"
msg_fail:   .asciz "unexpected exception\n"
msg_0x:     .asciz "0x"
        .align  2
