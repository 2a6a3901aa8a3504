import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BASE_URL, loadVectors, payloadBytes, type VectorCase } from '../vectors/load-vectors.js';
import { assertBuilt, dwpush } from './run-dwpush.js';

/**
 * Every conformance case through the real `dwpush lint --format json`, under both profiles: `valid`
 * and the set of codes must be the case's `expect.lint[profile]`. Cases that share flags go
 * through one process, so the whole corpus costs a handful of processes.
 */
const cases = loadVectors();
let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'dwp-corpus-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function flagsOf(c: VectorCase): string[] {
  const flags = ['--as', c.as ?? c.format, '--base-url', c.baseURL ?? DEFAULT_BASE_URL];
  return c.maxActions === undefined ? flags : [...flags, '--max-actions', String(c.maxActions)];
}

describe('dwpush lint on the conformance corpus', () => {
  it('loads cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const profile of ['spec', 'portable'] as const) {
    it(`agrees with every case under --profile ${profile}`, () => {
      const groups = new Map<string, Array<{ c: VectorCase & { file: string }; path: string }>>();
      cases.forEach((c, i) => {
        const path = join(dir, `${profile}-${i}.json`);
        writeFileSync(path, payloadBytes(c));
        const key = JSON.stringify(flagsOf(c));
        groups.set(key, [...(groups.get(key) ?? []), { c, path }]);
      });
      const mismatches: string[] = [];
      for (const [key, members] of groups) {
        const run = dwpush(['lint', '--format', 'json', '--profile', profile, ...(JSON.parse(key) as string[]), ...members.map((m) => m.path)]);
        expect(run.stderr).toBe('');
        const reports = JSON.parse(run.stdout) as Array<{ file: string; valid: boolean; findings: Array<{ code: string }> }>;
        const byFile = new Map(reports.map((r) => [r.file, r]));
        for (const { c, path } of members) {
          const report = byFile.get(path)!;
          const actual = { valid: report.valid, codes: [...new Set(report.findings.map((f) => f.code))].sort() };
          const expected = { valid: c.expect.lint[profile].valid, codes: [...new Set(c.expect.lint[profile].codes)].sort() };
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            mismatches.push(`${c.file} ${c.id}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});
