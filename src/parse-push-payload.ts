import { decodePayload } from './decode-payload.js';
import { has, isMap } from './json-value.js';
import { notDeclarative, readDeclarativePushMessage, type ParseOptions, type ParseResult } from './parse-declarative-push-message.js';
import { readExplainerMessage } from './parse-explainer-message.js';

export type MessageFormat = 'standard' | 'explainer';

/**
 * Which format a JSON value claims to be: a `web_push` member means the standard; a
 * `default_action_url` member (required by the explainer) means the 2023 explainer; anything
 * else is no declarative message at all (spec-notes.md#format-detection).
 */
export function detectFormat(value: unknown): MessageFormat | null {
  if (!isMap(value)) return null;
  if (has(value, 'web_push')) return 'standard';
  if (has(value, 'default_action_url')) return 'explainer';
  return null;
}

export interface PayloadOptions extends ParseOptions {
  /** Also accept the 2023 explainer's shape. Off by default: a legacy payload can look like one. */
  explainer?: boolean;
}

/** What a push handler asks of a payload: the standard first, then (when enabled) the explainer. */
export function parsePushPayload(input: string | ArrayBuffer | ArrayBufferView, options: PayloadOptions): ParseResult {
  const decoded = decodePayload(input);
  if (!decoded.ok) return notDeclarative([decoded.finding]);
  if (options.explainer && detectFormat(decoded.value) === 'explainer') return readExplainerMessage(decoded.value);
  return readDeclarativePushMessage(decoded.value, options);
}
