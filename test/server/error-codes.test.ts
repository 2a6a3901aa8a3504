import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../server/error-codes.js';

describe('the table of error codes', () => {
  it("is spec-notes' table, row for row", () => {
    const notes = readFileSync(new URL('../../spec-notes.md', import.meta.url), 'utf8');
    const start = notes.indexOf('\n## Error codes\n');
    const section = notes.slice(start, notes.indexOf('\n## ', start + 1)); // up to the next section
    const rows = section.split('\n').filter((line) => line.startsWith('| `')).map((line) => line.slice(2, -2).split(' | '));
    expect(rows).toEqual(Object.entries(ERROR_CODES).map(([code, e]) => [`\`${code}\``, String(e.status), e.retryable ? 'yes' : 'no', e.message]));
  });

  it('retries only what may pass later: no 4xx but 408 and 429, no bug', () => {
    for (const [code, e] of Object.entries(ERROR_CODES)) {
      if (e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429) expect(e.retryable, code).toBe(false);
    }
    expect(ERROR_CODES['internal-error'].retryable).toBe(false);
  });
});
