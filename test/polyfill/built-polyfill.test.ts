import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useFakeScope } from '../support/fake-service-worker-scope.js';

const dist = (file: string) => new URL(`../../dist/polyfill/${file}`, import.meta.url);
const CLASSIC = dist('declarative-push-sw.js');
const CLASSIC_EXPLAINER = dist('declarative-push-sw-explainer.js');
const MODULE = dist('install-declarative-push.js');

/**
 * Gzip budgets of every file the package ships to browsers (spec-notes.md#size), like Workbox's
 * size checks. The service-worker file every site loads has the tightest; the files with the
 * explainer parser carry ~0.8 KB more; the page helper is what a site's pages pay to subscribe.
 */
const GZIP_BUDGETS: Record<string, number> = {
  'declarative-push-sw.js': 4096,
  'declarative-push-sw-explainer.js': 4608,
  'install-declarative-push.js': 4608,
  'dwp-page.js': 2560,
  'dwp-editor.js': 8192,
};

function built(url: URL): string {
  if (!existsSync(url)) throw new Error(`${url.pathname} is missing: run \`npm run build\` first (npm test does)`);
  return readFileSync(url, 'utf8');
}

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  vi.restoreAllMocks();
});

describe('the built polyfill and page files', () => {
  it.each(Object.entries(GZIP_BUDGETS))('%s is at most %i bytes gzip', (file, budget) => {
    const size = gzipSync(built(dist(file))).length;
    expect(size).toBeLessThanOrEqual(budget);
    expect(size).toBeGreaterThan(budget / 4); // the file really holds its code
  });

  it('has a budget for every browser file it ships', () => {
    expect(readdirSync(dist('')).filter((f) => f.endsWith('.js')).sort()).toEqual(Object.keys(GZIP_BUDGETS).sort());
  });

  it.each([CLASSIC, CLASSIC_EXPLAINER])('%s is one dependency-free classic script: no ajv, no import, no require', (url) => {
    const code = built(url);
    expect(code).not.toMatch(/ajv/i);
    expect(code).not.toMatch(/\bimport\s*[({"']|\brequire\(/);
    expect(code).toContain('8030'); // WEB_PUSH_MAGIC, inlined
  });

  it('leaves the explainer parser out of the standard classic script only', () => {
    expect(built(CLASSIC)).not.toContain('default_action_url');
    expect(built(CLASSIC_EXPLAINER)).toContain('default_action_url');
    expect(built(MODULE)).toContain('default_action_url');
  });

  it('ships an ES module exporting installDeclarativePush', () => {
    expect(built(MODULE)).toMatch(/export\s*\{[^}]*\bas installDeclarativePush\b|export\s*\{[^}]*\binstallDeclarativePush\b/);
  });

  it('runs as importScripts would, reading self.declarativePushOptions (the explainer script)', async () => {
    const fake = useFakeScope();
    restore = fake.restore;
    const { scope } = fake;
    Object.assign(scope, { declarativePushOptions: { explainer: true } });
    new Function(built(CLASSIC_EXPLAINER))();
    await scope.push({ title: 'Explainer', default_action_url: 'https://site.example/x' });
    await scope.push({ web_push: 8030, notification: { title: 'Standard', navigate: '/y' } });
    expect(scope.shown.map((s) => s.title)).toEqual(['Explainer', 'Standard']);
  });

  it('the standard script asked for explainer payloads warns once and leaves them to the site', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const fake = useFakeScope();
    restore = fake.restore;
    const { scope } = fake;
    Object.assign(scope, { declarativePushOptions: { explainer: true } });
    new Function(built(CLASSIC))();
    const site: unknown[] = [];
    scope.addEventListener('push', (event) => site.push((event as Event & { data: { json(): unknown } }).data.json()));
    const explainer = { title: 'Explainer', default_action_url: 'https://site.example/x' };
    await scope.push(explainer);
    await scope.push({ web_push: 8030, notification: { title: 'Standard', navigate: '/y' } });
    expect(scope.shown.map((s) => s.title)).toEqual(['Standard']);
    expect(site).toEqual([explainer]); // not swallowed: the site's own handler gets it
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain('declarative-push-sw-explainer.js');
  });
});
