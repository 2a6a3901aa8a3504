// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { liveHistory } from '../../server/public/history.js';
import { describeFailure, describeTarget, renderHistory } from '../../server/public/history-view.js';

const ID = 'b13c50e1-82c9-48e7-a77d-e5bb60c8ac85';
const view = (over: Record<string, unknown> = {}) => ({
  id: ID, status: 'running', total: 10, sent: 5, failed: 1, gone: 1, unsent: 0, pending: 3, ttl: 86400,
  target: 'everyone', createdAt: '2026-11-30T06:00:00.000Z', title: 'Your order has shipped', ...over,
});

function list() {
  document.body.innerHTML = '<ol id="h"></ol>';
  return document.getElementById('h')!;
}

describe('broadcast history entries', () => {
  it('show the title, status in words, target, times, the outcome bar and counts, and Cancel while under way', () => {
    const onCancel = vi.fn();
    const h = list();
    renderHistory(h, [view({ finishedAt: undefined })], { onCancel });
    const entry = h.querySelector('.broadcast')!;
    expect(entry.querySelector('.broadcast-title')!.textContent).toBe('Your order has shipped');
    expect(entry.querySelector('.badge')!.textContent).toBe('▶ running');
    expect(entry.querySelector('.broadcast-facts')!.textContent).toMatch(/^to everyone · created .+ · id b13c50e1$/);
    expect(entry.querySelector('time')!.getAttribute('datetime')).toBe('2026-11-30T06:00:00.000Z');
    expect(entry.querySelector('.bar')!.getAttribute('aria-label')).toBe('Deliveries: 5 sent, 1 failed, 1 gone, 3 pending');
    const cancel = entry.querySelector<HTMLButtonElement>('button.cancel')!;
    expect(cancel.getAttribute('aria-label')).toBe('Cancel broadcast “Your order has shipped”');
    cancel.click();
    expect(onCancel).toHaveBeenCalledWith(expect.objectContaining({ id: ID }));
  });

  it('a finished one has no Cancel, shows when it finished, unsent deliveries once stopped, and its failures’ last reasons', () => {
    const h = list();
    const failures = [{ status: 403, code: 'vapid-rejected', count: 2 }, { status: null, code: 'timeout', count: 1 }];
    renderHistory(h, [view({ status: 'cancelled', sent: 4, failed: 3, gone: 0, unsent: 3, pending: 0, finishedAt: '2026-11-30T06:01:00.000Z', failures })], { onCancel: () => {} });
    expect(h.querySelector('button')).toBeNull();
    expect(h.querySelector('.broadcast-facts')!.textContent).toContain(' · finished ');
    expect(h.querySelector('.bar')!.getAttribute('aria-label')).toBe('Deliveries: 4 sent, 3 failed, 0 gone, 3 unsent, 0 pending');
    expect(h.querySelector('.failures')!.textContent).toBe('Failed deliveries’ last reason: 403 vapid-rejected × 2, no answer timeout × 1');
  });

  it('splits the deliveries per push service (FCM, Mozilla, Apple, WNS, other), origins of one service summed', () => {
    const h = list();
    const state = (sent: number, failed: number, pending: number) => ({ pending, sent, failed, gone: 0, unsent: 0 });
    renderHistory(h, [view({
      pushServices: {
        'https://updates.push.services.mozilla.com': state(2, 0, 1),
        'https://fcm.googleapis.com': state(3, 0, 0),
        'https://web.push.apple.com': state(0, 4, 0),
        'https://wns2-by3p.notify.windows.com': state(1, 0, 0),
        'https://wns2-db5p.notify.windows.com': state(1, 0, 2),
        'http://127.0.0.1:4000': state(0, 0, 1),
      },
    })], { onCancel: () => {} });
    const rows = [...h.querySelectorAll('.service-chart tr')].map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('.service-counts')!.textContent]);
    expect(rows).toEqual([
      ['FCM', '3 sent, 0 failed, 0 gone, 0 pending'],
      ['Mozilla', '2 sent, 0 failed, 0 gone, 1 pending'],
      ['Apple', '0 sent, 4 failed, 0 gone, 0 pending'],
      ['WNS', '2 sent, 0 failed, 0 gone, 2 pending'],
      ['other', '0 sent, 0 failed, 0 gone, 1 pending'],
    ]);
    expect(h.querySelectorAll('.service-chart .bar')).toHaveLength(5);
  });

  it('a finished broadcast that had nobody to reach says so instead of an empty chart', () => {
    const h = list();
    renderHistory(h, [view({ status: 'done', total: 0, sent: 0, failed: 0, gone: 0, pending: 0 })], { onCancel: () => {} });
    expect(h.querySelector('.bar')).toBeNull();
    expect(h.querySelector('.hint')!.textContent).toMatch(/^Nobody was in its audience/);
  });

  it('a Cancel button that had the focus keeps it when the list is redrawn', () => {
    const h = list();
    renderHistory(h, [view()], { onCancel: () => {} });
    h.querySelector<HTMLButtonElement>('button.cancel')!.focus();
    renderHistory(h, [view({ sent: 6, pending: 2 })], { onCancel: () => {} });
    expect(document.activeElement).toBe(h.querySelector('button.cancel'));
    expect(h.querySelector('.bar')!.getAttribute('aria-label')).toContain('6 sent');
  });

  it('targets and failure reasons in words', () => {
    expect(describeTarget('everyone')).toBe('everyone');
    expect(describeTarget({ users: [], channels: ['news'] })).toBe('channel news');
    expect(describeTarget({ users: ['alice', 'bob'], channels: ['news', 'sport'] })).toBe('users alice, bob and channels news, sport');
    expect(describeFailure({ status: 500, code: null, count: 7 })).toBe('500 × 7');
  });
});

describe('the live history', () => {
  function server(pages: Record<string, unknown>[][], details: Record<string, Record<string, unknown>[]>) {
    return {
      fetchPage: vi.fn(async ({ before }: { limit: number; before?: string }) => {
        const page = pages[before ? 1 : 0]!;
        return { notifications: page, ...(before || pages.length === 1 ? {} : { next: page.at(-1)!.id }) };
      }),
      fetchDetail: vi.fn(async (id: string) => (details[id]!.length > 1 ? details[id]!.shift() : details[id]![0])!),
    };
  }

  it('fetches each finished broadcast’s details once and an unfinished one’s on every refresh, newest first', async () => {
    const a = view({ id: 'a', status: 'running', createdAt: '2026-11-30T06:02:00Z' });
    const b = view({ id: 'b', status: 'done', pending: 0, sent: 8, createdAt: '2026-11-30T06:01:00Z' });
    const api = server([[a, b]], { a: [{ ...a, sent: 6, pending: 2 }, { ...a, status: 'done', sent: 8, pending: 0 }], b: [{ ...b, pushServices: {} }] });
    const render = vi.fn();
    const history = liveHistory({ ...api, render, onError: () => {}, liveInterval: 60_000 });
    await history.start();
    history.stop();
    expect(render.mock.calls[0]![0].map((x: { id: string; sent: number }) => [x.id, x.sent])).toEqual([['a', 6], ['b', 8]]);
    await history.refresh();
    await history.refresh();
    // The (fixed) list still says `a` is running, so it is asked on each of the 3 refreshes; `b` once.
    expect(api.fetchDetail.mock.calls.map(([id]) => id)).toEqual(['a', 'b', 'a', 'a']);
    expect(render.mock.calls.at(-1)![0][0]).toMatchObject({ id: 'a', status: 'done' });
  });

  it('keeps asking about a broadcast cancelled just now: deliveries on their way still finish and count', async () => {
    const now = new Date().toISOString();
    const c = view({ id: 'c', status: 'cancelled', finishedAt: now, sent: 1, unsent: 2, pending: 1 });
    const api = server([[c]], { c: [c, { ...c, sent: 2, pending: 0 }] });
    const render = vi.fn();
    const history = liveHistory({ ...api, render, onError: () => {} });
    await history.start();
    history.stop();
    await history.refresh();
    expect(api.fetchDetail).toHaveBeenCalledTimes(2);
    expect(render.mock.calls.at(-1)![0][0]).toMatchObject({ sent: 2, pending: 0 });
  });

  it('shows older pages after the newest, and says when there are none left', async () => {
    const newer = [view({ id: 'n1', status: 'done', createdAt: '2026-11-30T06:02:00Z' })];
    const older = [view({ id: 'o1', status: 'done', createdAt: '2026-11-30T05:00:00Z' })];
    const api = server([newer, older], { n1: [newer[0]!], o1: [older[0]!] });
    const render = vi.fn();
    const history = liveHistory({ ...api, render, onError: () => {} });
    await history.start();
    history.stop();
    expect(render.mock.calls[0]![1]).toEqual({ more: true });
    await history.showOlder();
    expect(api.fetchPage).toHaveBeenLastCalledWith({ limit: 20, before: 'n1' });
    expect(render.mock.calls.at(-1)![0].map((x: { id: string }) => x.id)).toEqual(['n1', 'o1']);
    expect(render.mock.calls.at(-1)![1]).toEqual({ more: false });
  });

  it('a refused token is reported and stops the refreshes', async () => {
    const onError = vi.fn();
    const refused = Object.assign(new Error('refused'), { status: 401 });
    const fetchPage = vi.fn(async () => { throw refused; });
    const history = liveHistory({ fetchPage, fetchDetail: vi.fn(), render: vi.fn(), onError, idleInterval: 1 });
    await history.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(onError).toHaveBeenCalledWith(refused);
    expect(fetchPage).toHaveBeenCalledTimes(1);
  });
});
