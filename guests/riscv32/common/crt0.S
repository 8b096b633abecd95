# crt0 for the C guests: set sp, zero .bss, call main, exit through the finisher.
# Runs in M-mode: with -bios none QEMU starts the hart at the ELF entry in Machine mode.

#define FINISHER        0x00100000  /* SiFive test finisher ("sifive_test") on the virt board */
#define FINISHER_PASS   0x5555      /* store 0x5555: exit with success */
#define FINISHER_FAIL   0x3333      /* store (code << 16) | 0x3333: exit with failure `code` */
#define TRAP_EXIT_CODE  127         /* failure code for a trap the program did not expect */

        .section .text.init, "ax"
        .globl _start
_start:
        # An unexpected trap ends the run instead of looping forever (mtvec, Priv. 3.1.7).
        la      t0, unexpected_trap
        csrw    mtvec, t0
        la      sp, __stack_top
        # .bss is NOLOAD: the ELF loader does not clear it, so zero it here.
        la      t0, __bss_start
        la      t1, __bss_end
1:      bgeu    t0, t1, 2f
        sw      zero, 0(t0)
        addi    t0, t0, 4
        j       1b
2:      call    main
        # fall through with main's return value in a0

        .globl exit
exit:   li      t0, FINISHER
        li      t1, FINISHER_PASS
        beqz    a0, 3f
        slli    t1, a0, 16
        li      t2, FINISHER_FAIL
        or      t1, t1, t2
3:      sw      t1, 0(t0)
4:      j       4b                  # the finisher store ends the run; never reached

        .balign 4
unexpected_trap:
        li      a0, TRAP_EXIT_CODE
        j       exit

        # HTIF mailbox: honoured by isavirt's machine; QEMU virt has no HTIF, so never written.
        .section .tohost, "aw", @progbits
        .balign 8
        .globl tohost
tohost: .dword 0
        .balign 8
        .globl fromhost
fromhost: .dword 0
