import { describe, expect, it } from 'vitest';
import { decodePayload } from '../../src/decode-payload.js';
import { loadVectors, payloadBytes, type VectorCase } from '../vectors/load-vectors.js';
import { parseCase } from '../vectors/run-case.js';
import { compileSchemas } from './compile-schemas.js';

const validators = compileSchemas();
const cases = loadVectors();

/**
 * The schema's verdict on a case. A schema judges a JSON value, so the bytes go through the
 * parser's step 1 first (UTF-8 decode, JSON, our nesting limit); bytes that are no JSON value at
 * all are outside what a schema can see, and count as rejected.
 */
function schemaAccepts(c: VectorCase): boolean {
  const decoded = decodePayload(payloadBytes(c));
  return decoded.ok && validators[c.format](decoded.value);
}

describe('schema agreement with the parser, on the whole corpus', () => {
  const verdicts = cases.map((c) => ({ c, schema: schemaAccepts(c), parser: parseCase(c).declarative }));

  it('accepts no payload the parser rejects', () => {
    const accepted = verdicts.filter((v) => v.schema);
    const rejected = verdicts.length - accepted.length;
    // Printed so the agreement figures appear in the test log (and in the closing report).
    console.info(`schema agreement: ${accepted.length} of ${verdicts.length} cases accepted by their format's schema, ${rejected} rejected; parser accepts ${verdicts.filter((v) => v.parser).length}`);
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.filter((v) => !v.parser).map((v) => v.c.id)).toEqual([]);
  });

  it('gives the verdict each case marks with schemaValid', () => {
    const marked = verdicts.filter((v) => v.c.schemaValid !== undefined);
    expect(marked.filter((v) => v.c.schemaValid).length).toBeGreaterThanOrEqual(40);
    expect(marked.filter((v) => v.c.schemaValid === false).length).toBeGreaterThanOrEqual(40);
    expect(marked.filter((v) => v.schema !== v.c.schemaValid).map((v) => v.c.id)).toEqual([]);
  });
});
