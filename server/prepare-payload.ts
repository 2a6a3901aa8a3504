import { MAX_PLAINTEXT_BYTES } from '../src/constants.js';
import type { ExplainerMessageJSON, StandardMessageJSON } from '../src/declarative-message.js';
import { decodePayload } from '../src/decode-payload.js';
import { hybridPayload, legacyFieldsProblem } from '../src/hybrid-payload.js';
import type { JsonMap } from '../src/json-value.js';
import { lintPayload, lintValue } from '../src/lint-message.js';
import { toPortableMessage } from '../src/to-portable-message.js';
import { PushError } from './push-error.js';

export interface PrepareOptions {
  /** Resolves relative URLs in the message. */
  baseURL?: string;
  /**
   * Top-level members for service workers without the polyfill, added beside the declarative
   * message (a hybrid payload, spec-notes.md#hybrid-payloads). `invalid-option` when it is not an
   * object or sets a member the declarative format defines at top level.
   */
  legacy?: unknown;
}

/**
 * Checks a message with the linter's `portable` profile and serializes its portable form
 * (spec-notes.md#push-server), with the legacy fields when given. An invalid declarative payload
 * is never sent: `invalid-message` lists the error findings. A plaintext over 3993 bytes (legacy
 * fields included) does not fit one push record: `payload-too-large` says its size. Returns the
 * UTF-8 plaintext that gets encrypted.
 */
export function preparePayload(message: unknown, options: PrepareOptions = {}): Uint8Array {
  const legacy = readLegacy(options.legacy);
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
  const bytes = new TextEncoder().encode(JSON.stringify(legacy ? hybridPayload(portable, legacy) : portable));
  if (bytes.length > MAX_PLAINTEXT_BYTES) {
    throw new PushError('payload-too-large', `the message is ${bytes.length} bytes; one push record holds at most ${MAX_PLAINTEXT_BYTES}`, { bytes: bytes.length, limit: MAX_PLAINTEXT_BYTES });
  }
  return bytes;
}

function readLegacy(legacy: unknown): JsonMap | undefined {
  if (legacy === undefined) return undefined;
  const problem = legacyFieldsProblem(legacy);
  if (problem) throw new PushError('invalid-option', `legacy ${problem.reason}`, { option: 'legacy', ...(problem.member ? { member: problem.member } : {}) });
  return legacy as JsonMap;
}
