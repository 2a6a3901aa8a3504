// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import * as core from '../../polyfill/page/editor.js';
import { renderOldWorkerView } from '../../server/public/old-worker-view.js';
import { renderPreview } from '../../server/public/preview.js';
import { lintPayload } from '../../src/lint-message.js';
import { parsePushPayload } from '../../src/parse-push-payload.js';

const MESSAGE = JSON.stringify({ web_push: 8030, notification: { title: 'Shipped', navigate: 'https://shop.example/orders/1' } });

function render(messageText: string, legacyText: string) {
  document.body.innerHTML = '<pre id="old-worker"></pre>';
  const container = document.getElementById('old-worker')!;
  const legacy = renderOldWorkerView(container, { messageText, legacyText, core });
  return { legacy, text: container.textContent!, tone: container.dataset.tone };
}

describe('demo page: what a service worker without the polyfill receives', () => {
  it('shows the hybrid payload the server would send, with its size, and returns the legacy fields to send', () => {
    const { legacy, text, tone } = render(MESSAGE, '{"title": "Example Shop", "body": "Your order has shipped", "url": "https://shop.example/orders/1"}');
    expect(legacy).toEqual({ title: 'Example Shop', body: 'Your order has shipped', url: 'https://shop.example/orders/1' });
    const payload = JSON.parse(text.slice(0, text.indexOf('\n\n')));
    expect(payload).toEqual({ ...JSON.parse(MESSAGE), ...legacy });
    expect(text).toContain(`${JSON.stringify(payload).length} of 3993 bytes`);
    expect(tone).toBe('ok');
  });

  it('says when there are no legacy fields, and refuses ones the server would refuse', () => {
    expect(render(MESSAGE, '  ')).toMatchObject({ legacy: undefined, tone: 'info' });
    expect(render(MESSAGE, '{"title": ')).toMatchObject({ legacy: null, tone: 'error' });
    const reserved = render(MESSAGE, '{"web_push": 1}');
    expect(reserved).toMatchObject({ legacy: null, tone: 'error' });
    expect(reserved.text).toContain('must not set `web_push`');
  });

  it('marks a payload over one push record as an error', () => {
    expect(render(MESSAGE, JSON.stringify({ body: 'x'.repeat(4000) })).tone).toBe('error');
  });
});

describe('demo page: the preview and the linter give a legacy payload the same code', () => {
  it.each([
    '{"title": "Example Shop", "body": "Your order has shipped", "url": "/orders/1"}',
    '{"notification": {"title": "Hi", "navigate": "https://shop.example/"}}',
  ])('%s', (payload) => {
    document.body.innerHTML = '<div id="preview"></div>';
    const container = document.getElementById('preview')!;
    renderPreview(container, parsePushPayload(payload, { baseURL: 'https://shop.example/' }));
    const lintCodes = lintPayload(payload).findings.filter((f) => f.severity === 'error').map((f) => f.code);
    expect(lintCodes).toEqual(['not-declarative']);
    expect(container.querySelector('.preview-facts')!.textContent).toBe('Why: not-declarative');
  });
});
