/** Type tests in the Infra sense the parsers use (a JSON object is a "map", an array a "list"). */
export type JsonMap = Record<string, unknown>;

export const isMap = (v: unknown): v is JsonMap =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const isString = (v: unknown): v is string => typeof v === 'string';

export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

export const isU32 = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

/** A JSON number arrives as a double, so 2^64 - 1 itself cannot be told from 2^64 (spec-notes.md#app-badge). */
export const isU64 = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 18446744073709551616;

/** Own members only: a JSON `__proto__` key is an ordinary member, never the prototype. */
export const has = (map: JsonMap, key: string): boolean => Object.prototype.hasOwnProperty.call(map, key);

export const get = (map: JsonMap, key: string): unknown => (has(map, key) ? map[key] : undefined);

/** The JSON type name of a value, for findings ("string", "number", "object", "array", "boolean", "null"). */
export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
