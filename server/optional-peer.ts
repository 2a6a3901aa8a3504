import { PushError } from './push-error.js';

/**
 * Loads a module that needs an optional peer dependency (better-sqlite3 for the SQLite store; the
 * PostgreSQL store's `pg` and `pg-boss` the same way): the package's core, linter and send helper
 * install without them, so nothing native is compiled for users who never start a server
 * (README.md#install). A missing peer is a `missing-dependency` error that says what to install.
 */
export async function loadWithPeer<T>(load: () => Promise<T>, peer: string, purpose: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ERR_MODULE_NOT_FOUND' && message.includes(`'${peer}'`)) {
      throw new PushError('missing-dependency', `${purpose} needs the package ${peer}, an optional peer dependency: npm install ${peer}`, { package: peer });
    }
    throw error;
  }
}
