import type { Context } from 'hono';
import { isMap, type JsonMap } from '../src/json-value.js';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';
import { isPushError } from './push-error.js';

/** The API's one error shape: `{"error": {"code", "message", ...details}}`, its status from the table of codes. */
export function apiError(c: Context, code: ErrorCode, message: string, details: Record<string, unknown> = {}): Response {
  return c.json({ error: { code, message, ...details } }, ERROR_CODES[code].status);
}

/** A PushError from checking input becomes an answer with its code, status (error-codes.ts) and details. */
export function inputError(c: Context, error: unknown): Response {
  if (!isPushError(error)) throw error;
  return apiError(c, error.code, error.message, error.details);
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
