import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isMap, type JsonMap } from '../src/json-value.js';
import { isPushError } from './push-error.js';

/** The API's one error shape: `{"error": {"code", "message", ...details}}`. */
export function apiError(c: Context, status: ContentfulStatusCode, code: string, message: string, details: Record<string, unknown> = {}): Response {
  return c.json({ error: { code, message, ...details } }, status);
}

/** Refusals that are about permission, not about the input's form (spec-notes.md#grants). */
const FORBIDDEN = new Set(['grant-invalid', 'grant-expired', 'channel-not-allowed']);

/** A PushError from checking input becomes a 400 (403 for a grant refused, 413 for a payload too large) with its code and details. */
export function inputError(c: Context, error: unknown): Response {
  if (!isPushError(error)) throw error;
  const status = error.code === 'payload-too-large' ? 413 : FORBIDDEN.has(error.code) ? 403 : 400;
  return apiError(c, status, error.code, error.message, error.details);
}

/** The JSON object a request carries, or null (then the caller answers `invalid-json`). */
export async function readJsonObject(c: Context): Promise<JsonMap | null> {
  try {
    const body: unknown = await c.req.json();
    return isMap(body) ? body : null;
  } catch {
    return null;
  }
}
