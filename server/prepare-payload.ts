import { MAX_PLAINTEXT_BYTES } from '../src/constants.js';
import type { ExplainerMessageJSON, StandardMessageJSON } from '../src/declarative-message.js';
import { decodePayload } from '../src/decode-payload.js';
import { lintPayload, lintValue } from '../src/lint-message.js';
import { toPortableMessage } from '../src/to-portable-message.js';
import { PushError } from './push-error.js';

/**
 * Checks a message with the linter's `portable` profile and serializes its portable form
 * (spec-notes.md#push-server). An invalid declarative payload is never sent: `invalid-message`
 * lists the error findings. A plaintext over 3993 bytes does not fit one push record:
 * `payload-too-large` says its size. Returns the UTF-8 plaintext that gets encrypted.
 */
export function preparePayload(message: unknown, options: { baseURL?: string } = {}): Uint8Array {
  const encoded = typeof message === 'string' || message instanceof Uint8Array;
  const lint = encoded ? lintPayload(message, { profile: 'portable' }) : lintValue(message, { profile: 'portable' });
  // Size is judged below on the bytes actually sent (the portable form is larger than the input).
  const findings = lint.findings.filter((f) => f.severity === 'error' && f.code !== 'payload-too-large');
  if (findings.length > 0) {
    throw new PushError('invalid-message', `the message is not a valid declarative push message (${findings.map((f) => f.code).join(', ')})`, { findings });
  }
  // Decoded as the linter decoded it (a leading BOM stripped): it passed, so it decodes.
  const decoded = encoded ? decodePayload(message) : { ok: true as const, value: message };
  if (!decoded.ok) throw new PushError('invalid-message', 'the message is not a valid declarative push message', { findings: [decoded.finding] });
  const value = decoded.value;
  const portable = toPortableMessage(value as StandardMessageJSON | ExplainerMessageJSON, options);
  const bytes = new TextEncoder().encode(JSON.stringify(portable));
  if (bytes.length > MAX_PLAINTEXT_BYTES) {
    throw new PushError('payload-too-large', `the message is ${bytes.length} bytes; one push record holds at most ${MAX_PLAINTEXT_BYTES}`, { bytes: bytes.length, limit: MAX_PLAINTEXT_BYTES });
  }
  return bytes;
}
