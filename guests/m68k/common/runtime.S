| The runtime of the m68k guests: the reset vectors, exception handlers and the system calls.
| A guest provides `main` (entered in supervisor mode with the vectors installed); it reaches
| these services from user mode with TRAP #0, d0 = the call:
|   SYS_PUTS  1   print the NUL-terminated string at a0
|   SYS_PUTDEC 2  print d1 as an unsigned decimal number
|   SYS_PUTHEX 3  print d1 as 0x and eight hex digits
|   SYS_EXIT  4   end the run through the finisher: d1 = 0 passes, anything else fails
| Only 68000 instructions are used, and no MOVE from SR, so every guest runs on both processors.
        .include "board.inc"

        .section .vectors, "ax"
        | The reset vectors (M68000UM §6.3.1): initial SSP, initial pc. The rest of the table
        | (vectors 2-63) is filled in by _start. isavirt starts at the ELF entry instead, in
        | supervisor mode, so _start also loads the SSP itself.
        .long   SUPERVISOR_SP
        .long   _start
        .fill   62, 4, 0

        .text
        .globl  _start
_start:
        lea     SUPERVISOR_SP, %sp
        | Every vector from 2 (bus error) to 63 goes to `unexpected`...
        lea     (8).l, %a0
        move.w  #61, %d1
1:      move.l  #unexpected, (%a0)+
        dbra    %d1, 1b
        | ...but for the privilege violation and the system-call trap.
        move.l  #privilege_violation, (VEC_PRIVILEGE * 4).l
        move.l  #system_call, (VEC_TRAP0 * 4).l
        bsr     main
        | main returned in supervisor mode: pass.
        moveq   #0, %d1
        bra     finish

| ---------------------------------------------------------------- exception handlers
| The frame (M68000UM §6.2.5) starts with SR at (sp) and the pc at 2(sp) on both the 68000 and the
| 68010 (whose format/vector-offset word follows at 6(sp)); RTE pops whichever the processor made.

        .globl  privilege_violation
privilege_violation:
        | The stacked pc is the offending instruction's own address (M68000UM §6.3.7). The guests
        | only offend with one-word instructions, so skipping it is adding 2.
        move.l  %a0, -(%sp)
        move.l  %d1, -(%sp)
        lea     msg_privilege, %a0
        bsr     puts
        move.l  8+2(%sp), %d1
        bsr     puthex
        lea     msg_skipped, %a0
        bsr     puts
        move.l  (%sp)+, %d1
        move.l  (%sp)+, %a0
        addq.l  #2, 2(%sp)
        rte

unexpected:
        lea     msg_unexpected, %a0
        bsr     puts
        move.l  2(%sp), %d1
        bsr     puthex
        lea     msg_newline, %a0
        bsr     puts
        moveq   #1, %d1
        bra     finish

| TRAP #0: a system call from user (or supervisor) mode; d0 selects it.
system_call:
        cmpi.l  #1, %d0
        bne     1f
        bsr     puts
        rte
1:      cmpi.l  #2, %d0
        bne     2f
        bsr     putdec
        rte
2:      cmpi.l  #3, %d0
        bne     3f
        bsr     puthex
        rte
3:      cmpi.l  #4, %d0
        bne     unexpected
        | fall through to finish with d1

| The finisher ends the run: 0x5555 passes, (code << 16) | 0x3333 fails with `code`.
finish:
        lea     FINISHER, %a0
        tst.l   %d1
        bne     1f
        move.l  #FINISHER_PASS, (%a0)
        bra.s   .
1:      swap    %d1
        clr.w   %d1
        ori.l   #0x3333, %d1
        move.l  %d1, (%a0)
        bra.s   .

| ---------------------------------------------------------------- console (supervisor mode)
| puts: the string at a0. Clobbers nothing.
        .globl  puts
puts:
        move.l  %a0, -(%sp)
        move.l  %a1, -(%sp)
        move.l  %d0, -(%sp)
        lea     UART_THR, %a1
1:      move.b  (%a0)+, %d0
        beq     2f
        move.b  %d0, (%a1)
        bra     1b
2:      move.l  (%sp)+, %d0
        move.l  (%sp)+, %a1
        move.l  (%sp)+, %a0
        rts

| puthex: d1 as 0x and eight digits. Clobbers nothing.
        .globl  puthex
puthex:
        move.l  %d0, -(%sp)
        move.l  %d2, -(%sp)
        move.l  %d3, -(%sp)
        move.l  %a1, -(%sp)
        lea     UART_THR, %a1
        move.b  #'0', (%a1)
        move.b  #'x', (%a1)
        moveq   #7, %d3                 | eight nibbles, the most significant first
1:      move.l  %d1, %d2
        moveq   #28, %d0
        lsr.l   %d0, %d2
        cmpi.b  #10, %d2
        blt     2f
        addi.b  #'a' - 10 - '0', %d2
2:      addi.b  #'0', %d2
        move.b  %d2, (%a1)
        lsl.l   #4, %d1
        dbra    %d3, 1b
        move.l  (%sp)+, %a1
        move.l  (%sp)+, %d3
        move.l  (%sp)+, %d2
        move.l  (%sp)+, %d0
        rts

| putdec: d1 in decimal, without leading zeros, by subtracting powers of ten (this subset has no
| DIVU). Clobbers d1.
        .globl  putdec
putdec:
        move.l  %d0, -(%sp)
        move.l  %d2, -(%sp)
        move.l  %d3, -(%sp)
        move.l  %a0, -(%sp)
        move.l  %a1, -(%sp)
        lea     UART_THR, %a1
        lea     powers, %a0
        moveq   #0, %d3                 | has a digit been printed?
1:      move.l  (%a0)+, %d2
        beq     4f                      | the table ends with 0
        moveq   #0, %d0
2:      cmp.l   %d2, %d1                | count how many times the power fits
        bcs     3f
        sub.l   %d2, %d1
        addq.l  #1, %d0
        bra     2b
3:      tst.l   %d0
        bne     5f
        tst.l   %d3
        bne     5f
        cmpi.l  #1, %d2                 | the last digit is printed even when it is 0
        bne     1b
5:      moveq   #1, %d3
        addi.b  #'0', %d0
        move.b  %d0, (%a1)
        bra     1b
4:      move.l  (%sp)+, %a1
        move.l  (%sp)+, %a0
        move.l  (%sp)+, %d3
        move.l  (%sp)+, %d2
        move.l  (%sp)+, %d0
        rts

        .section .rodata
        .balign 2
powers: .long   1000000000, 100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1, 0
msg_privilege:  .asciz  "privilege violation at "
msg_skipped:    .asciz  ", skipped\n"
msg_unexpected: .asciz  "unexpected exception at "
msg_newline:    .asciz  "\n"
