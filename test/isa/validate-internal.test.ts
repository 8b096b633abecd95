/** A failure that is not bad input is a bug in isavirt: `internal error` with its stack, exit 70. */
import { afterEach, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

vi.mock('../../src/isa/load.js', () => ({
  loadIsa: (): never => {
    throw new TypeError('the loader tripped');
  },
}));

afterEach(() => vi.restoreAllMocks());

it('an exception that is not an InputError prints internal error with its stack and exits 70', async () => {
  const err: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true; });
  expect(await main(['validate', 'any.yaml'])).toBe(70);
  const text = err.join('');
  expect(text).toMatch(/^internal error: TypeError: the loader tripped\n\s+at /);
});
