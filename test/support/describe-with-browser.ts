import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

/**
 * `describe` for tests that need the browser at `path`. Without it: in CI (env CI set) one test
 * that fails and says why (a hook failure would only mark the tests skipped); elsewhere the suite
 * is skipped with a message.
 */
export function describeWithBrowser(missing: string, path: string, name: string, body: () => void): void {
  if (existsSync(path)) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => it('needs its browser', () => {
      throw new Error(`${missing}: browser tests must run in CI`);
    }));
    return;
  }
  console.warn(`${missing}: "${name}" skipped (in CI it fails)`);
  describe.skip(name, body);
}
