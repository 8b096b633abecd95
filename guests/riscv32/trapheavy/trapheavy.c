/* trapheavy: the benchmark guest for trap-and-emulate's cost. One privileged instruction
 * (a write of mscratch, Privileged ISA §3.1.13) in every hundred or so: bare, it runs in M-mode
 * like any other; under a VMM, every one of them traps out of real user mode and is emulated. */
#include <stdint.h>
#include "uart.h"

#define ROUNDS 20000u

static inline void write_mscratch(uint32_t v) { __asm__ volatile("csrw mscratch, %0" : : "r"(v)); }
static inline uint32_t read_mscratch(void) { uint32_t v; __asm__ volatile("csrr %0, mscratch" : "=r"(v)); return v; }

int main(void)
{
	uint32_t x = 0x12345678u, sum = 0;
	for (uint32_t i = 0; i < ROUNDS; i++) {
		/* About a hundred ordinary instructions: twelve rounds of xorshift32 (Marsaglia 2003). */
		for (int j = 0; j < 12; j++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			sum += x;
		}
		write_mscratch(sum);
	}
	uart_puts("trapheavy: ");
	uart_put_udec(ROUNDS);
	uart_puts(" privileged writes, mscratch = ");
	uart_put_hex(read_mscratch());
	uart_puts("\n");
	return 0;
}
