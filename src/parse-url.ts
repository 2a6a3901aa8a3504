/**
 * "Parse a URL given baseURL" as the Notifications standard does it for navigate, image, icon and
 * badge: the string is first converted to a USVString (lone surrogates become U+FFFD), then parsed;
 * failure is null, never an exception.
 */
export function parseURL(value: string, baseURL: string | URL | undefined): URL | null {
  try {
    return new URL(toUSVString(value), baseURL);
  } catch {
    return null;
  }
}

export function toUSVString(value: string): string {
  const s = value as string & { toWellFormed?: () => string };
  return s.toWellFormed ? s.toWellFormed() : value.replace(/[\uD800-\uDFFF]/g, lonelySurrogate);
}

function lonelySurrogate(ch: string, offset: number, whole: string): string {
  const code = ch.charCodeAt(0);
  const next = whole.charCodeAt(offset + 1);
  const prev = whole.charCodeAt(offset - 1);
  const paired = code < 0xdc00 ? next >= 0xdc00 && next <= 0xdfff : prev >= 0xd800 && prev < 0xdc00;
  return paired ? ch : '\uFFFD';
}
