import type { FindingParams } from './finding-codes.js';

/**
 * A finding is data: a stable code, a severity, a JSON Pointer into the message and the values the
 * message text needs. Every code, its severities, parameters and prose are one table
 * (finding-codes.ts); prose is made at the edge (describe-finding.ts).
 */

export type Severity = 'error' | 'warning' | 'info';

/** Every code a finding can have: the keys of the one table of codes (finding-codes.ts). */
export type FindingCode = keyof FindingParams;

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** JSON Pointer (RFC 6901) to the member concerned; "" for the whole input. */
  path: string;
  params: Record<string, unknown>;
}

/** A code's parameters, optional for the codes that carry none. */
export type ParamsOf<C extends FindingCode> = {} extends FindingParams[C] ? [params?: FindingParams[C]] : [params: FindingParams[C]];

export function finding<C extends FindingCode>(code: C, severity: Severity, path: string, ...[params]: ParamsOf<C>): Finding {
  return { code, severity, path, params: (params ?? {}) as Record<string, unknown> };
}

/** Appends one member name to a JSON Pointer, escaping as RFC 6901 says. */
export function pointer(parent: string, key: string | number): string {
  return `${parent}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** The member names a JSON Pointer leads through, unescaped (RFC 6901 section 4); none for "". */
export function pointerSegments(path: string): string[] {
  return path.split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}
