import { describe, expect, it } from 'vitest';
import { createPushOriginGuard, normalizeAllowedOrigin } from '../../server/push-origin-guard.js';

const guard = createPushOriginGuard(['http://127.0.0.1:9100', 'https://push.internal.example']);

describe('the push origin guard (SSRF)', () => {
  it.each([
    'https://fcm.googleapis.com/fcm/send/abc',
    'https://updates.push.services.mozilla.com/wpush/v2/abc',
    'https://web.push.apple.com/QGx',
    'https://wns2-par02p.notify.windows.com/w/?token=abc',
    'http://127.0.0.1:9100/push/1',
    'https://push.internal.example/x',
  ])('accepts %s', (endpoint) => {
    expect(guard(endpoint).href).toBe(new URL(endpoint).href);
  });

  it.each([
    ['plain http to a push service', 'http://fcm.googleapis.com/fcm/send/abc'],
    ['a private address', 'https://10.0.0.7/push'],
    ['the metadata address', 'https://169.254.169.254/latest/meta-data'],
    ['loopback not allowed', 'https://127.0.0.1/push'],
    ['IPv6 loopback', 'https://[::1]/push'],
    ['localhost', 'https://localhost/push'],
    ['an unknown host', 'https://evil.example/push'],
    ['a look-alike suffix', 'https://fcm.googleapis.com.evil.example/x'],
    ['a look-alike without the dot', 'https://evilpush.apple.com/x'],
    ['another port on a push service', 'https://fcm.googleapis.com:8443/x'],
    ['credentials', 'https://user:pw@fcm.googleapis.com/x'],
    ['another port of an allowed origin', 'http://127.0.0.1:9101/push/1'],
    ['a file URL', 'file:///etc/passwd'],
    ['a blob: URL around an allowed origin (its origin is the inner one)', 'blob:https://push.internal.example/x'],
    ['a blob: URL around a push service', 'blob:https://fcm.googleapis.com/x'],
    ['a data: URL', 'data:text/plain,https://fcm.googleapis.com/'],
    ['a tab the URL parser would strip', 'https://fcm.googleapis.com/fcm/send/a\tbc'],
    ['a line end the URL parser would strip', 'https://fcm.googleapis.com/fcm/send/abc\r\n'],
    ['a leading space', ' https://fcm.googleapis.com/fcm/send/abc'],
    ['a host that is a push service only once percent-decoded', 'https://fcm%2Egoogleapis.com/x'],
    ['a numeric host that is loopback only once normalized', 'http://2130706433:9100/push/1'],
    ['no URL', 'not a url'],
  ])('refuses %s', (_why, endpoint) => {
    expect(() => guard(endpoint)).toThrow(expect.objectContaining({ code: 'push-origin-not-allowed' }));
  });

  it('returns the canonical URL of a spelling it accepts: one resource, one spelling', () => {
    expect(guard('HTTPS://FCM.googleapis.com/fcm/send/abc').href).toBe('https://fcm.googleapis.com/fcm/send/abc');
    expect(guard('http:\\\\127.0.0.1:9100\\push\\1').href).toBe('http://127.0.0.1:9100/push/1');
    expect(guard('http:127.0.0.1:9100/push/1').href).toBe('http://127.0.0.1:9100/push/1');
  });

  it('allows plain http only on loopback, and only whole origins', () => {
    expect(normalizeAllowedOrigin('http://localhost:8000')).toBe('http://localhost:8000');
    expect(normalizeAllowedOrigin('http://[::1]:8000')).toBe('http://[::1]:8000');
    for (const bad of ['http://10.0.0.5:8080', 'http://push.example', 'https://push.example/path', 'ftp://x.example', 'push.example']) {
      expect(() => normalizeAllowedOrigin(bad), bad).toThrow(expect.objectContaining({ code: 'invalid-option' }));
    }
  });
});
