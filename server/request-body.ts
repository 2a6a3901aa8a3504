import type { Context } from 'hono';
import type { JsonMap } from '../src/json-value.js';
import { apiError, readJsonObject } from './api-error.js';

/**
 * A route's JSON body, or the 400 answer to send instead: `invalid-json` when it is not an object,
 * `unknown-member` when it has a member the route does not define. Unknown members are refused,
 * never ignored: a misspelt target (`"usr": "alice"`) must not turn a private message into a
 * broadcast to everyone (spec-notes.md#grants, targeting).
 */
export async function readBody(c: Context, members: readonly string[]): Promise<JsonMap | Response> {
  const body = await readJsonObject(c);
  const shape = `{${members.map((m) => `"${m}"`).join(', ')}}`;
  if (!body) return apiError(c, 'invalid-json', `the body must be a JSON object with members among ${shape}`);
  const unknown = Object.keys(body).find((name) => !members.includes(name));
  if (unknown !== undefined) {
    return apiError(c, 'unknown-member', `"${unknown}" is not a member this request takes; it takes ${shape}`, { member: unknown, members });
  }
  return body;
}
