# sum.s — pg3: add up an array in supervisor mode and halt with the sum (3+1+4+1+5+9+2+6 = 31).
#
# The machine resets to M = s, P = 0, R = (l 0, b 255): the program sees physical storage as is.
# The words at 0..3 are the trap locations of isas/pg3.yaml (E[0] old PSW, E[1] new PSW,
# E[2] trap code, E[3] trap value); the word at 0 is also where execution starts.

        .org 0
        jmp   start             # E[0]: the reset P lands here; a trap would overwrite it
        .word 0x800400ff        # E[1]: new PSW: M = s, P = 4 (fail), l = 0, b = 255
        .word 0                 # E[2]: trap code
        .word 0                 # E[3]: trap value

fail:   load  r1, 2(r0)         # no trap is expected: halt with 0xbad0 + its cause code
        loadi r2, 0xbad0
        or    r1, r2
        halt  r1

start:  loadi r1, 0             # r1: the sum
        loadi r2, array         # r2: the next element's address
        loadi r3, end - array   # r3: elements left
loop:   load  r4, 0(r2)
        add   r1, r4
        addi  r2, 1             # word-addressed: the next element is one address on
        addi  r3, -1
        jnz   r3, loop
        halt  r1                # supervisor mode: halt is allowed, the exit code is the sum

array:  .word 3, 1, 4, 1, 5, 9, 2, 6
end:
