import { isString, isU64 } from './json-value.js';

/**
 * WebKit reads an app badge given as a string of ASCII digits up to 2^64 - 1, where "" reads as 0
 * (the 2023 explainer's parser and Safari 18.x alike); the standard's draft reads only numbers
 * (spec-notes.md#app-badge).
 */
export const isDigitString = (v: unknown): v is string =>
  isString(v) && /^[0-9]*$/.test(v) && BigInt(v || '0') <= 18446744073709551615n;

/** An app badge as WebKit reads it: a 64-bit unsigned integer, or a digit string; undefined otherwise. */
export function webKitAppBadge(value: unknown): number | undefined {
  if (isU64(value)) return value;
  return isDigitString(value) ? Number(value || '0') : undefined;
}
