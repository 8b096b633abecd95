/* Polled output on the NS16550A UART of the QEMU virt board (0x10000000). */
#ifndef UART_H
#define UART_H

#include <stdint.h>

void uart_putc(char c);
void uart_puts(const char *s);
void uart_put_dec(int32_t value);
void uart_put_udec(uint32_t value);
void uart_put_hex(uint32_t value); /* "0x" and eight hex digits */

#endif
