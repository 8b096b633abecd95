| sr-user: the one difference a user-mode program can see between the two processors. MOVE from SR
| completes in user mode on the 68000 (and shows S = 0), and raises a privilege violation on the
| 68010, where the supervisor reports and skips it (expected-m68000.txt, expected-m68010.txt).
        .include "board.inc"
        .equ    SYS_PUTS, 1
        .equ    SYS_PUTHEX, 3
        .equ    SYS_EXIT, 4

        .text
        .globl  main
main:
        lea     USER_SP, %a0
        move.l  %a0, %usp
        move.w  #0x0000, %sr            | enter user mode

        lea     msg_try, %a0
        moveq   #SYS_PUTS, %d0
        trap    #0
        moveq   #-1, %d1
        move.w  %sr, %d1                | 68000: d1.w = SR; 68010: privilege violation, skipped
        lea     msg_sr, %a0
        moveq   #SYS_PUTS, %d0
        trap    #0
        moveq   #SYS_PUTHEX, %d0
        trap    #0
        lea     msg_newline, %a0
        moveq   #SYS_PUTS, %d0
        trap    #0
        moveq   #0, %d1
        moveq   #SYS_EXIT, %d0
        trap    #0

        .section .rodata
msg_try:        .asciz  "user: move.w sr, d1 ... "
msg_sr:         .asciz  "d1 = "
msg_newline:    .asciz  "\n"
