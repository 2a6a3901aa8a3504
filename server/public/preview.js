// The preview: what the browser (or the polyfill) would show for the editor's message, and where
// each click goes. It reads the message with the same parser the polyfill uses.
import { el } from './dom.js';

/**
 * Renders `parsePushPayload`'s result. A message that is not declarative is shown as what it is:
 * a legacy push, handed to the site's own service worker (here: sw.js shows its text).
 */
export function renderPreview(container, result) {
  if (!result.declarative) {
    container.replaceChildren(
      el('p', { className: 'preview-empty' }, [
        el('strong', {}, 'Not a declarative message. '),
        'Browsers hand it to the service worker’s push handler (this demo’s sw.js shows it as plain text); dwpush serve refuses to send it.',
      ]),
      el('p', { className: 'preview-facts' }, `Why: ${result.findings.map(asLinted).map((f) => `${f.code}${f.path ? ` at ${f.path}` : ''}`).join(', ')}`),
    );
    return;
  }
  const { title, options } = result.message.notification;
  const actions = options.actions ?? [];
  const card = el('article', { className: 'notification', 'aria-label': 'Notification preview' }, [
    icon(options.icon, title),
    el('div', { className: 'notification-text' }, [
      el('p', { className: 'notification-origin' }, originOf(options.navigate)),
      el('h3', { className: 'notification-title' }, title || '(empty title)'),
      options.body ? el('p', { className: 'notification-body' }, options.body) : [],
    ]),
  ]);
  if (actions.length) {
    card.append(el('div', { className: 'notification-actions' }, actions.map((a) => el('span', { className: 'notification-action' }, a.title))));
  }
  const clicks = el('table', { className: 'click-targets' }, [
    el('caption', {}, 'Where each click goes'),
    el('tbody', {}, [
      clickRow('Notification body', options.navigate),
      ...actions.map((a) => clickRow(`Action “${a.title}”`, a.navigate)),
    ]),
  ]);
  const facts = [
    result.message.mutable ? 'mutable: the service worker may replace it' : 'not mutable',
    options.tag ? `tag “${options.tag}”` : null,
    result.message.app_badge !== null ? `app badge ${result.message.app_badge}` : null,
  ].filter(Boolean);
  container.replaceChildren(card, clicks, el('p', { className: 'preview-facts' }, facts.join(' · ')));
}

/**
 * The parser knows one format and says `web-push-missing`; the linter, which looks for either
 * format's marker, calls a payload with neither `not-declarative`. The page shows lint's code, so a
 * legacy payload gets one name on it (spec-notes.md#format-detection).
 */
function asLinted(f) {
  return f.code === 'web-push-missing' ? { code: 'not-declarative', path: '' } : f;
}

function icon(url, title) {
  const fallback = el('span', { className: 'notification-icon is-fallback', 'aria-hidden': 'true' }, (title.trim()[0] ?? '?').toUpperCase());
  if (!url) return fallback;
  const img = el('img', { className: 'notification-icon', src: url, alt: '', width: 48, height: 48 });
  img.addEventListener('error', () => img.replaceWith(fallback));
  return img;
}

function clickRow(label, url) {
  const safe = /^https?:/i.test(url);
  return el('tr', {}, [
    el('th', { scope: 'row' }, label),
    el('td', {}, safe ? el('a', { href: url, target: '_blank', rel: 'noopener' }, url) : el('code', {}, url)),
  ]);
}

function originOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
