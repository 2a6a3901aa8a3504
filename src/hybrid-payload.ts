import type { StandardMessageJSON } from './declarative-message.js';
import { has, isMap, type JsonMap } from './json-value.js';
import { STANDARD_TOP_LEVEL_NAMES } from './notification-members.js';

/**
 * Why `legacy` cannot be added to a message, or null when it can: it must be a JSON object, and
 * none of its members may be one the declarative format defines at top level
 * (spec-notes.md#hybrid-payloads). `member` names the first offender.
 */
export function legacyFieldsProblem(legacy: unknown): { reason: string; member?: string } | null {
  if (!isMap(legacy)) return { reason: 'must be a JSON object of the top-level members an old service worker reads' };
  const member = STANDARD_TOP_LEVEL_NAMES.find((name) => has(legacy, name));
  return member === undefined ? null : { reason: `must not set \`${member}\`: the declarative format defines it at top level`, member };
}

/**
 * A hybrid payload: the declarative message with an old service worker's fields beside it at top
 * level, where the standard ignores them (Push API parser step 31 reads named members only). Check
 * `legacy` with legacyFieldsProblem first. Returns a new object.
 */
export function hybridPayload(message: StandardMessageJSON, legacy: JsonMap): StandardMessageJSON {
  return { ...message, ...legacy };
}
