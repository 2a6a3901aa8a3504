import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mintGrant, verifyGrant } from '../../server/grant.js';
import { loadOrCreateGrantSecret, readGrantSecret } from '../../server/grant-secret.js';
import { isPushError } from '../../server/push-error.js';

const SECRET = 'a-grant-secret-of-at-least-32-characters';
const NOW = Date.parse('2026-06-01T12:00:00Z');

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (isPushError(error)) return error.code;
    throw error;
  }
  return 'accepted';
};

describe('grants', () => {
  it('carry their user, channels and expiry, and verify with the secret that signed them', () => {
    const { grant, expiresAt } = mintGrant(SECRET, { user: 'alice@example.com', channels: ['orders', 'orders'], ttl: 120 }, NOW);
    expect(grant).toMatch(/^dwpg1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe('2026-06-01T12:02:00.000Z');
    expect(verifyGrant(SECRET, grant, NOW + 119_000)).toEqual({ user: 'alice@example.com', channels: ['orders'], expiresAt: NOW + 120_000 });
  });

  it('default to ten minutes and refuse a ttl over a day, no user nor channel, or bad names', () => {
    expect(mintGrant(SECRET, { user: 'bob' }, NOW).expiresAt).toBe('2026-06-01T12:10:00.000Z');
    expect(codeOf(() => mintGrant(SECRET, { user: 'bob', ttl: 86_401 }, NOW))).toBe('invalid-option');
    expect(codeOf(() => mintGrant(SECRET, { user: 'bob', ttl: 0 }, NOW))).toBe('invalid-option');
    expect(codeOf(() => mintGrant(SECRET, {}, NOW))).toBe('invalid-option');
    expect(codeOf(() => mintGrant(SECRET, { user: 'has space' }, NOW))).toBe('invalid-option');
    expect(codeOf(() => mintGrant(SECRET, { channels: ['no/slash'] }, NOW))).toBe('invalid-option');
    expect(codeOf(() => mintGrant('short', { user: 'bob' }, NOW))).toBe('invalid-option');
  });

  it('expire: refused with grant-expired from the second they name', () => {
    const { grant } = mintGrant(SECRET, { user: 'alice', ttl: 60 }, NOW);
    expect(codeOf(() => verifyGrant(SECRET, grant, NOW + 59_999))).toBe('accepted');
    expect(codeOf(() => verifyGrant(SECRET, grant, NOW + 60_000))).toBe('grant-expired');
  });

  it('refuse any change with grant-invalid: claims, signature, another secret, or not a grant at all', () => {
    const { grant } = mintGrant(SECRET, { user: 'alice', channels: ['orders'] }, NOW);
    const [prefix, claims, mac] = grant.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ u: 'bob', c: ['orders'], exp: NOW / 1000 + 600 })).toString('base64url');
    const longer = Buffer.from(JSON.stringify({ u: 'alice', c: ['orders'], exp: NOW / 1000 + 86_400 * 365 })).toString('base64url');
    // The last character of a 43-character base64url MAC carries 2 spare bits: a lenient decoder would accept this.
    const spareBits = mac.slice(0, -1) + String.fromCharCode(mac.charCodeAt(42) ^ 1);
    const cases = [
      `${prefix}.${forged}.${mac}`,
      `${prefix}.${longer}.${mac}`,
      `${prefix}.${claims}.${spareBits}`,
      `${prefix}.${claims}.${mac.slice(0, -1)}`,
      `${prefix}.${claims}.${mac}=`,
      `${prefix}.${claims}`,
      `dwpg2.${claims}.${mac}`,
      mintGrant('another-secret-of-at-least-32-characters', { user: 'alice', channels: ['orders'] }, NOW).grant,
      '',
      42,
      null,
      'x'.repeat(10_000),
    ];
    for (const value of cases) expect(codeOf(() => verifyGrant(SECRET, value, NOW))).toBe('grant-invalid');
  });

  it('an expired grant that was also tampered with is invalid, not expired: nothing is read before the signature checks', () => {
    const { grant } = mintGrant(SECRET, { user: 'alice', ttl: 1 }, NOW);
    const [prefix, , mac] = grant.split('.');
    const claims = Buffer.from(JSON.stringify({ u: 'alice', exp: 1 })).toString('base64url');
    expect(codeOf(() => verifyGrant(SECRET, `${prefix}.${claims}.${mac}`, NOW))).toBe('grant-invalid');
  });
});

describe('the grant secret', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is created once in the data directory, mode 0600, and read back for minting offline', () => {
    dir = mkdtempSync(join(tmpdir(), 'dwp-grant-'));
    const secret = loadOrCreateGrantSecret(dir);
    expect(statSync(join(dir, 'grant-secret')).mode & 0o777).toBe(0o600);
    expect(loadOrCreateGrantSecret(dir)).toBe(secret);
    expect(readGrantSecret(dir)).toBe(secret);
    const { grant } = mintGrant(readGrantSecret(dir), { user: 'alice' });
    expect(verifyGrant(secret, grant).user).toBe('alice');
  });

  it('comes from DWP_GRANT_SECRET when given (checked), and a damaged file is reported without quoting it', () => {
    dir = mkdtempSync(join(tmpdir(), 'dwp-grant-'));
    expect(loadOrCreateGrantSecret(dir, SECRET)).toBe(SECRET);
    expect(codeOf(() => loadOrCreateGrantSecret(dir, 'too short'))).toBe('invalid-option');
    writeFileSync(join(dir, 'grant-secret'), 'leaky', { mode: 0o600 });
    expect(() => readGrantSecret(dir)).toThrow(/damaged/);
    expect(() => readGrantSecret(dir)).not.toThrow(/leaky/);
  });
});
