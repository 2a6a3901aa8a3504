/**
 * "Parse a URL given baseURL" as the Notifications standard does it for navigate, image, icon and
 * badge: failure is null, never an exception. The standard first converts the string to a
 * USVString (lone surrogates become U+FFFD); the URL constructor's argument is a USVString in
 * WebIDL, so it does that conversion itself, in browsers and in Node alike.
 */
export function parseURL(value: string, baseURL: string | URL | undefined): URL | null {
  try {
    return new URL(value, baseURL);
  } catch {
    return null;
  }
}
