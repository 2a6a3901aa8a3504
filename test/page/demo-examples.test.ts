import { describe, expect, it } from 'vitest';
import { lintPayload } from '../../src/lint-message.js';
import { parsePushPayload } from '../../src/parse-push-payload.js';
import { preparePayload } from '../../server/prepare-payload.js';
import { legacyFieldsProblem } from '../../src/hybrid-payload.js';
import { EXAMPLES, exampleLegacyFields, exampleMessage } from '../../server/public/examples.js';

const ORIGIN = 'https://shop.example';
const urlsIn = (value: unknown): string[] =>
  typeof value === 'string' ? (/^https?:/.test(value) ? [value] : []) : value && typeof value === 'object' ? Object.values(value).flatMap(urlsIn) : [];

describe('the editor’s examples', () => {
  it('are the four shapes a site meets, each named once', () => {
    expect(EXAMPLES.map((e) => e.name)).toEqual(['standard', 'mutable', 'explainer', 'hybrid']);
  });

  it.each(EXAMPLES.map((e) => e.name))('%s: pretty-printed, every URL absolute on the page’s origin, and dwpush serve sends it', (name) => {
    const text = exampleMessage(name, ORIGIN);
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    const urls = urlsIn(JSON.parse(text));
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url.startsWith(`${ORIGIN}/`)).toBe(true);
    expect(() => preparePayload(text)).not.toThrow();
  });

  it('standard, mutable and hybrid lint clean under portable and are shown by the polyfill; the explainer is flagged as the old shape', () => {
    for (const name of ['standard', 'mutable', 'hybrid']) {
      const text = exampleMessage(name, ORIGIN);
      expect(lintPayload(text, { profile: 'portable' }).findings.filter((f) => f.severity !== 'info'), name).toEqual([]);
      expect(parsePushPayload(text, { baseURL: `${ORIGIN}/` }).declarative, name).toBe(true);
    }
    expect(lintPayload(exampleMessage('mutable', ORIGIN)).format).toBe('standard');
    expect(JSON.parse(exampleMessage('mutable', ORIGIN))).toMatchObject({ mutable: true, notification: { mutable: true } });
    const explainer = lintPayload(exampleMessage('explainer', ORIGIN), { profile: 'portable' });
    expect([explainer.format, explainer.valid, explainer.findings.map((f) => f.code)]).toEqual(['explainer', true, ['explainer-format']]);
  });

  it('the hybrid example has legacy fields for old workers that say what its notification says; the others have none', () => {
    const hybrid = JSON.parse(exampleMessage('hybrid', ORIGIN));
    const legacy = JSON.parse(exampleLegacyFields('hybrid', ORIGIN));
    expect(legacy).toEqual({ title: hybrid.notification.title, body: hybrid.notification.body, url: hybrid.notification.navigate });
    expect(legacyFieldsProblem(legacy)).toBeNull();
    expect(() => preparePayload(exampleMessage('hybrid', ORIGIN), { legacy })).not.toThrow();
    for (const name of ['standard', 'mutable', 'explainer']) expect(exampleLegacyFields(name, ORIGIN)).toBe('');
  });

  it('an unknown name is an error, not an empty editor', () => {
    expect(() => exampleMessage('fcm', ORIGIN)).toThrow('no example named "fcm"');
  });
});
