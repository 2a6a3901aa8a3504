import { describe, expect, it } from 'vitest';
import { toPortableMessage } from '../../src/to-portable-message.js';
import type { StandardMessageJSON } from '../../src/declarative-message.js';

const base = (notification: Record<string, unknown>, top: Record<string, unknown> = {}) =>
  ({ web_push: 8030, notification: { title: 'T', navigate: 'https://a.example/x', ...notification }, ...top }) as StandardMessageJSON;

describe('toPortableMessage', () => {
  it('writes mutable at top level and inside notification, from either place', () => {
    expect(toPortableMessage(base({ mutable: true }))).toMatchObject({ mutable: true, notification: { mutable: true } });
    expect(toPortableMessage(base({}, { mutable: false }))).toMatchObject({ mutable: false, notification: { mutable: false } });
    expect(toPortableMessage(base({}))).not.toHaveProperty('mutable');
  });

  it('writes app_badge as a number at both places; a digit string becomes a number', () => {
    expect(toPortableMessage(base({ app_badge: '12' }))).toMatchObject({ app_badge: 12, notification: { app_badge: 12 } });
    expect(toPortableMessage(base({}, { app_badge: 0 }))).toMatchObject({ app_badge: 0, notification: { app_badge: 0 } });
  });

  it('resolves relative URLs against a base URL, actions included, and leaves the input alone', () => {
    const input = base({ navigate: '/inbox', icon: 'i.png', actions: [{ action: 'a', title: 'A', navigate: 'reply' }] });
    const copy = structuredClone(input);
    const portable = toPortableMessage(input, { baseURL: 'https://app.example/mail/' });
    expect(portable.notification).toMatchObject({
      navigate: 'https://app.example/inbox', icon: 'https://app.example/mail/i.png',
      actions: [{ action: 'a', title: 'A', navigate: 'https://app.example/mail/reply' }],
    });
    expect(input).toEqual(copy);
  });

  it('converts the 2023 explainer shape', () => {
    expect(toPortableMessage({ title: 'Hi', default_action_url: 'https://a.example/', mutable: true, options: { body: 'b' } })).toEqual({
      web_push: 8030, mutable: true, notification: { title: 'Hi', body: 'b', navigate: 'https://a.example/', mutable: true },
    });
  });
});
