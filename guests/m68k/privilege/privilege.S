| privilege: supervisor → user → back, on the 68000 and the 68010 alike.
| In supervisor mode: set the user stack pointer (MOVE USP) and drop to user mode with MOVE to SR.
| In user mode: compute (a sum, Fibonacci, the CRC-32 of "123456789") and print through TRAP #0
| system calls; try two privileged instructions (MOVE to SR, RTE), whose privilege violations the
| supervisor reports and skips; exit with TRAP #0 (SYS_EXIT), which ends the run at the finisher.
        .include "board.inc"
        .equ    SYS_PUTS, 1
        .equ    SYS_PUTDEC, 2
        .equ    SYS_PUTHEX, 3
        .equ    SYS_EXIT, 4

        .text
        .globl  main
main:
        lea     msg_hello, %a0
        bsr     puts
        lea     USER_SP, %a0
        move.l  %a0, %usp
        | S = 0, T = 0, interrupt mask 0: user mode from the next instruction on, with A7 = USP.
        move.w  #0x0000, %sr

| ---------------------------------------------------------------- user mode
user:
        lea     msg_user, %a0
        bsr     sys_puts

        | 1 + 2 + ... + 100
        moveq   #0, %d1
        moveq   #100, %d2
        move.w  #99, %d3
1:      add.l   %d2, %d1
        subq.l  #1, %d2
        dbra    %d3, 1b
        lea     msg_sum, %a0
        bsr     sys_puts
        bsr     sys_putdec_line

        | fib(30), iteratively
        moveq   #0, %d4                 | fib(i)
        moveq   #1, %d5                 | fib(i + 1)
        move.w  #29, %d3
2:      move.l  %d4, %d6
        add.l   %d5, %d6
        move.l  %d5, %d4
        move.l  %d6, %d5
        dbra    %d3, 2b
        move.l  %d4, %d1
        lea     msg_fib, %a0
        bsr     sys_puts
        bsr     sys_putdec_line

        | CRC-32 (reflected, polynomial 0xEDB88320) of "123456789": the check value is 0xCBF43926.
        lea     crc_input, %a2
        moveq   #-1, %d1
        move.l  #0xEDB88320, %d3
3:      moveq   #0, %d2
        move.b  (%a2)+, %d2
        beq     5f
        eor.l   %d2, %d1
        moveq   #7, %d4
4:      lsr.l   #1, %d1                 | C = the bit shifted out
        bcc     6f
        eor.l   %d3, %d1
6:      dbra    %d4, 4b
        bra     3b
5:      not.l   %d1
        lea     msg_crc, %a0
        bsr     sys_puts
        moveq   #SYS_PUTHEX, %d0
        trap    #0
        lea     msg_newline, %a0
        bsr     sys_puts

        | Privileged instructions from user mode: each raises a privilege violation (vector 8),
        | which the supervisor reports and skips.
        lea     msg_try_sr, %a0
        bsr     sys_puts
        move.w  %d0, %sr
        lea     msg_try_rte, %a0
        bsr     sys_puts
        rte

        | Signed arithmetic and the condition codes, checked in user mode.
        moveq   #-5, %d1
        addq.l  #3, %d1                 | -2
        bge     fail
        neg.l   %d1                     | 2
        ble     fail
        move.l  #0x7fffffff, %d2
        addq.l  #1, %d2                 | overflow: V set
        bvc     fail
        lea     msg_flags, %a0
        bsr     sys_puts

        lea     msg_bye, %a0
        bsr     sys_puts
        moveq   #0, %d1
        moveq   #SYS_EXIT, %d0
        trap    #0

fail:   moveq   #2, %d1
        moveq   #SYS_EXIT, %d0
        trap    #0

| User-mode wrappers of the system calls (TRAP #0).
sys_puts:
        moveq   #SYS_PUTS, %d0
        trap    #0
        rts
sys_putdec_line:
        moveq   #SYS_PUTDEC, %d0
        trap    #0
        lea     msg_newline, %a0
        bra     sys_puts

        .section .rodata
msg_hello:      .asciz  "supervisor: hello from the m68k privilege guest\n"
msg_user:       .asciz  "user: running with A7 = USP\n"
msg_sum:        .asciz  "user: 1 + 2 + ... + 100 = "
msg_fib:        .asciz  "user: fib(30) = "
msg_crc:        .asciz  "user: crc32(\"123456789\") = "
msg_try_sr:     .asciz  "user: move.w d0, sr ... "
msg_try_rte:    .asciz  "user: rte ... "
msg_flags:      .asciz  "user: condition codes ok\n"
msg_bye:        .asciz  "user: exit through trap #0\n"
msg_newline:    .asciz  "\n"
crc_input:      .asciz  "123456789"
