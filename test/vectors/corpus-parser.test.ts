import { describe, expect, it } from 'vitest';
import { loadVectors, type VectorCase } from './load-vectors.js';
import { parseCase } from './run-case.js';

const cases = loadVectors();

describe('the conformance corpus', () => {
  it('has at least 150 cases with unique ids, each citing a source', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    const ids = cases.map((c) => c.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(cases.filter((c) => !c.source || !c.description).map((c) => c.id)).toEqual([]);
  });

  it('gives every case exactly one payload form', () => {
    const forms = (c: VectorCase) => ['payload', 'payloadText', 'payloadBase64'].filter((k) => k in c).length;
    expect(cases.filter((c) => forms(c) !== 1).map((c) => c.id)).toEqual([]);
  });
});

describe.each(cases.map((c) => [`${c.file} ${c.id}`, c] as const))('parser: %s', (_name, c) => {
  it(c.expect.declarative ? 'is declarative' : 'is not declarative', () => {
    const result = parseCase(c);
    expect(result.declarative).toBe(c.expect.declarative);
    if (!result.declarative) {
      if (c.expect.failures) expect([...new Set(result.findings.map((f) => f.code))].sort()).toEqual([...c.expect.failures].sort());
      return;
    }
    const { notification, mutable, app_badge } = result.message;
    if (c.expect.notification) expect(notification).toEqual(c.expect.notification);
    if (c.expect.mutable !== undefined) expect(mutable).toBe(c.expect.mutable);
    if (c.expect.app_badge !== undefined) expect(app_badge).toBe(c.expect.app_badge);
  });
});
