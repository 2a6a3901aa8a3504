/**
 * Waits between tries of a store call that failed for a passing reason (a lost connection, a
 * database restarting, a busy lock): about 15 s in all, enough for a PostgreSQL restart, before the
 * caller gives up on the work.
 */
export const STORE_RETRY_DELAYS_MS: readonly number[] = [100, 300, 1000, 2000, 4000, 8000];

/** Runs `call`, trying again after each delay while it throws a transient error; any other error, or the last, is thrown. */
export async function retryStoreCall<T>(call: () => Promise<T>, onError: (error: Error, attempt: number) => void = () => {}, delays = STORE_RETRY_DELAYS_MS): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= delays.length || !isTransientStoreError(error)) throw error;
      onError(error as Error, attempt + 1);
      await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
    }
  }
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN', 'SQLITE_BUSY', 'SQLITE_LOCKED',
  // PostgreSQL SQLSTATEs: serialization failure, deadlock, admin shutdown, crash shutdown, cannot connect now, too many connections.
  '40001', '40P01', '57P01', '57P02', '57P03', '53300']);

/**
 * A failure that may pass by itself: connection errors (SQLSTATE class 08, node's socket errors,
 * node-postgres' own "Connection terminated" errors, which carry no code) and lock contention. A
 * bug (a syntax error, a constraint) is not: retrying it only hides it.
 */
export function isTransientStoreError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return TRANSIENT_CODES.has(code) || code.startsWith('08') || code.startsWith('SQLITE_BUSY');
  return /connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Connection refused/i.test(error.message);
}
