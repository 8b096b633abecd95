/** The first diagnostic of the InputError that `f` throws, or undefined when it throws none. */
import { InputError, type Diagnostic } from '../../src/diagnostic.js';

export function diagnosticOf(f: () => unknown): Diagnostic | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics[0];
    throw e;
  }
  return undefined;
}
