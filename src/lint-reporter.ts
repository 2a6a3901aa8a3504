import { finding, type Finding, type FindingCode, type ParamsOf, type Severity } from './finding.js';

export type LintProfile = 'spec' | 'portable';

/** A finding's severity under each profile; null means the profile does not report it. */
export type Severities = readonly [spec: Severity | null, portable: Severity | null];

/**
 * Collects the findings of one profile. Every check states both severities where it reports, so
 * the code reads like the contract table (spec-notes.md#lint-profiles-and-finding-codes).
 */
export class LintReporter {
  readonly findings: Finding[] = [];
  constructor(readonly profile: LintProfile) {}

  report<C extends FindingCode>(code: C, path: string, [spec, portable]: Severities, ...params: ParamsOf<C>): void {
    const severity = this.profile === 'spec' ? spec : portable;
    if (severity !== null) this.findings.push(finding(code, severity, path, ...params));
  }

  /** Findings that already carry their severity, such as the parser's failures. */
  add(findings: readonly Finding[]): void {
    this.findings.push(...findings);
  }
}

export const WARNING: Severities = ['warning', 'warning'];
