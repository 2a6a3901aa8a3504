/**
 * The server's VAPID public key (base64url, RFC 8292 section 3.2) as the bytes `applicationServerKey`
 * takes; null when it is not base64url (the caller reports the server's answer as bad).
 */
export function decodeVapidKey(base64url: string): Uint8Array<ArrayBuffer> | null {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  try {
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Whether an existing subscription was made with this key (a different key makes `subscribe` throw). */
export function sameKey(key: ArrayBuffer | null | undefined, expected: Uint8Array): boolean {
  if (!key) return false;
  const bytes = new Uint8Array(key);
  return bytes.length === expected.length && bytes.every((b, i) => b === expected[i]);
}
