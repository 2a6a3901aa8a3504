import { describe, expect, it } from 'vitest';
// Written to the contract in spec-notes.md "Lint profiles and finding codes"; the linter lands from its own branch.
import { lintPayload } from '../../src/lint-message.js';
import { DEFAULT_BASE_URL, loadVectors, payloadBytes } from './load-vectors.js';

const cases = loadVectors();
const profiles = ['spec', 'portable'] as const;

describe.each(cases.map((c) => [`${c.file} ${c.id}`, c] as const))('lint: %s', (_name, c) => {
  it.each(profiles)('profile %s: valid and the set of finding codes', async (profile) => {
    const result = await lintPayload(payloadBytes(c), {
      profile,
      as: c.as ?? c.format,
      baseURL: c.baseURL ?? DEFAULT_BASE_URL,
      maxActions: c.maxActions,
    });
    const codes = [...new Set(result.findings.map((f: { code: string }) => f.code))].sort();
    expect({ valid: result.valid, codes }).toEqual({ valid: c.expect.lint[profile].valid, codes: [...c.expect.lint[profile].codes].sort() });
  });
});
