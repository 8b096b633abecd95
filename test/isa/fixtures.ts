/** Paths of the ISA test fixtures (test/fixtures/isa/). */
import { fileURLToPath } from 'node:url';

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/isa/${name}`, import.meta.url));
}

export const TINY = fixture('tiny.yaml');
