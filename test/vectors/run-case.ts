import { parseDeclarativePushMessage, parseExplainerMessage, type ParseResult } from '../../src/index.js';
import { DEFAULT_BASE_URL, payloadBytes, type VectorCase } from './load-vectors.js';

/** Runs a case through the parser of its format, as test/vectors/README.md describes. */
export function parseCase(c: VectorCase): ParseResult {
  const bytes = payloadBytes(c);
  return c.format === 'explainer'
    ? parseExplainerMessage(bytes)
    : parseDeclarativePushMessage(bytes, { baseURL: c.baseURL ?? DEFAULT_BASE_URL, maxActions: c.maxActions });
}
