// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { parsePushPayload } from '../../src/parse-push-payload.js';
import { renderPreview } from '../../server/public/preview.js';
import { exampleMessage } from '../../server/public/examples.js';

const ORIGIN = 'https://shop.example';

function preview(text: string, maxActions = 2) {
  document.body.innerHTML = '<div id="preview"></div>';
  const container = document.getElementById('preview')!;
  renderPreview(container, parsePushPayload(text, { baseURL: `${ORIGIN}/`, maxActions }));
  return container;
}

const rows = (container: HTMLElement) =>
  [...container.querySelectorAll('.click-targets tr')].map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent]);

describe('notification preview', () => {
  it('shows the standard example’s title, body, icon and actions, and where each click goes', () => {
    const container = preview(exampleMessage('standard', ORIGIN));
    expect(container.querySelector('.notification-title')!.textContent).toBe('Your order has shipped');
    expect(container.querySelector('.notification-body')!.textContent).toBe('Parcel 4417 left the warehouse this morning and arrives on Thursday.');
    expect(container.querySelector('img.notification-icon')!.getAttribute('src')).toBe(`${ORIGIN}/icon.svg`);
    expect(container.querySelector('.notification-origin')!.textContent).toBe('shop.example');
    expect([...container.querySelectorAll('.notification-action')].map((a) => a.textContent)).toEqual(['Track parcel', 'Get help']);
    expect(rows(container)).toEqual([
      ['Notification body', `${ORIGIN}/orders/4417`],
      ['Action “Track parcel”', `${ORIGIN}/orders/4417/tracking`],
      ['Action “Get help”', `${ORIGIN}/help`],
    ]);
    expect(container.querySelector<HTMLAnchorElement>('.click-targets a')!.href).toBe(`${ORIGIN}/orders/4417`);
  });

  it('resolves relative URLs against the scope and keeps only maxActions actions, as the polyfill would', () => {
    const message = {
      web_push: 8030,
      notification: {
        title: 'Hi',
        navigate: '/inbox',
        actions: [1, 2, 3].map((n) => ({ action: `a${n}`, title: `Action ${n}`, navigate: `/a/${n}` })),
      },
      mutable: true,
    };
    const container = preview(JSON.stringify(message), 2);
    expect(rows(container)).toEqual([
      ['Notification body', `${ORIGIN}/inbox`],
      ['Action “Action 1”', `${ORIGIN}/a/1`],
      ['Action “Action 2”', `${ORIGIN}/a/2`],
    ]);
    expect(container.querySelector('.notification-icon')!.textContent).toBe('H'); // no icon: the title's initial
    expect(container.querySelector('.preview-facts')!.textContent).toMatch(/^mutable/);
  });

  it('a script URL is shown as code, not as a link', () => {
    const container = preview(JSON.stringify({ web_push: 8030, notification: { title: 'x', navigate: 'javascript:alert(1)' } }));
    expect(container.querySelector('.click-targets a')).toBeNull();
    expect(container.querySelector('.click-targets code')!.textContent).toBe('javascript:alert(1)');
  });

  it('a message that is not declarative is described as a legacy push, with the parser’s reason', () => {
    const container = preview('{"web_push": 8030, "notification": {"title": 42, "navigate": "/"}}');
    expect(container.querySelector('.notification')).toBeNull();
    expect(container.querySelector('.preview-empty')!.textContent).toMatch(/^Not a declarative message.*dwpush serve refuses to send it\.$/);
    expect(container.querySelector('.preview-facts')!.textContent).toBe('Why: title-not-a-string at /notification/title');
  });

  it('title and body are text, never HTML', () => {
    const container = preview(JSON.stringify({ web_push: 8030, notification: { title: '<b>bold</b>', body: '<img src=x>', navigate: '/' } }));
    expect(container.querySelector('b, .notification-body img')).toBeNull();
    expect(container.querySelector('.notification-title')!.textContent).toBe('<b>bold</b>');
  });
});
