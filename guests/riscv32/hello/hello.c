/* hello: a greeting and a few computed numbers through the polled UART.
 * Every value printed is computed by the program, so any RV32IMA machine prints the same. */
#include <stdint.h>
#include "uart.h"

/* Operands read through volatile so the compiler emits the M instructions at run time. */
static volatile int32_t  minus_seven = -7, two = 2, zero = 0, int_min = INT32_MIN, minus_one = -1;
static volatile uint32_t big = 0xdeadbeefu, factor = 0x12345678u;

static int is_prime(uint32_t n)
{
	if (n < 2)
		return 0;
	for (uint32_t d = 2; d * d <= n; d++)
		if (n % d == 0)
			return 0;
	return 1;
}

static void line(const char *label, int32_t value)
{
	uart_puts(label);
	uart_put_dec(value);
	uart_putc('\n');
}

static void line_hex(const char *label, uint32_t value)
{
	uart_puts(label);
	uart_put_hex(value);
	uart_putc('\n');
}

/* FNV-1a, 32-bit: offset basis 0x811c9dc5, prime 0x01000193. */
static uint32_t fnv1a(const uint8_t *bytes, uint32_t length)
{
	uint32_t hash = 0x811c9dc5u;
	for (uint32_t i = 0; i < length; i++)
		hash = (hash ^ bytes[i]) * 0x01000193u;
	return hash;
}

static uint8_t buffer[1024];
static uint32_t counter;

int main(void)
{
	uart_puts("Hello from a riscv32 guest on the virt board!\n");

	uart_puts("first 20 primes:");
	for (uint32_t n = 2, found = 0; found < 20; n++)
		if (is_prime(n)) {
			uart_putc(' ');
			uart_put_udec(n);
			found++;
		}
	uart_putc('\n');

	uint32_t a = 0, b = 1;
	for (int i = 0; i < 30; i++) {
		uint32_t next = a + b;
		a = b;
		b = next;
	}
	line("fib(30) = ", (int32_t)a);

	line("-7 / 2 = ", minus_seven / two);
	line("-7 % 2 = ", minus_seven % two);
	/* Division by zero does not trap on RISC-V: quotient all ones, remainder the dividend. */
	line("-7 / 0 = ", minus_seven / zero);
	line("-7 % 0 = ", minus_seven % zero);
	/* Signed overflow: INT_MIN / -1 = INT_MIN, remainder 0 (Unprivileged ISA, 13.2). */
	line("INT_MIN / -1 = ", int_min / minus_one);
	line("INT_MIN % -1 = ", int_min % minus_one);
	line_hex("0xdeadbeef * 0x12345678 (low)  = ", big * factor);
	line_hex("0xdeadbeef * 0x12345678 (high) = ", (uint32_t)(((uint64_t)big * factor) >> 32));
	line_hex("(int)0xdeadbeef * 0x12345678 (high) = ",
		 (uint32_t)(((int64_t)(int32_t)big * (int64_t)(int32_t)factor) >> 32));
	line_hex("0xdeadbeef / 0x1234 = ", big / 0x1234u);

	/* The A extension: AMOADD.W, AMOSWAP.W and an LR.W/SC.W loop. */
	for (int i = 1; i <= 10; i++)
		__atomic_fetch_add(&counter, (uint32_t)i, __ATOMIC_SEQ_CST);
	uint32_t old = __atomic_exchange_n(&counter, 1000u, __ATOMIC_SEQ_CST);
	uint32_t expected = 1000u;
	int swapped = __atomic_compare_exchange_n(&counter, &expected, 2024u, 0,
						  __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	line("atomic sum 1..10 = ", (int32_t)old);
	line("compare-and-swap succeeded = ", swapped);
	line("counter = ", (int32_t)counter);

	for (uint32_t i = 0; i < sizeof buffer; i++)
		buffer[i] = (uint8_t)(i * 7 + (i >> 3));
	line_hex("fnv1a(buffer) = ", fnv1a(buffer, sizeof buffer));

	uart_puts("bye\n");
	return 0;
}
