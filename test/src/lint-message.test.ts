import { describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../../src/finding-codes.js';
import type { FindingCode, Severity } from '../../src/finding.js';
import { lintPayload, lintValue, type LintOptions } from '../../src/lint-message.js';
import { parseDeclarativePushMessage } from '../../src/parse-declarative-push-message.js';
import { parseExplainerMessage } from '../../src/parse-explainer-message.js';
import { loadVectors, payloadBytes } from '../vectors/load-vectors.js';

const standard = (notification: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
  web_push: 8030,
  notification: { title: 'Hi', navigate: 'https://example.com/', ...notification },
  ...top,
});
const explainer = (members: Record<string, unknown> = {}) => ({ title: 'Hi', default_action_url: 'https://example.com/', ...members });
const text = (payload: unknown) => (typeof payload === 'string' ? payload : JSON.stringify(payload));

/** One payload per code, with the severity each profile must give it (null: not reported). */
const CODE_CASES: Array<{ code: FindingCode; payload: unknown; options?: LintOptions; spec: Severity | null; portable: Severity | null; path?: string }> = [
  { code: 'empty-input', payload: ' \n', spec: 'error', portable: 'error' },
  { code: 'invalid-utf8', payload: new Uint8Array([0x7b, 0xff, 0x7d]), spec: 'error', portable: 'error' },
  { code: 'json-syntax', payload: '{"web_push": 8030,}', spec: 'error', portable: 'error' },
  { code: 'nesting-too-deep', payload: '['.repeat(200) + ']'.repeat(200), spec: 'error', portable: 'error' },
  { code: 'payload-too-large', payload: standard({ body: 'x'.repeat(4000) }), spec: 'warning', portable: 'error' },
  { code: 'not-an-object', payload: '[]', spec: 'error', portable: 'error' },
  { code: 'not-declarative', payload: { title: 'legacy payload' }, spec: 'error', portable: 'error' },
  { code: 'web-push-missing', payload: { notification: {} }, options: { as: 'standard' }, spec: 'error', portable: 'error' },
  { code: 'web-push-not-8030', payload: { ...standard(), web_push: 9001 }, spec: 'error', portable: 'error' },
  { code: 'notification-missing', payload: { web_push: 8030 }, spec: 'error', portable: 'error' },
  { code: 'notification-not-an-object', payload: { web_push: 8030, notification: [] }, spec: 'error', portable: 'error' },
  { code: 'title-missing', payload: { web_push: 8030, notification: { navigate: 'https://example.com/' } }, spec: 'error', portable: 'error' },
  { code: 'title-not-a-string', payload: standard({ title: 1 }), spec: 'error', portable: 'error' },
  { code: 'title-empty', payload: standard({ title: '' }), spec: null, portable: 'error' },
  { code: 'navigate-missing', payload: { web_push: 8030, notification: { title: 't' } }, spec: 'error', portable: 'error' },
  { code: 'navigate-not-a-string', payload: standard({ navigate: null }), spec: 'error', portable: 'error' },
  { code: 'url-unparsable', payload: standard({ navigate: 'https://exa mple.com/' }), spec: 'error', portable: 'error' },
  { code: 'url-unparsable', path: '/notification/icon', payload: standard({ icon: 'http://[::1' }), spec: 'warning', portable: 'error' },
  { code: 'url-unparsable', path: '/notification/image', payload: standard({ image: 'http://[::1' }), spec: 'warning', portable: 'warning' },
  { code: 'silent-with-vibrate', payload: standard({ silent: true, vibrate: [] }), spec: 'error', portable: 'error' },
  { code: 'renotify-without-tag', payload: standard({ renotify: true }), spec: 'error', portable: 'error' },
  { code: 'member-wrong-type', path: '/notification/body', payload: standard({ body: 42 }), spec: 'warning', portable: 'error' },
  { code: 'member-wrong-type', path: '/notification/timestamp', payload: standard({ timestamp: -1 }), spec: 'warning', portable: 'warning' },
  { code: 'member-wrong-type', path: '/mutable', payload: standard({}, { mutable: 'true' }), spec: 'warning', portable: 'error' },
  { code: 'dir-invalid', payload: standard({ dir: 'LTR' }), spec: 'warning', portable: 'error' },
  { code: 'actions-not-a-list', payload: standard({ actions: {} }), spec: 'warning', portable: 'warning' },
  { code: 'action-not-an-object', payload: standard({ actions: ['reply'] }), spec: 'warning', portable: 'warning' },
  { code: 'action-skipped', payload: standard({ actions: [{ action: 'a', title: 'A' }] }), spec: 'warning', portable: 'warning' },
  { code: 'actions-over-limit', payload: standard({ actions: [1, 2, 3].map((n) => ({ action: `a${n}`, title: 'A', navigate: 'https://example.com/' })) }), options: { maxActions: 2 }, spec: 'info', portable: 'warning' },
  { code: 'unknown-member', payload: standard({ require_interaction: true }), spec: 'warning', portable: 'warning' },
  { code: 'legacy-fields', payload: standard({}, { title: 'Hi', body: 'old', url: 'https://example.com/' }), spec: 'info', portable: 'info' },
  { code: 'url-relative', path: '/notification/navigate', payload: standard({ navigate: '/inbox' }), spec: null, portable: 'error' },
  { code: 'url-relative', path: '/notification/image', payload: standard({ image: 'hero.png' }), spec: null, portable: 'warning' },
  { code: 'url-script', payload: standard({ navigate: 'javascript:alert(1)' }), spec: null, portable: 'error' },
  { code: 'url-not-http', payload: standard({ navigate: 'mailto:a@example.com' }), spec: null, portable: 'warning' },
  { code: 'mutable-location', payload: standard({}, { mutable: true }), spec: null, portable: 'warning' },
  { code: 'app-badge-not-standard', path: '/app_badge', payload: standard({ app_badge: 3 }, { app_badge: 3 }), spec: 'info', portable: null },
  { code: 'app-badge-invalid', path: '/app_badge', payload: standard({ app_badge: 3 }, { app_badge: -1 }), spec: 'warning', portable: 'error' },
  { code: 'app-badge-string', path: '/app_badge', payload: standard({ app_badge: 3 }, { app_badge: '3' }), spec: 'warning', portable: 'warning' },
  { code: 'app-badge-over-int32', path: '/app_badge', payload: standard({ app_badge: 3 }, { app_badge: 2 ** 31 }), spec: null, portable: 'warning' },
  { code: 'app-badge-location', payload: standard({}, { app_badge: 3 }), spec: null, portable: 'warning' },
  { code: 'actions-not-shown-by-safari', payload: standard({ actions: [] }), spec: null, portable: 'info' },
  { code: 'options-not-an-object', payload: explainer({ options: 1 }), spec: 'error', portable: 'error' },
  { code: 'default-action-url-missing', payload: { title: 'Hi' }, options: { as: 'explainer' }, spec: 'error', portable: 'error' },
  { code: 'default-action-url-invalid', payload: explainer({ default_action_url: 'http://[::1' }), spec: 'error', portable: 'error' },
  { code: 'action-url-missing', payload: explainer({ options: { actions: [{ action: 'a', title: 'A' }] } }), spec: 'error', portable: 'error' },
  { code: 'explainer-format', payload: explainer(), spec: 'info', portable: 'warning' },
];

const lint = (payload: unknown, options: LintOptions = {}) =>
  lintPayload(payload instanceof Uint8Array ? payload : text(payload), options);

describe('lintPayload: every finding code, with its severity under each profile', () => {
  it.each(CODE_CASES)('$code ($path) is $spec under spec and $portable under portable', ({ code, path, payload, options, spec, portable }) => {
    for (const [profile, severity] of [['spec', spec], ['portable', portable]] as const) {
      const found = lint(payload, { ...options, profile }).findings.filter((f) => f.code === code && (path === undefined || f.path === path));
      expect(found.map((f) => f.severity), profile).toEqual(severity === null ? [] : [severity]);
    }
  });

  it('has a case for every code of the FindingCode union', () => {
    const covered = new Set(CODE_CASES.map((c) => c.code));
    expect(Object.keys(FINDING_CODES).filter((code) => !covered.has(code as FindingCode))).toEqual([]);
  });

  it('is valid exactly when no finding is an error', () => {
    for (const { payload, options } of CODE_CASES) {
      for (const profile of ['spec', 'portable'] as const) {
        const result = lint(payload, { ...options, profile });
        expect(result.valid).toBe(!result.findings.some((f) => f.severity === 'error'));
      }
    }
  });
});

describe('the spec profile is the parser', () => {
  const payloads: Array<{ bytes: Uint8Array | string; as: 'standard' | 'explainer'; baseURL?: string; maxActions?: number }> = [
    ...CODE_CASES.map(({ payload, options }) => {
      const bytes = payload instanceof Uint8Array ? payload : text(payload);
      return { bytes, as: lintPayload(bytes, options).format ?? 'standard', maxActions: options?.maxActions };
    }),
    ...loadVectors().map((v) => ({ bytes: payloadBytes(v), as: v.format, baseURL: v.baseURL, maxActions: v.maxActions })),
  ];

  it.each(payloads.map((p, i) => [i, p] as const))('payload %i: valid === the parser verdict; the errors are its failures', (_, { bytes, as, baseURL = 'https://example.com/', maxActions }) => {
    const verdict = as === 'standard' ? parseDeclarativePushMessage(bytes, { baseURL, maxActions }) : parseExplainerMessage(bytes);
    const result = lintPayload(bytes, { profile: 'spec', as, baseURL, maxActions });
    expect(result.valid).toBe(verdict.declarative);
    const failures = verdict.declarative ? [] : verdict.findings;
    const key = (f: object) => JSON.stringify(f);
    expect(result.findings.filter((f) => f.severity === 'error').map(key).sort()).toEqual(failures.map(key).sort());
  });
});

describe('profiles', () => {
  it('accepts under spec what Safari rejects, and says why under portable', () => {
    const payload = standard({ title: '', navigate: '', dir: 'LTR', silent: 'true' }, { mutable: true });
    expect(lint(payload, { profile: 'spec' }).valid).toBe(true);
    const portable = lint(payload);
    expect(portable.valid).toBe(false);
    expect(portable.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(
      ['title-empty', 'url-relative', 'dir-invalid', 'member-wrong-type']);
  });

  it('defaults to portable, auto and an https scope', () => {
    const result = lint(standard({ navigate: 'x' }));
    expect(result.format).toBe('standard');
    expect(result.findings).toContainEqual({ code: 'url-relative', severity: 'error', path: '/notification/navigate', params: { value: 'x', resolved: 'https://example.com/x' } });
  });

  it('resolves relative URLs against the given base URL', () => {
    const result = lint(standard({ navigate: 'x' }), { baseURL: 'https://app.example/scope/' });
    expect(result.findings.find((f) => f.code === 'url-relative')?.params.resolved).toBe('https://app.example/scope/x');
  });

  it('counts Chromium\'s two actions under portable only', () => {
    const actions = [1, 2, 3].map((n) => ({ action: `a${n}`, title: 'A', navigate: 'https://example.com/' }));
    expect(lint(standard({ actions }), { profile: 'spec' }).findings.map((f) => f.code)).not.toContain('actions-over-limit');
    expect(lint(standard({ actions })).findings.find((f) => f.code === 'actions-over-limit')).toMatchObject({ path: '/notification/actions/2', params: { count: 3, limit: 2 } });
  });

  it('warns about mutable and app_badge in one place only, and not when both are set', () => {
    const both = standard({ mutable: true, app_badge: 1 }, { mutable: true, app_badge: 1 });
    expect(lint(both).findings.map((f) => f.code)).toEqual([]);
    const inner = lint(standard({ mutable: true, app_badge: 1 }));
    expect(inner.findings.map((f) => [f.code, f.path, f.params.missing])).toEqual([
      ['mutable-location', '/notification/mutable', '/mutable'],
      ['app-badge-location', '/notification/app_badge', '/app_badge'],
    ]);
  });

  it('checks an explainer message with WebKit 2023 strictness under both profiles', () => {
    const payload = explainer({ options: { dir: 'LTR', silent: 'true' } });
    for (const profile of ['spec', 'portable'] as const) {
      expect(lint(payload, { profile }).findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(['dir-invalid', 'member-wrong-type']);
    }
  });
});

describe('did you mean', () => {
  const suggestions = (payload: unknown, options?: LintOptions) =>
    lint(payload, options).findings.filter((f) => f.code === 'unknown-member').map((f) => [f.path, f.params.suggestion]);

  it('suggests the member a typo or an old name meant, at every level', () => {
    const payload = {
      webpush: 8030,
      web_push: 8030,
      title: 'top-level title',
      default_action_url: 'https://example.com/',
      notification: {
        navigation: 'https://example.com/', Title: 'x', require_interaction: true,
        actions: [{ action: 'a', title: 'A', url: 'https://example.com/' }],
      },
    };
    expect(suggestions(payload)).toEqual([
      ['/webpush', 'web_push'],
      ['/title', 'notification.title'],
      ['/default_action_url', 'notification.navigate'],
      ['/notification/navigation', 'navigate'],
      ['/notification/Title', 'title'],
      ['/notification/require_interaction', 'requireInteraction'],
      ['/notification/actions/0/url', 'navigate'],
    ]);
  });

  it('suggests a misspelt format marker when no format is found', () => {
    expect(suggestions({ webPush: 8030, notification: {} })).toEqual([['/webPush', 'web_push']]);
    expect(suggestions({ defaultActionURL: 'https://example.com/', title: 'Hi' })).toEqual([['/defaultActionURL', 'default_action_url']]);
    expect(suggestions({ title: 'Hi', body: 'legacy', data: {} })).toEqual([]);
  });

  it('says nothing about an app\'s own members, or an alias beside the member it names', () => {
    const payload = standard({ url: 'https://example.com/legacy', customerId: 7, priority: 'high' }, { data: {}, analytics: true });
    expect(suggestions(payload)).toEqual([]);
  });

  it('catches typos in names under four letters: vowels left out, or a plural', () => {
    const payload = standard({ bdy: 'x', icn: 'https://example.com/i.png', tgs: 't', lng: 'en', img: 'https://example.com/h.png' });
    expect(suggestions(payload)).toEqual([
      ['/notification/bdy', 'body'],
      ['/notification/icn', 'icon'],
      ['/notification/tgs', 'tag'],
      ['/notification/lng', 'lang'],
      ['/notification/img', 'image'],
    ]);
  });

  it('raises no false alarm on the standard\'s own short members or an app\'s short names', () => {
    const own = standard({ dir: 'ltr', tag: 't', lang: 'en', body: 'b', icon: 'https://example.com/i.png', data: {} });
    expect(lint(own).findings).toEqual([]);
    const app = standard({ id: 7, ids: [7], ts: 1, uid: 'u', key: 'k', ref: 'r', src: 's', msg: 'm', sub: 's', ttl: 60, cta: 'c', utm: 'u', pos: 1, bg: 'b' });
    expect(suggestions(app)).toEqual([]);
    expect(suggestions(standard({ actions: [{ action: 'a', title: 'A', navigate: 'https://example.com/', id: 1, ttl: 2 }] }))).toEqual([]);
  });

  it('reports a hybrid payload\'s top-level legacy fields once, as info, and not as unknown members', () => {
    const hybrid = standard({}, { title: 'Example Shop', body: 'Your order shipped', url: 'https://example.com/orders/1', icon: '/i.png', data: {} });
    const { valid, findings } = lint(hybrid);
    expect(valid).toBe(true);
    expect(findings.map((f) => [f.code, f.severity, f.path, f.params.members])).toEqual([
      ['legacy-fields', 'info', '', ['title', 'body', 'url', 'icon', 'data']],
    ]);
    // A typo of a top-level member is still a typo, not a legacy field.
    expect(lint(standard({}, { mutabel: true, body: 'old' })).findings.map((f) => [f.code, f.params.members ?? f.params.suggestion])).toEqual([
      ['legacy-fields', ['body']],
      ['unknown-member', 'mutable'],
    ]);
  });

  it('uses the explainer\'s names for an explainer message', () => {
    const payload = explainer({ navigate: 'x', options: { bdoy: 'x', actions: [{ action: 'a', title: 'A', url: 'https://example.com/', navigate: 'y' }] } });
    expect(suggestions(payload)).toEqual([['/options/bdoy', 'body']]);
    expect(suggestions({ title: 'Hi', navigate: 'https://example.com/' }, { as: 'explainer' })).toEqual([['/navigate', 'default_action_url']]);
  });
});

describe('findings', () => {
  it('come in document order, a missing member with its parent', () => {
    const payload = '{"notification":{"silent":"yes","dir":"up","title":""},"web_push":8030,"mutable":1}';
    expect(lintPayload(payload).findings.map((f) => f.path)).toEqual([
      '/notification/navigate', '/notification/silent', '/notification/dir', '/notification/title', '/mutable',
    ]);
  });

  it('treat a __proto__ key as an ordinary member', () => {
    const result = lintPayload('{"__proto__":{"web_push":1},"web_push":8030,"notification":{"__proto__":null,"title":"t","navigate":"https://example.com/"}}');
    // Only the top-level one is more than the standard defines there: an ordinary legacy field.
    expect(result).toEqual({ format: 'standard', valid: true, findings: [{ code: 'legacy-fields', severity: 'info', path: '', params: { members: ['__proto__'] } }] });
  });
});

describe('lintValue', () => {
  it('measures the size on the JSON text of the value', () => {
    const result = lintValue(standard({ body: 'é'.repeat(2000) }));
    expect(result.findings.find((f) => f.code === 'payload-too-large')?.params.bytes).toBe(text(standard({ body: 'é'.repeat(2000) })).length + 2000);
  });

  it('gives the same result as the text for an ordinary value', () => {
    const value = standard({ dir: 'LTR', actions: [1] }, { app_badge: '2' });
    expect(lintValue(value, { profile: 'spec' })).toEqual(lintPayload(text(value), { profile: 'spec' }));
  });

  it('reports a value nested deeper than the stack instead of throwing', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(lintValue(deep).findings.map((f) => f.code)).toEqual(['nesting-too-deep']);
    expect(lintValue(undefined).findings.map((f) => f.code)).toEqual(['json-syntax']);
  });
});
