/* Polled output on the NS16550A UART of the QEMU virt board. */
#include "uart.h"

#define UART_BASE 0x10000000u
#define UART_THR  0 /* transmitter holding register (write) */
#define UART_LSR  5 /* line status register */
#define LSR_THRE  (1u << 5) /* THR empty: the UART accepts another byte */

static volatile uint8_t *const uart = (volatile uint8_t *)UART_BASE;

void uart_putc(char c)
{
	while ((uart[UART_LSR] & LSR_THRE) == 0)
		;
	uart[UART_THR] = (uint8_t)c;
}

void uart_puts(const char *s)
{
	while (*s != '\0')
		uart_putc(*s++);
}

void uart_put_udec(uint32_t value)
{
	char digits[10];
	int n = 0;
	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value != 0);
	while (n > 0)
		uart_putc(digits[--n]);
}

void uart_put_dec(int32_t value)
{
	if (value < 0) {
		uart_putc('-');
		uart_put_udec(0u - (uint32_t)value);
	} else {
		uart_put_udec((uint32_t)value);
	}
}

void uart_put_hex(uint32_t value)
{
	uart_puts("0x");
	for (int shift = 28; shift >= 0; shift -= 4)
		uart_putc("0123456789abcdef"[(value >> shift) & 0xf]);
}
