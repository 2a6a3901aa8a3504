import type { Finding, FindingCode } from './finding.js';
import { FINDING_CODES, type FindingCodeEntry, type FindingDescription } from './finding-codes.js';

export type { FindingDescription };

/**
 * The prose for a finding, from the one table of codes (finding-codes.ts): the only place messages
 * are made, so tools that read findings as data never depend on wording (spec-notes.md#finding-codes).
 */
export function describeFinding(f: Finding): FindingDescription {
  const entry = FINDING_CODES[f.code] as FindingCodeEntry<FindingCode>;
  return entry.describe(f.params as never, f.path);
}
