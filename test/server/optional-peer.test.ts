import { describe, expect, it } from 'vitest';
import { loadWithPeer } from '../../server/optional-peer.js';
import { PushError } from '../../server/push-error.js';

describe('loadWithPeer: a missing optional peer is a clear error, anything else is not hidden', () => {
  it('names the missing package and how to install it', async () => {
    const missing = 'declarative-web-push-no-such-peer';
    const error = await loadWithPeer(() => import(missing), missing, 'the test store').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushError);
    expect(error).toMatchObject({ code: 'missing-dependency', details: { package: missing } });
    expect((error as Error).message).toBe(`the test store needs the package ${missing}, an optional peer dependency: npm install ${missing}`);
  });

  it('passes other failures through unchanged', async () => {
    const broken = new Error('the module threw while loading');
    await expect(loadWithPeer(() => Promise.reject(broken), 'better-sqlite3', 'x')).rejects.toBe(broken);
    // A missing module that is not the peer (a broken install) is not reported as the peer.
    const otherMissing = 'declarative-web-push-other-missing';
    const other = await loadWithPeer(() => import(otherMissing), 'better-sqlite3', 'x').catch((e: unknown) => e);
    expect(other).not.toBeInstanceOf(PushError);
    expect(other).toMatchObject({ code: 'ERR_MODULE_NOT_FOUND' });
  });

  it('returns the module when the peer is there', async () => {
    const { SqliteStore } = await loadWithPeer(() => import('../../server/store/sqlite-store.js'), 'better-sqlite3', 'the SQLite store');
    expect(typeof SqliteStore).toBe('function');
  });
});
