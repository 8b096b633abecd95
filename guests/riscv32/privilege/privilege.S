# privilege: walk M -> S -> U and back through traps, printing what each handler sees.
#
# Sections cite "The RISC-V Instruction Set Manual, Volume II: Privileged Architecture",
# version 20211203 ("Priv."). Only deterministic values are printed: causes, trap values,
# trap-pc offsets from a label, and event counts — never counters, mtime or misa.

#define UART_BASE       0x10000000  /* NS16550A on the virt board */
#define UART_THR        0           /* transmitter holding register */
#define UART_LSR        5           /* line status register */
#define LSR_THRE        0x20        /* THR empty: the UART accepts another byte */
#define CLINT_MTIMECMP  0x02004000  /* hart 0 mtimecmp, 64 bits */
#define CLINT_MTIME     0x0200bff8  /* mtime, 64 bits */
#define FINISHER        0x00100000  /* SiFive test finisher */
#define FINISHER_PASS   0x5555
#define FINISHER_FAIL   0x3333      /* store (code << 16) | 0x3333 */

#define MSTATUS_MIE     (1 << 3)    /* Priv. 3.1.6.1 */
#define MSTATUS_MPP     (3 << 11)
#define MSTATUS_MPP_S   (1 << 11)
#define MSTATUS_MPP_SHIFT 11
#define SSTATUS_SPP     (1 << 8)    /* Priv. 4.1.1 */
#define SSTATUS_SPP_SHIFT 8
#define MIE_MTIE        (1 << 7)    /* Priv. 3.1.9 */
#define PMPCFG_R        0x01        /* Priv. 3.7.1 */
#define PMPCFG_W        0x02
#define PMPCFG_X        0x04
#define PMPCFG_A_NAPOT  0x18

/* Exception codes and interrupt bit (Priv. 3.1.15, Table 3.6). */
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_ECALL_FROM_U        8
#define CAUSE_ECALL_FROM_S        9
#define MCAUSE_INTERRUPT          0x80000000
#define MCAUSE_M_TIMER            (MCAUSE_INTERRUPT | 7)

#define ECALL_HELLO      0          /* a7 value: an ordinary call, S returns to U */
#define ECALL_LEAVE_USER 1          /* a7 value: U asks S to take over for good */
#define TIMER_DELAY      1000       /* mtime ticks until the timer interrupt */
#define FRAME            48         /* trap frame: ra, a0, a1, t0-t5 */

# PRINT "text": print a string literal (clobbers a0, t0-t2).
.macro PRINT text
        .pushsection .rodata.str, "aMS", @progbits, 1
99:     .asciz "\text"
        .popsection
        la      a0, 99b
        call    puts
.endm

# PRINT_HEX reg: print reg as 0x%08x (clobbers a0, a1, t0-t3).
.macro PRINT_HEX reg
        mv      a0, \reg
        call    puthex
.endm

        .section .text.init, "ax"
        .globl _start
_start:
# ---------------------------------------------------------------- M-mode
        # With -bios none the hart starts at the ELF entry in M-mode (Priv. 3.4).
        la      sp, m_stack_top
        # mscratch holds the M trap stack while other code runs (Priv. 3.1.13).
        la      t0, m_trap_stack_top
        csrw    mscratch, t0
        # Traps taken into M jump to mtvec; MODE=Direct needs 4-byte alignment (Priv. 3.1.7).
        la      t0, m_trap
        csrw    mtvec, t0
        PRINT   "M: reset, mtvec set\n"

        # If no PMP entry matches, S- and U-mode accesses fail (Priv. 3.7.1.3). QEMU
        # implements PMP, so entry 0 grants RWX on all memory: NAPOT with pmpaddr all ones
        # (Priv. 3.7.1.1). A machine with no PMP entries ignores both writes.
        li      t0, -1
        csrw    pmpaddr0, t0
        li      t0, PMPCFG_A_NAPOT | PMPCFG_X | PMPCFG_W | PMPCFG_R
        csrw    pmpcfg0, t0
        PRINT   "M: PMP entry 0 = all memory RWX\n"

        # Exceptions whose medeleg bit is set trap to S when raised in S or U (Priv. 3.1.8).
        li      t0, (1 << CAUSE_ILLEGAL_INSTRUCTION) | (1 << CAUSE_ECALL_FROM_U)
        csrw    medeleg, t0
        PRINT   "M: medeleg = "
        csrr    t4, medeleg
        PRINT_HEX t4
        PRINT   "\n"

        # MRET sets the privilege to mstatus.MPP and the pc to mepc (Priv. 3.3.2).
        li      t0, MSTATUS_MPP
        csrc    mstatus, t0
        li      t0, MSTATUS_MPP_S
        csrs    mstatus, t0
        la      t0, s_start
        csrw    mepc, t0
        PRINT   "M: mret to S-mode\n"
        mret

# ---------------------------------------------------------------- S-mode
s_start:
        la      sp, s_stack_top
        la      t0, s_trap_stack_top
        csrw    sscratch, t0
        # Traps delegated to S jump to stvec (Priv. 4.1.2).
        la      t0, s_trap
        csrw    stvec, t0
        PRINT   "S: running, stvec set\n"
        # SRET sets the privilege to sstatus.SPP (0 = U) and the pc to sepc (Priv. 3.3.2).
        li      t0, SSTATUS_SPP
        csrc    sstatus, t0
        la      t0, u_start
        csrw    sepc, t0
        PRINT   "S: sret to U-mode\n"
        sret

s_after_user:
        # Reached from the S trap handler, still in S-mode, once U is done.
        la      sp, s_stack_top
        la      t0, s_trap_stack_top
        csrw    sscratch, t0
        PRINT   "S: ecall to M\n"
        # ECALL in S raises "environment call from S-mode" (cause 9); medeleg bit 9 is
        # clear, so it traps to M (Priv. 3.3.1, 3.1.8).
s_ecall:
        ecall
        PRINT   "S: error: M returned to S\n"
        j       fail

# ---------------------------------------------------------------- U-mode
u_start:
        la      sp, u_stack_top
        PRINT   "U: running, ecall\n"
        # ECALL in U raises cause 8, delegated to S by medeleg (Priv. 3.3.1).
        li      a7, ECALL_HELLO
        ecall
        PRINT   "U: back from ecall, csrr mstatus\n"
        # Accessing a CSR above the current privilege is an illegal instruction
        # (Priv. 2.1); medeleg bit 2 sends it to S.
        csrr    t4, mstatus
        PRINT   "U: back from illegal instruction, ecall to leave\n"
        li      a7, ECALL_LEAVE_USER
        ecall
        PRINT   "U: error: S returned to U\n"
        j       fail

# ---------------------------------------------------------------- S trap handler
        .balign 4
s_trap:
        csrrw   sp, sscratch, sp        # sp = S trap stack, sscratch = interrupted sp
        addi    sp, sp, -FRAME
        sw      ra, 0(sp)
        sw      a0, 4(sp)
        sw      a1, 8(sp)
        sw      t0, 12(sp)
        sw      t1, 16(sp)
        sw      t2, 20(sp)
        sw      t3, 24(sp)
        sw      t4, 28(sp)
        sw      t5, 32(sp)
        PRINT   "S: trap scause="
        csrr    t4, scause
        PRINT_HEX t4
        PRINT   " from "
        # sstatus.SPP holds the privilege the trap came from: 0 = U, 1 = S (Priv. 4.1.1).
        csrr    a0, sstatus
        srli    a0, a0, SSTATUS_SPP_SHIFT
        andi    a0, a0, 1
        call    putmode
        PRINT   ", sepc=u_start+"
        # sepc holds the address of the trapping instruction (Priv. 4.1.7).
        csrr    t5, sepc
        la      t0, u_start
        sub     t5, t5, t0
        PRINT_HEX t5
        li      t0, CAUSE_ILLEGAL_INSTRUCTION
        bne     t4, t0, 1f
        # For an illegal instruction stval is 0 or the faulting instruction's bits (Priv. 4.1.9).
        PRINT   ", stval="
        csrr    t5, stval
        PRINT_HEX t5
1:      PRINT   "\n"
        li      t0, CAUSE_ILLEGAL_INSTRUCTION
        beq     t4, t0, s_trap_skip
        li      t0, CAUSE_ECALL_FROM_U
        bne     t4, t0, s_trap_unexpected
        li      t0, ECALL_LEAVE_USER
        bne     a7, t0, s_trap_skip
        PRINT   "S: user program finished\n"
        j       s_after_user
s_trap_skip:
        # sepc points at the trapping instruction; resume at the next one (4 bytes, no C).
        csrr    t0, sepc
        addi    t0, t0, 4
        csrw    sepc, t0
        PRINT   "S: sret to sepc+4\n"
        lw      ra, 0(sp)
        lw      a0, 4(sp)
        lw      a1, 8(sp)
        lw      t0, 12(sp)
        lw      t1, 16(sp)
        lw      t2, 20(sp)
        lw      t3, 24(sp)
        lw      t4, 28(sp)
        lw      t5, 32(sp)
        addi    sp, sp, FRAME
        csrrw   sp, sscratch, sp        # back to the interrupted sp
        sret
s_trap_unexpected:
        PRINT   "S: unexpected trap\n"
        j       fail

# ---------------------------------------------------------------- M trap handler
        .balign 4
m_trap:
        csrrw   sp, mscratch, sp        # sp = M trap stack, mscratch = interrupted sp
        addi    sp, sp, -FRAME
        sw      ra, 0(sp)
        sw      a0, 4(sp)
        sw      a1, 8(sp)
        sw      t0, 12(sp)
        sw      t1, 16(sp)
        sw      t2, 20(sp)
        sw      t3, 24(sp)
        sw      t4, 28(sp)
        sw      t5, 32(sp)
        PRINT   "M: trap mcause="
        csrr    t4, mcause
        PRINT_HEX t4
        PRINT   " from "
        # mstatus.MPP holds the privilege the trap came from (Priv. 3.1.6.1).
        csrr    a0, mstatus
        srli    a0, a0, MSTATUS_MPP_SHIFT
        andi    a0, a0, 3
        call    putmode
        PRINT   "\n"
        li      t0, MCAUSE_M_TIMER
        beq     t4, t0, m_timer_interrupt
        li      t0, CAUSE_ECALL_FROM_S
        bne     t4, t0, m_trap_unexpected
        PRINT   "M: mepc=s_ecall+"
        # mepc holds the address of the ECALL itself (Priv. 3.1.14).
        csrr    t5, mepc
        la      t0, s_ecall
        sub     t5, t5, t0
        PRINT_HEX t5
        PRINT   "\n"
        j       m_after_supervisor

m_timer_interrupt:
        # MTIP stays pending while mtime >= mtimecmp (Priv. 3.2.1): push mtimecmp to the
        # far future and clear mie.MTIE so the timer stays quiet from now on.
        li      t0, CLINT_MTIMECMP
        li      t1, -1
        sw      t1, 4(t0)
        sw      t1, 0(t0)
        li      t0, MIE_MTIE
        csrc    mie, t0
        la      t0, timer_interrupts
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        PRINT   "M: timer disarmed, mret\n"
        lw      ra, 0(sp)
        lw      a0, 4(sp)
        lw      a1, 8(sp)
        lw      t0, 12(sp)
        lw      t1, 16(sp)
        lw      t2, 20(sp)
        lw      t3, 24(sp)
        lw      t4, 28(sp)
        lw      t5, 32(sp)
        addi    sp, sp, FRAME
        csrrw   sp, mscratch, sp
        # For an interrupt mepc is the next instruction not yet executed: mret resumes there.
        mret
m_trap_unexpected:
        PRINT   "M: unexpected trap\n"
        j       fail

# ---------------------------------------------------------------- M-mode, timer
m_after_supervisor:
        # S is done: continue in M on the M stack (the trap frame is abandoned).
        la      sp, m_stack_top
        la      t0, m_trap_stack_top
        csrw    mscratch, t0
        # Read the 64-bit mtime on RV32: high, low, high again until the high word is stable.
        li      t0, CLINT_MTIME
1:      lw      t1, 4(t0)
        lw      t2, 0(t0)
        lw      t3, 4(t0)
        bne     t1, t3, 1b
        # mtimecmp = mtime + TIMER_DELAY, with the carry into the high word.
        li      t3, TIMER_DELAY
        add     t3, t2, t3
        sltu    t2, t3, t2
        add     t1, t1, t2
        # Write high = all ones first, so the half-written value never falls below mtime
        # (Priv. 3.2.1 gives this sequence).
        li      t0, CLINT_MTIMECMP
        li      t2, -1
        sw      t2, 4(t0)
        sw      t3, 0(t0)
        sw      t1, 4(t0)
        li      t0, MIE_MTIE
        csrs    mie, t0
        PRINT   "M: timer armed (mtimecmp = mtime + 1000), waiting with wfi\n"
        # WFI resumes when an interrupt is pending and enabled in mie, whatever mstatus.MIE
        # says (Priv. 3.3.3). Waiting with MIE clear and opening it only after WFI avoids the
        # race where the interrupt lands between the check and the WFI and WFI never wakes.
m_wait:
        wfi
        csrsi   mstatus, MSTATUS_MIE    # a pending MTI is taken here
        csrci   mstatus, MSTATUS_MIE
        lw      t4, timer_interrupts
        beqz    t4, m_wait
        PRINT   "M: timer interrupts seen: "
        PRINT_HEX t4
        PRINT   "\n"
        PRINT   "M: pass\n"
        li      t0, FINISHER
        li      t1, FINISHER_PASS
        sw      t1, 0(t0)
        j       .

# ---------------------------------------------------------------- output, any mode
# fail: end the run with failure code 1 (the finisher is reachable from S and U too).
fail:
        li      t0, FINISHER
        li      t1, (1 << 16) | FINISHER_FAIL
        sw      t1, 0(t0)
        j       .

# putc: print the byte in a0, polling LSR.THRE. Clobbers t0, t1.
putc:
        li      t0, UART_BASE
1:      lbu     t1, UART_LSR(t0)
        andi    t1, t1, LSR_THRE
        beqz    t1, 1b
        sb      a0, UART_THR(t0)
        ret

# puts: print the NUL-terminated string at a0. Clobbers a0, t0-t2.
puts:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        mv      t2, a0
1:      lbu     a0, 0(t2)
        beqz    a0, 2f
        call    putc
        addi    t2, t2, 1
        j       1b
2:      lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# puthex: print a0 as 0x and eight hex digits. Clobbers a0, a1, t0-t3.
puthex:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        mv      a1, a0
        li      a0, '0'
        call    putc
        li      a0, 'x'
        call    putc
        li      t3, 28
1:      srl     t2, a1, t3
        andi    t2, t2, 0xf
        la      t0, hex_digits
        add     t0, t0, t2
        lbu     a0, 0(t0)
        call    putc
        addi    t3, t3, -4
        bgez    t3, 1b
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# putmode: print the name of privilege level a0 (0 U, 1 S, 3 M; Priv. 1.2). Clobbers a0, t0-t2.
putmode:
        slli    a0, a0, 3
        la      t0, mode_names
        add     a0, a0, t0
        j       puts

        .section .rodata
hex_digits:
        .ascii  "0123456789abcdef"
        .balign 8
mode_names:                             # eight bytes per privilege level
        .asciz  "U-mode\0"
        .asciz  "S-mode\0"
        .asciz  "?-mode\0"
        .asciz  "M-mode\0"

        .data
        .balign 4
timer_interrupts:
        .word   0

        .bss
        .balign 16
        .space  1024
m_stack_top:
        .space  1024
m_trap_stack_top:
        .space  1024
s_stack_top:
        .space  1024
s_trap_stack_top:
        .space  1024
u_stack_top:

        # HTIF mailbox: honoured by isavirt's machine; QEMU virt has no HTIF, so never written.
        .section .tohost, "aw", @progbits
        .balign 8
        .globl tohost
tohost: .dword 0
        .balign 8
        .globl fromhost
fromhost: .dword 0
