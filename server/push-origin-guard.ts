import { canonicalEndpoint, hostAsWritten } from './canonical-endpoint.js';
import { PushError } from './push-error.js';

/**
 * The push services browsers subscribe with (spec-notes.md#push-server, SSRF rules): FCM (Chrome,
 * Edge, Opera...), Mozilla autopush, Apple, Windows (WNS). A host must equal an exact entry or end
 * with a suffix entry.
 */
const KNOWN_PUSH_HOSTS: readonly string[] = ['fcm.googleapis.com'];
const KNOWN_PUSH_HOST_SUFFIXES: readonly string[] = ['.push.services.mozilla.com', '.push.apple.com', '.notify.windows.com'];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const MAX_ENDPOINT_LENGTH = 2048;

export type PushOriginGuard = (endpoint: string) => URL;

/**
 * Returns a check that refuses every endpoint the server must not POST to: only `https:` on a
 * known push service (default port, no credentials), plus the exact `allowedOrigins`; the URL it
 * returns is the endpoint's canonical form, the one to store and send to. An allowed
 * origin may be plain `http:` only on loopback (a local test push service); anything else throws
 * `invalid-option` here, at start, not at the first send.
 */
export function createPushOriginGuard(allowedOrigins: readonly string[] = []): PushOriginGuard {
  const allowed = new Set(allowedOrigins.map(normalizeAllowedOrigin));
  return (endpoint: string): URL => {
    const url = typeof endpoint === 'string' && endpoint.length <= MAX_ENDPOINT_LENGTH ? canonicalEndpoint(endpoint) : null;
    if (url === null) throw refused(endpoint, 'not an absolute URL of at most 2048 characters without white space or control characters');
    // The protocol first: `blob:https://push.example/x` has the origin of the URL inside it.
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refused(endpoint, `only https: endpoints are accepted, not ${url.protocol}`);
    if (url.username !== '' || url.password !== '') throw refused(endpoint, 'credentials in the URL');
    if (hostAsWritten(endpoint) !== url.host) throw refused(endpoint, `the host is written ${JSON.stringify(hostAsWritten(endpoint).slice(0, 80))}, which only becomes ${url.host} after URL normalization`);
    if (allowed.has(url.origin)) return url;
    if (url.protocol !== 'https:') throw refused(endpoint, 'only https: endpoints are accepted');
    if (url.port !== '') throw refused(endpoint, 'push services listen on the default port');
    if (!isKnownPushHost(url.hostname)) throw refused(endpoint, 'not a known push service (see --allow-push-origin)');
    return url;
  };
}

function isKnownPushHost(hostname: string): boolean {
  return KNOWN_PUSH_HOSTS.includes(hostname) || KNOWN_PUSH_HOST_SUFFIXES.some((suffix) => hostname.endsWith(suffix));
}

/** `--allow-push-origin` takes an origin, exactly: scheme, host and port, nothing after. */
export function normalizeAllowedOrigin(origin: string): string {
  const url = tryParse(origin);
  if (url === null || url.origin === 'null' || !/^https?:$/.test(url.protocol) || url.username || url.password
    || url.pathname !== '/' || url.search || url.hash || /\/./.test(origin.replace(/^https?:\/\//, ''))) {
    throw new PushError('invalid-option', `--allow-push-origin needs an origin such as https://push.example.com, got "${origin}"`, { origin });
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new PushError('invalid-option', `--allow-push-origin may name plain http: only on loopback (127.0.0.1, localhost, [::1]), got "${origin}"`, { origin });
  }
  return url.origin;
}

function tryParse(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

function refused(endpoint: unknown, reason: string): PushError {
  const shown = typeof endpoint === 'string' ? endpoint.slice(0, 200) : String(endpoint);
  return new PushError('push-origin-not-allowed', `push endpoint refused: ${reason}: ${shown}`, { reason });
}
