import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeScope } from '../support/fake-service-worker-scope.js';

const CLASSIC = new URL('../../dist/polyfill/declarative-push-sw.js', import.meta.url);
const MODULE = new URL('../../dist/polyfill/install-declarative-push.js', import.meta.url);
/** The size budget of what ships to every browser (spec-notes.md#size). */
const GZIP_BUDGET = 4096;

function built(url: URL): string {
  if (!existsSync(url)) throw new Error(`${url.pathname} is missing: run \`npm run build\` first (npm test does)`);
  return readFileSync(url, 'utf8');
}

let restore: (() => void) | undefined;
afterEach(() => restore?.());

describe('the built polyfill', () => {
  it(`is at most ${GZIP_BUDGET} bytes gzip`, () => {
    const size = gzipSync(built(CLASSIC)).length;
    expect(size).toBeLessThanOrEqual(GZIP_BUDGET);
    expect(size).toBeGreaterThan(1000); // the parser really is inside
  });

  it('is one dependency-free classic script: no ajv, no import, no require', () => {
    const code = built(CLASSIC);
    expect(code).not.toMatch(/ajv/i);
    expect(code).not.toMatch(/\bimport\s*[({"']|\brequire\(/);
    expect(code).toContain('8030'); // WEB_PUSH_MAGIC, inlined
  });

  it('ships an ES module exporting installDeclarativePush', () => {
    expect(built(MODULE)).toMatch(/export\s*\{[^}]*\bas installDeclarativePush\b|export\s*\{[^}]*\binstallDeclarativePush\b/);
  });

  it('runs as importScripts would, reading self.declarativePushOptions', async () => {
    const fake = useFakeScope();
    restore = fake.restore;
    const { scope } = fake;
    Object.assign(scope, { declarativePushOptions: { explainer: true } });
    new Function(built(CLASSIC))();
    await scope.push({ title: 'Explainer', default_action_url: 'https://site.example/x' });
    await scope.push({ web_push: 8030, notification: { title: 'Standard', navigate: '/y' } });
    expect(scope.shown.map((s) => s.title)).toEqual(['Explainer', 'Standard']);
  });
});
