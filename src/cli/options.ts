/** Parsers for command-line option values; a bad value is a usage error (exit 2). */
import { InvalidArgumentError } from 'commander';

/** A positive whole number, written in decimal, hex (0x…) or with _ separators. */
export function parseCount(text: string): number {
  const n = Number(text.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive whole number, got '${text}'`);
  return n;
}
