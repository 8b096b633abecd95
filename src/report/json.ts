/**
 * The audit as JSON (`isavirt audit --json`): the AuditResult data as is, with bigints (inside
 * fast-check counterexamples) written as hex strings, `"0x1f"`.
 */
import type { AuditResult } from '../check/result.js';

export function renderJson(results: readonly AuditResult[]): string {
  return JSON.stringify(results, (_key, value: unknown) => (typeof value === 'bigint' ? `0x${value.toString(16)}` : value), 2) + '\n';
}
