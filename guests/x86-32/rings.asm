; rings: an IA-32 protected-mode guest for isavirt's x86-32 machine (isas/x86-32.yaml).
;
; Starts at CPL 0 as a Multiboot loader leaves a kernel (flat segments, paging off), sets up its
; own GDT (flat code and data at DPL 0 and DPL 3, a TSS), an IDT (a #GP handler, and INT 0x80 as
; a system call gate of DPL 3), drops to CPL 3 through IRET and, from there:
;   - shows what the unprivileged sensitive instructions reveal (MOV from CS, SGDT, SMSW, STR,
;     PUSHFD, POPFD's silent no-op on IF, LAR, VERR); it runs with IF = 0 throughout (on QEMU's
;     PC the BIOS leaves the timer interrupt unmasked, and this IDT has no gate for it),
;   - runs CLI, which faults (#GP) because IOPL = 0 < CPL = 3; the kernel reports it and skips it,
;   - computes fib(30), and prints everything through INT 0x80 (the kernel writes to COM1),
;   - exits through INT 0x80: the kernel prints the code and stops the machine with HLT (EAX).
;
; Only the encodings isas/x86-32.yaml describes are used: no prefixes, no SIB byte, memory
; operands [disp32] or [EAX..EBX (+ disp)].

bits 32

KCODE   equ 0x08                ; GDT index 1: kernel code, DPL 0
KDATA   equ 0x10                ; GDT index 2: kernel data, DPL 0
UCODE   equ 0x18 | 3            ; GDT index 3: user code, DPL 3 (RPL 3)
UDATA   equ 0x20 | 3            ; GDT index 4: user data, DPL 3 (RPL 3)
TSSSEL  equ 0x28                ; GDT index 5: the TSS
COM1    equ 0x3f8               ; the UART's transmit register
TSS_SIZE equ 104                ; a 32-bit TSS without an I/O permission bit map

SYS_EXIT equ 0
SYS_PUTS equ 1
SYS_HEX  equ 2
SYS_DEC  equ 3

section .text
global _start

; A Multiboot header (Multiboot 0.6.96 §3.1: magic, flags, checksum in the first 8 KiB), so that
; QEMU can load this ELF with -kernel; isavirt enters at _start directly.
align 4
        dd      0x1badb002
        dd      0
        dd      -0x1badb002

; ---------------------------------------------------------------------------- CPL 0: set up
_start:
        mov     esp, kstack_top
        mov     eax, cr0                    ; caches on (CD = NW = 0), as a kernel would:
        and     eax, 0x9fffffff             ; QEMU's loader leaves them off, isavirt resets so
        mov     cr0, eax

        ; The TSS descriptor: base = tss, limit = TSS_SIZE - 1, present, DPL 0, type 9.
        mov     eax, tss
        mov     ebx, eax
        shl     eax, 16                     ; base 15:0 in bits 31:16
        or      eax, TSS_SIZE - 1           ; limit 15:0
        mov     [gdt + TSSSEL], eax
        mov     eax, ebx
        shr     eax, 16                     ; base 31:16
        mov     ecx, eax
        and     eax, 0xff                   ; base 23:16 in bits 7:0
        and     ecx, 0xff00                 ; base 31:24 ...
        shl     ecx, 16                     ; ... in bits 31:24
        or      eax, ecx
        or      eax, 0x8900                 ; P = 1, DPL = 0, type 9 (available 32-bit TSS)
        mov     [gdt + TSSSEL + 4], eax

        ; The IDT: #GP (13) and the system call (0x80).
        mov     eax, gp_handler
        mov     ecx, 13
        mov     edx, 0x8e00                 ; P = 1, DPL = 0, 32-bit interrupt gate
        call    set_gate
        mov     eax, syscall_handler
        mov     ecx, 0x80
        mov     edx, 0xee00                 ; P = 1, DPL = 3 (INT 0x80 allowed at CPL 3)
        call    set_gate

        lgdt    [gdt_ptr]
        lidt    [idt_ptr]
        jmp     KCODE:reload                ; far JMP loads CS from the new GDT
reload:
        mov     eax, KDATA
        mov     ds, eax
        mov     es, eax
        mov     fs, eax
        mov     gs, eax
        mov     ss, eax
        mov     eax, TSSSEL
        ltr     ax

        mov     ebx, msg_boot
        call    puts

        ; Enter CPL 3: IRET to an outer level pops EIP, CS, EFLAGS, ESP and SS.
        push    UDATA                       ; SS
        push    ustack_top                  ; ESP
        push    dword 0x002                 ; EFLAGS: IF = 0, IOPL = 0 (no interrupts wanted)
        push    UCODE                       ; CS
        push    user                        ; EIP
        iretd

; set_gate: IDT entry ECX gets handler EAX in KCODE, with attributes EDX (high dword, bits 15:0).
set_gate:
        mov     ebx, ecx
        shl     ebx, 3
        add     ebx, idt
        mov     esi, eax
        and     eax, 0xffff                 ; offset 15:0
        or      eax, KCODE << 16            ; selector
        mov     [ebx], eax
        and     esi, 0xffff0000             ; offset 31:16
        or      esi, edx
        mov     [ebx + 4], esi
        ret

; ---------------------------------------------------------------------------- CPL 0: console
; putc: the byte in AL to COM1 once the transmitter holding register is empty (LSR.THRE, bit 5
; of the line status register at COM1 + 5), as a polled 16550 driver does. (isavirt's UART is
; always ready; QEMU's is not when its output backend is slow.)
putc:
        push    edx
        push    eax
        mov     edx, COM1 + 5
.wait:  in      al, dx
        test    eax, 0x20
        jz      .wait
        pop     eax
        mov     edx, COM1
        out     dx, al
        pop     edx
        ret

; puts: the NUL-terminated string at EBX (EBX is advanced past it).
puts:
        push    eax
.next:  movzx   eax, byte [ebx]
        test    eax, eax
        jz      .done
        call    putc
        inc     ebx
        jmp     .next
.done:  pop     eax
        ret

; print_hex: EAX as 0x and 8 hex digits.
print_hex:
        push    eax
        push    ebx
        push    ecx
        mov     ebx, eax
        mov     eax, '0'
        call    putc
        mov     eax, 'x'
        call    putc
        mov     ecx, 8
.digit: mov     eax, ebx
        shr     eax, 28
        cmp     eax, 10
        jb      .decimal
        add     eax, 'a' - 10 - '0'
.decimal:
        add     eax, '0'
        call    putc
        shl     ebx, 4
        dec     ecx
        jnz     .digit
        pop     ecx
        pop     ebx
        pop     eax
        ret

; print_dec: EAX in decimal (DIV by 10, digits pushed, then printed most significant first).
print_dec:
        push    eax
        push    ebx
        push    ecx
        push    edx
        mov     ecx, 10
        xor     ebx, ebx
.divide:
        xor     edx, edx
        div     ecx
        add     edx, '0'
        push    edx
        inc     ebx
        test    eax, eax
        jnz     .divide
.print: pop     eax
        call    putc
        dec     ebx
        jnz     .print
        pop     edx
        pop     ecx
        pop     ebx
        pop     eax
        ret

; ---------------------------------------------------------------------------- CPL 0: handlers
; INT 0x80 from CPL 3 arrives on the TSS's ring-0 stack: [ESP] EIP, CS, EFLAGS, ESP, SS.
; EAX = the call, EBX = its argument.
syscall_handler:
        push    ds
        push    eax
        mov     eax, KDATA
        mov     ds, eax
        pop     eax
        cmp     eax, SYS_PUTS
        jne     .not_puts
        call    puts
        jmp     .return
.not_puts:
        cmp     eax, SYS_HEX
        jne     .not_hex
        mov     eax, ebx
        call    print_hex
        jmp     .return
.not_hex:
        cmp     eax, SYS_DEC
        jne     .exit
        mov     eax, ebx
        call    print_dec
        jmp     .return
.exit:  push    ebx
        mov     ebx, msg_exit
        call    puts
        pop     eax
        call    print_dec
        mov     ebx, msg_nl
        call    puts
        hlt                                 ; CPL 0: the bare machine stops with code EAX
.return:
        pop     ds
        iretd

; #GP from CPL 3 arrives on the ring-0 stack: [ESP] error code, EIP, CS, EFLAGS, ESP, SS.
; This guest provokes it only with one-byte instructions, so it reports the fault and resumes
; after the faulting byte.
gp_handler:
        push    ds
        push    eax
        push    ebx
        push    ecx
        mov     eax, KDATA
        mov     ds, eax
        mov     ecx, esp                    ; [ECX + 16] error code, + 20 EIP, + 24 CS
        mov     ebx, msg_gp
        call    puts
        mov     eax, [ecx + 16]
        call    print_hex
        mov     ebx, msg_at
        call    puts
        mov     eax, [ecx + 20]
        call    print_hex
        mov     ebx, msg_from
        call    puts
        mov     eax, [ecx + 24]
        and     eax, 3                      ; the RPL of the interrupted CS: its CPL
        call    print_dec
        mov     ebx, msg_skip
        call    puts
        mov     eax, [ecx + 20]
        inc     eax
        mov     [ecx + 20], eax
        pop     ecx
        pop     ebx
        pop     eax
        pop     ds
        add     esp, 4                      ; the error code
        iretd

; ---------------------------------------------------------------------------- CPL 3
user:
        ; IRET to CPL 3 nulled DS, ES, FS and GS (they held DPL 0 data): load user data.
        mov     eax, UDATA
        mov     ds, eax
        mov     es, eax
        mov     ebx, msg_user
        call    u_puts

        mov     ebx, msg_cs                 ; MOV from CS: its RPL is the CPL
        call    u_puts
        mov     eax, cs
        call    u_hexln

        sgdt    [u_gdtr]                    ; not privileged while CR4.UMIP = 0
        mov     ebx, msg_sgdt
        call    u_puts
        mov     eax, [u_gdtr + 2]
        call    u_hex
        mov     ebx, msg_limit
        call    u_puts
        mov     eax, [u_gdtr]
        and     eax, 0xffff
        call    u_hexln

        mov     ebx, msg_smsw               ; SMSW: CR0 (PE, ET)
        call    u_puts
        smsw    eax
        call    u_hexln

        mov     ebx, msg_str                ; STR: the TSS selector
        call    u_puts
        str     eax
        call    u_hexln

        mov     ebx, msg_pushf              ; PUSHFD shows IF and IOPL
        call    u_puts
        pushfd
        pop     eax
        call    u_hexln

        mov     ebx, msg_popf               ; POPFD with IF = 1 at CPL 3 > IOPL: silently ignored
        call    u_puts
        push    dword 0x200
        popfd
        pushfd
        pop     eax
        call    u_hexln

        mov     ebx, msg_lar                ; LAR: the access rights of the user code segment
        call    u_puts
        mov     ecx, UCODE
        lar     eax, ecx
        call    u_hexln

        mov     ebx, msg_verr               ; VERR: the kernel's data is not readable at CPL 3
        call    u_puts
        mov     ecx, KDATA
        verr    cx
        mov     eax, 0
        jnz     .unreadable
        mov     eax, 1
.unreadable:
        call    u_decln

        cli                                 ; IOPL 0 < CPL 3: #GP(0), reported and skipped

        mov     ecx, 30                     ; fib(30), iteratively
        xor     eax, eax
        mov     edx, 1
.fib:   mov     ebx, eax
        add     ebx, edx
        mov     eax, edx
        mov     edx, ebx
        dec     ecx
        jnz     .fib
        push    eax
        mov     ebx, msg_fib
        call    u_puts
        pop     eax
        call    u_decln

        mov     eax, SYS_EXIT
        mov     ebx, 0
        int     0x80

; User-mode wrappers around the system calls.
u_puts:                                     ; the string at EBX
        push    eax
        mov     eax, SYS_PUTS
        int     0x80
        pop     eax
        ret
u_hex:                                      ; EAX in hex
        push    eax
        push    ebx
        mov     ebx, eax
        mov     eax, SYS_HEX
        int     0x80
        pop     ebx
        pop     eax
        ret
u_hexln:                                    ; EAX in hex, then a newline
        call    u_hex
        jmp     u_newline
u_decln:                                    ; EAX in decimal, then a newline
        push    eax
        push    ebx
        mov     ebx, eax
        mov     eax, SYS_DEC
        int     0x80
        pop     ebx
        pop     eax
u_newline:
        push    ebx
        mov     ebx, msg_nl
        call    u_puts
        pop     ebx
        ret

; ---------------------------------------------------------------------------- data
section .data
align 8
; The accessed bits are set already: the SDM has the processor set them on every segment load,
; QEMU only on loads of data segments, so LAR would see different bits on the two.
gdt:    dq 0                                ; the null descriptor
        dq 0x00cf9b000000ffff               ; KCODE: base 0, limit 4 GiB, DPL 0, execute/read
        dq 0x00cf93000000ffff               ; KDATA: base 0, limit 4 GiB, DPL 0, read/write
        dq 0x00cffb000000ffff               ; UCODE: as KCODE, DPL 3
        dq 0x00cff3000000ffff               ; UDATA: as KDATA, DPL 3
        dq 0                                ; TSSSEL: filled in at run time
gdt_end:

align 4
        dw 0
gdt_ptr: dw gdt_end - gdt - 1
        dd gdt
        dw 0
idt_ptr: dw 256 * 8 - 1
        dd idt

align 4
tss:    dd 0                                ; previous task link
        dd kstack_top                       ; ESP0
        dd KDATA                            ; SS0
        times 22 dd 0                       ; ESP1 .. LDT selector
        dw 0                                ; T
        dw TSS_SIZE                         ; I/O map base at the limit: no permission bit map

align 4
        dw 0
u_gdtr: dw 0                                ; SGDT from CPL 3 stores here
        dd 0

msg_boot:  db "rings: protected mode at CPL 0; GDT, IDT and TSS loaded", 10, 0
msg_user:  db "now at CPL 3", 10, 0
msg_cs:    db "  mov eax, cs  = ", 0
msg_sgdt:  db "  sgdt          base ", 0
msg_limit: db " limit ", 0
msg_smsw:  db "  smsw eax      = ", 0
msg_str:   db "  str eax       = ", 0
msg_pushf: db "  pushfd        = ", 0
msg_popf:  db "  popfd 0x200; pushfd = ", 0
msg_lar:   db "  lar user code = ", 0
msg_verr:  db "  verr kernel data: ZF = ", 0
msg_gp:    db "#GP, error code ", 0
msg_at:    db " at EIP ", 0
msg_from:  db " from CPL ", 0
msg_skip:  db ": skipped", 10, 0
msg_fib:   db "fib(30) = ", 0
msg_exit:  db "exit ", 0
msg_nl:    db 10, 0

section .bss
alignb 16
idt:    resq 256                            ; zero: every gate not set is not present
        resb 4096
kstack_top:
        resb 4096
ustack_top:
