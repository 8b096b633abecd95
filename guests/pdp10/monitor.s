; monitor.s — pdp10 (isas/pdp10.yaml): a tiny KA10 Monitor and one user program.
;
; The executive part sets up the trap locations, loads the relocation and protection registers
; with DATAO APR (low segment of 1K words, user address a ↦ physical 2000 + a (octal), so user
; addresses 0..1777 mean physical 2000..3777), assigns the APR to priority-interrupt channel 1
; and turns that channel on, then enters the user program with JRST 1, (enter user mode).
;
; The user program adds up 10 + 9 + ... + 1 = 55 in the accumulators, stores it in its own
; (relocated) memory and reports it with CALLI 1, (MUUO 047: MUUO 7 here). Then it tries HALT
; (JRST 4,), which in user mode is executed as an MUUO, and finally reads beyond its 1K words,
; a memory protection violation, which the APR reports by an interrupt on channel 1.
;
; Each MUUO stores its instruction code, A and E in unrelocated 40 and executes the instruction
; in 41 — JSR MUUOH, which saves the PC word (with the User flag, bit 5, still 1) and leaves user
; mode. The interrupt executes the instruction in 42 (= 40 + 2·1): JSR APRH. The Monitor checks
; every step and halts with
;
;     exit code = 0x100 (the CALLI came from user mode: User = 1 in the saved PC word)
;               | 0x200 (the user's HALT came back as an MUUO: code 254, A = 4)
;               | 0x400 (the protection violation came as an APR interrupt from user mode)
;               | the sum the user reported = 0x737 = 1847
;
; Anything unexpected halts with 0x3FF00 | where. HALT's exit code is its E (the PC lights).
; The assembler takes decimal and hex; octal, the PDP-10's own notation, is in the comments.
; An operand `@I Y(X)` is MACRO-10's `@Y(X)` when I = 1 and `Y(X)` when I = 0.

        .org 0
        JRST 0, @0 start(0)         ; AC0: execution starts here (the image is entered at 0)

        .org 32                     ; 40: an MUUO's instruction code, A and E
        .word 0
        JSR 0, @0 muuoh(0)          ; 41: executed by every MUUO, unrelocated, for the Monitor
        JSR 0, @0 aprh(0)           ; 42: channel 1's interrupt instruction (40 + 2·1)

        .org 48                     ; 60: an unassigned code's instruction code, A and E
        .word 0
        JSR 0, @0 unash(0)          ; 61

; ---- Monitor (executive mode, unrelocated) -------------------------------------------------

        .org 64                     ; 100
start:  DATAO 0, @0 relocw(0)       ; APR: PL = 0 (blocks 0..0), RL = 1 (physical 2000), no high segment
        CONO 0, @0 0x2001(0)        ; APR: clear memory protection (20000), APR on channel 1 (1)
        CONO 4, @0 0x14C0(0)        ; PI: clear (10000), then on (200), channel 1 (100) on (2000)
        JRST 1, @0 96(0)            ; enter user mode at user 140 — P&G's JRST 1,

; MUUO: 40 = instruction code (bits 0-8), A (9-12), E (18-35); MUUOH = the user's PC word.
muuoh:  .word 0
        MOVE 5, @0 32(0)            ; AC5 = C(40)
        LSH 5, @0 0x3FFE9(0)        ; >> 23: AC5 = instruction code and A (13 bits)
        SKIPE 6, @0 phase(0)
        JRST 0, @0 second(0)

first:  CAIE 5, @0 625(0)           ; CALLI 1, : code 047, A = 1 → 1161 octal = 625
        JRST 4, @0 0x3FF01(0)
        MOVE 6, @0 muuoh(0)
        LSH 6, @0 0x3FFE2(0)        ; >> 30: PC-word bits 0-5
        ANDI 6, @0 1(0)             ; bit 5, User
        CAIE 6, @0 1(0)
        JRST 4, @0 0x3FF02(0)
        MOVE 7, @0 32(0)
        ANDI 7, @0 0x3FFFF(0)       ; AC7 = E, a user address
        MOVE 6, @0 1024(7)          ; the user's word at E: physical 2000 + E
        IORI 6, @0 0x100(0)
        MOVEM 6, @0 code(0)
        AOS 0, @0 phase(0)
        JRST 2, @1 muuoh(0)         ; JRSTF @MUUOH: flags (User = 1) and PC back from the PC word

second: CAIE 5, @0 2756(0)          ; HALT: code 254, A = 4 → 5304 octal = 2756
        JRST 4, @0 0x3FF03(0)
        MOVEI 6, @0 0x200(0)
        IORM 6, @0 code(0)
        JRST 2, @1 muuoh(0)         ; back to the user, after its HALT

; The APR interrupt on channel 1; APRH = the PC word of the interrupted user program.
aprh:   .word 0
        CONSO 0, @0 0x2000(0)       ; CONI APR bit 22, memory protection
        JRST 4, @0 0x3FF04(0)
        MOVE 6, @0 aprh(0)
        LSH 6, @0 0x3FFE2(0)
        ANDI 6, @0 1(0)             ; the interrupted program was in user mode
        CAIE 6, @0 1(0)
        JRST 4, @0 0x3FF05(0)
        MOVEI 6, @0 0x400(0)
        IORM 6, @0 code(0)
        MOVE 5, @0 code(0)
        JRST 4, @0 0(5)             ; HALT; E = the code

unash:  .word 0
        JRST 4, @0 0x3FF06(0)

relocw: .word 0x400                 ; DATAO APR: RL (bits 18-25) = 1
phase:  .word 0
code:   .word 0

; ---- user program: physical 2000.., user addresses 0.. ----------------------------------
; Its labels are physical; `label - ubase` is the address the user program uses.

        .org 1024                   ; 2000
ubase:
        .org 1120                   ; 2140, user 140
ustart: MOVEI 1, @0 0(0)            ; AC1 = sum
        MOVEI 2, @0 10(0)           ; AC2 = 10
uloop:  ADD 1, @0 2(0)              ; E = 2 is AC2 in user mode too (never relocated)
        SOJG 2, @0 uloop - ubase(0)
        MOVEM 1, @0 usum - ubase(0)
        MUUO 7, 1, @0 usum - ubase(0)   ; CALLI 1,USUM: the Monitor reads the sum at E
        JRST 4, @0 0(0)             ; HALT: in user mode, executed as an MUUO
        MOVE 3, @0 0x3000(0)        ; user 30000 is beyond the 1K words: memory protection
        JRST 4, @0 0x3FF07(0)       ; not reached: the Monitor halts in the interrupt
usum:   .word 0
