/**
 * An endpoint in its one canonical spelling, the URL serializer's (what `PushSubscription.endpoint`
 * always is), so one push resource is one row however it was written (spec-notes.md#push-server,
 * one resource one row). Null when it does not parse, or carries white space or control
 * characters, which the URL parser would silently strip (a tab, CR/LF) rather than refuse.
 */
export function canonicalEndpoint(endpoint: string): URL | null {
  if (/[\u0000-\u0020\u007F-\u009F]/.test(endpoint)) return null;
  try {
    return new URL(endpoint);
  } catch {
    return null;
  }
}

/**
 * The host as written, lower-cased: what follows the scheme's `:` and slashes (either kind), up to
 * the path, query or fragment, without credentials. Compared with the parsed host, it shows a host
 * that only becomes a push service's after normalization (a number, percent-encoding, IDNA).
 */
export function hostAsWritten(endpoint: string): string {
  const afterScheme = endpoint.slice(endpoint.indexOf(':') + 1).replace(/^[/\\]*/, '');
  const authority = afterScheme.split(/[/\\?#]/, 1)[0]!;
  return authority.slice(authority.lastIndexOf('@') + 1).toLowerCase();
}
