import { describe, expect, it } from 'vitest';
import { decodePayload } from '../../src/decode-payload.js';
import { parseDeclarativePushMessage } from '../../src/index.js';

const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));

describe('decodePayload', () => {
  // Regression: bytes that are not UTF-8 used to fail the message, but Infra's "parse JSON bytes"
  // runs Encoding's "UTF-8 decode", whose error mode is replacement.
  it('replaces invalid UTF-8 inside a JSON string with U+FFFD instead of failing the message', () => {
    const payload = bytes('{"web_push":8030,"notification":{"title":"caf', [0xe9], '","navigate":"/"}}');
    const result = parseDeclarativePushMessage(payload, { baseURL: 'https://example.com/' });
    expect(result.declarative && result.message.notification.title).toBe('caf\ufffd');
    const decoded = decodePayload(payload);
    expect(decoded.ok && decoded.malformedUTF8).toBe(true);
  });

  it('names invalid UTF-8 as the cause when the replaced bytes break the JSON', () => {
    const decoded = decodePayload(bytes([0xff, 0xfe], '{}'));
    expect(decoded.ok ? 'ok' : decoded.finding.code).toBe('invalid-utf8');
  });

  it('reports ordinary syntax errors in well-formed UTF-8 as json-syntax', () => {
    const decoded = decodePayload(bytes('{"a":}'));
    expect(decoded.ok ? 'ok' : decoded.finding.code).toBe('json-syntax');
  });
});
