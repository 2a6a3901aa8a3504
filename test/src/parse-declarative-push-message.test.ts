import { describe, expect, it } from 'vitest';
import { parseDeclarativePushMessage } from '../../src/index.js';

const baseURL = 'https://example.com/app/';
const parse = (value: unknown, maxActions?: number) =>
  parseDeclarativePushMessage(typeof value === 'string' ? value : JSON.stringify(value), { baseURL, maxActions });
const codes = (value: unknown) => {
  const result = parse(value);
  return result.declarative ? [] : result.findings.map((f) => f.code);
};

describe('parseDeclarativePushMessage', () => {
  it('resolves navigate, icon and action URLs against the scope and keeps mutable and app_badge', () => {
    const result = parse({
      web_push: 8030,
      notification: { title: 'Hi', navigate: '/x', icon: 'i.png', actions: [{ action: 'a', title: 'A', navigate: 'y' }] },
      mutable: true,
      app_badge: 3,
    });
    expect(result).toEqual({
      declarative: true,
      message: {
        format: 'standard',
        notification: {
          title: 'Hi',
          options: {
            navigate: 'https://example.com/x',
            icon: 'https://example.com/app/i.png',
            actions: [{ action: 'a', title: 'A', navigate: 'https://example.com/app/y' }],
          },
        },
        mutable: true,
        app_badge: 3,
      },
    });
  });

  it('collects every failure of one message rather than the first', () => {
    expect(codes({ web_push: 8030, notification: { title: '', navigate: 'https://exa mple.com/', silent: true, vibrate: [] } }))
      .toEqual(['silent-with-vibrate', 'url-unparsable']);
  });

  it('skips actions without a string navigate and counts the limit after skipping', () => {
    const result = parse(
      { web_push: 8030, notification: { title: 't', navigate: '/', actions: [{ action: 'x' }, { action: 'a', title: 'A', navigate: '/a' }, { action: 'b', title: 'B', navigate: 'http://[::1' }] } },
      1,
    );
    expect(result.declarative && result.message.notification.options.actions).toEqual([{ action: 'a', title: 'A', navigate: 'https://example.com/a' }]);
  });

  it('treats a byte-order mark as whitespace and a __proto__ key as an ordinary member', () => {
    const result = parse('\ufeff{"__proto__":{"web_push":1},"web_push":8030,"notification":{"title":"t","navigate":""}}');
    expect(result.declarative).toBe(true);
  });

  it('refuses 100,000 levels of nesting with a finding instead of overflowing the stack', () => {
    expect(codes('['.repeat(100_000) + ']'.repeat(100_000))).toEqual(['nesting-too-deep']);
  });
});
