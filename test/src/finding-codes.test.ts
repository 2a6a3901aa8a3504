import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeFinding } from '../../src/describe-finding.js';
import { FINDING_CODES } from '../../src/finding-codes.js';
import type { FindingCode, Severity } from '../../src/finding.js';
import { lintPayload } from '../../src/lint-message.js';
import { DEFAULT_BASE_URL, loadVectors, payloadBytes } from '../vectors/load-vectors.js';

/** The table of finding codes is the source; spec-notes.md and the linter's output must agree with it. */
const notes = readFileSync(new URL('../../spec-notes.md', import.meta.url), 'utf8');
const codes = Object.keys(FINDING_CODES) as FindingCode[];

function section(heading: string): string {
  const start = notes.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThan(0);
  const next = notes.slice(start + heading.length + 2).search(/\n#{2,3} /);
  return notes.slice(start, start + heading.length + 2 + next);
}

/** Table rows of a markdown section as cells (the header and the rule line dropped). */
function rows(text: string): string[][] {
  return text.split('\n').filter((line) => line.startsWith('| `'))
    .map((line) => line.slice(2, -2).split(' | '));
}

describe('the table of finding codes', () => {
  it("is spec-notes' catalogue, row for row (example and fix)", () => {
    const catalogue = rows(section('## Finding codes')).map(([code, example, fix]) => [code!.replace(/`/g, ''), example, fix]);
    expect(catalogue).toEqual(codes.map((code) => [code, FINDING_CODES[code].example, FINDING_CODES[code].fix]));
  });

  it("never gives a severity spec-notes' profile table does not list", () => {
    const table = rows(section('### Codes, and their severity under each profile (standard format)'));
    const named = new Set<string>();
    for (const [codeCell, , spec, portable] of table) {
      for (const code of codeCell!.match(/`[a-z0-9-]+`/g)!.map((c) => c.slice(1, -1)) as FindingCode[]) {
        named.add(code);
        expect(FINDING_CODES[code], code).toBeDefined();
        const words = (cell: string) => cell.match(/\b(error|warning|info)\b/g) ?? [];
        for (const severity of words(spec!)) expect(FINDING_CODES[code].spec, `${code} spec`).toContain(severity);
        for (const severity of words(portable!)) expect(FINDING_CODES[code].portable, `${code} portable`).toContain(severity);
      }
    }
    // The explainer's own codes are listed in the prose of its section, not in the standard's table.
    const explainer = section('### The 2023 explainer format');
    expect(codes.filter((code) => !named.has(code) && !explainer.includes(`\`${code}\``))).toEqual([]);
  });

  const cases = loadVectors();
  for (const profile of ['spec', 'portable'] as const) {
    it(`gives every finding of the corpus (${profile}) a severity it lists, and a hint that agrees with it`, () => {
      const wrong: string[] = [];
      for (const c of cases) {
        const options = { profile, as: c.as ?? c.format, baseURL: c.baseURL ?? DEFAULT_BASE_URL, ...(c.maxActions === undefined ? {} : { maxActions: c.maxActions }) };
        for (const f of lintPayload(payloadBytes(c), options).findings) {
          const listed: readonly Severity[] = FINDING_CODES[f.code][profile];
          if (!listed.includes(f.severity)) wrong.push(`${c.id} ${f.code} ${f.path}: ${f.severity} not in [${listed.join(', ')}]`);
          const { hint } = describeFinding(f);
          // A hint that says the message is rejected belongs to an error; one that says the member is ignored or skipped does not.
          if (profile === 'portable' && f.severity !== 'error' && /rejects the whole message/.test(hint)) wrong.push(`${c.id} ${f.code} ${f.path}: ${f.severity} but "${hint}"`);
          if (c.format === 'explainer' && f.severity === 'error' && /ignore|skipped|resolves it|undefined/.test(hint) && !/rejects/.test(hint)) wrong.push(`${c.id} ${f.code} ${f.path}: error but "${hint}"`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }
});
