import { describe, expect, it } from 'vitest';
import { convertMessage } from '../../src/convert-message.js';
import { lintValue } from '../../src/lint-message.js';

const FCM = {
  message: {
    token: 'device-token',
    notification: { title: 'Sale', body: 'fallback body', image: 'https://shop.example/sale.png' },
    data: { sku: '4417', from: 'data' },
    webpush: {
      headers: { TTL: '3600', Urgency: 'high', Topic: 'sale', 'X-Other': '1' },
      data: { from: 'webpush.data' },
      notification: {
        body: 'Half price today', icon: 'https://shop.example/icon.png', badge: 'https://shop.example/badge.png', tag: 'sale',
        requireInteraction: true, dir: 'ltr', lang: 'en', renotify: true, silent: false, vibrate: [100], timestamp: 1700000000000,
        actions: [{ action: 'view', title: 'View' }], sound: 'ding',
      },
      fcm_options: { link: 'https://shop.example/sale', analytics_label: 'nov' },
    },
    android: { priority: 'high' },
    apns: { headers: {} },
    fcm_options: { analytics_label: 'x' },
  },
};

const paths = (notes: { code: string; path: string }[], code: string) => notes.filter((n) => n.code === code).map((n) => n.path);

describe('convertMessage: Firebase Cloud Messaging HTTP v1', () => {
  it('maps webpush.notification by name, the link to navigate, data to notification.data; the result is portable-valid', () => {
    const result = convertMessage(FCM);
    expect(result.from).toBe('fcm');
    expect(result.message).toEqual({
      web_push: 8030,
      notification: {
        title: 'Sale', navigate: 'https://shop.example/sale', dir: 'ltr', lang: 'en', body: 'Half price today', tag: 'sale',
        image: 'https://shop.example/sale.png', icon: 'https://shop.example/icon.png', badge: 'https://shop.example/badge.png',
        vibrate: [100], timestamp: 1700000000000, renotify: true, silent: false, requireInteraction: true,
        data: { sku: '4417', from: 'webpush.data' },
        actions: [{ action: 'view', title: 'View', navigate: 'https://shop.example/sale' }],
      },
    });
    expect(Object.keys(result.message.notification).slice(0, 2)).toEqual(['title', 'navigate']);
    expect(lintValue(result.message).valid).toBe(true);
  });

  it('reports headers as send options and every dropped member with its reason', () => {
    const { sendOptions, notes } = convertMessage(FCM);
    expect(sendOptions).toEqual({ ttl: 3600, urgency: 'high', topic: 'sale' });
    expect(paths(notes, 'send-option')).toEqual(['message.webpush.headers.TTL', 'message.webpush.headers.Urgency', 'message.webpush.headers.Topic']);
    expect(paths(notes, 'dropped').sort()).toEqual([
      'message.android', 'message.apns', 'message.fcm_options', 'message.token',
      'message.webpush.fcm_options.analytics_label', 'message.webpush.headers.X-Other', 'message.webpush.notification.sound',
    ]);
    expect(paths(notes, 'action-navigate-added')).toEqual(['message.webpush.notification.actions.0']);
  });

  it('takes the inner object too, falls back to click_action, and to the top-level notification', () => {
    const inner = { notification: { title: 'T', body: 'B' }, webpush: { notification: { click_action: 'https://shop.example/c' } } };
    expect(convertMessage(inner, { from: 'fcm' }).message.notification).toEqual({ title: 'T', navigate: 'https://shop.example/c', body: 'B' });
    expect(convertMessage(inner).from).toBe('fcm');
  });

  it('a missing link is an error with a hint: the result lacks navigate and does not lint valid', () => {
    const { message, notes } = convertMessage({ message: { notification: { title: 'T' } } });
    expect(notes.find((n) => n.code === 'navigate-missing')?.reason).toMatch(/fcm_options.*link/);
    expect(lintValue(message).findings.map((f) => f.code)).toContain('navigate-missing');
  });
});

describe('convertMessage: a site\'s own shape (legacy) with a member map', () => {
  const input = { headline: 'Hi', text: 'There', url: 'https://shop.example/x', image: { src: 'https://shop.example/i.png' }, tag: 't', campaign: 'c1' };

  it('reads each mapped member from its dot path and unmapped ones from the same name; drops the rest with a note', () => {
    const result = convertMessage(input, { from: 'legacy', map: { navigate: 'url', title: 'headline', body: 'text', icon: 'image.src' } });
    expect(result.message).toEqual({ web_push: 8030, notification: { title: 'Hi', navigate: 'https://shop.example/x', body: 'There', tag: 't', icon: 'https://shop.example/i.png' } });
    expect(paths(result.notes, 'dropped')).toEqual(['campaign']);
    expect(lintValue(result.message).valid).toBe(true);
  });

  it('without a navigate mapping, says which member likely holds the URL', () => {
    const { notes } = convertMessage({ title: 'Hi', link: 'https://shop.example/' }, { from: 'legacy' });
    expect(notes.find((n) => n.code === 'navigate-missing')?.reason).toContain('--map navigate=link');
  });

  it('auto reads a payload with no marker as legacy, and any map as legacy', () => {
    expect(convertMessage({ title: 'Hi', navigate: 'https://shop.example/' }).from).toBe('legacy');
    expect(convertMessage({ web_push: 1, t: 'x' }, { map: { title: 't' } }).from).toBe('legacy');
  });
});

describe('convertMessage: the standard and the 2023 explainer', () => {
  it('converts an explainer message and passes a standard one through, both in the portable form', () => {
    const explainer = { title: 'Hi', default_action_url: 'https://shop.example/', app_badge: '2', options: { body: 'b' } };
    expect(convertMessage(explainer)).toMatchObject({
      from: 'explainer',
      message: { web_push: 8030, app_badge: 2, notification: { title: 'Hi', body: 'b', navigate: 'https://shop.example/', app_badge: 2 } },
    });
    const standard = { web_push: 8030, mutable: true, notification: { title: 'Hi', navigate: 'https://shop.example/' } };
    expect(convertMessage(standard)).toMatchObject({ from: 'standard', message: { ...standard, notification: { ...standard.notification, mutable: true } } });
  });
});
