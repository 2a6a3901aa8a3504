// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { renderProgress, watchBroadcast } from '../../server/public/progress.js';

function job(status: string, sent: number, pending: number, extra: Partial<Record<'failed' | 'gone', number>> = {}) {
  return { id: 'n7', status, total: sent + pending + (extra.failed ?? 0) + (extra.gone ?? 0), sent, failed: 0, gone: 0, pending, ...extra };
}

describe('broadcast progress', () => {
  it('polls until the job is done, reporting every answer, sleeping between polls', async () => {
    const answers = [job('queued', 0, 4), job('running', 2, 2), job('done', 3, 0, { gone: 1 })];
    const status = vi.fn(async () => answers.shift()!);
    const onUpdate = vi.fn();
    const sleep = vi.fn(async () => {});
    const final = await watchBroadcast({ id: 'n7', status, onUpdate, interval: 250, sleep });
    expect(final).toMatchObject({ status: 'done', sent: 3, gone: 1 });
    expect(status.mock.calls).toEqual([['n7'], ['n7'], ['n7']]);
    expect(onUpdate.mock.calls.map(([j]) => j.status)).toEqual(['queued', 'running', 'done']);
    expect(sleep.mock.calls).toEqual([[250], [250]]);
  });

  it('stops at a failed job', async () => {
    const status = vi.fn(async () => job('failed', 0, 0, { failed: 2 }));
    expect(await watchBroadcast({ id: 'n7', status, onUpdate: () => {}, sleep: async () => {} })).toMatchObject({ status: 'failed' });
    expect(status).toHaveBeenCalledTimes(1);
  });

  it('stops when the broadcast is cancelled or expired', async () => {
    for (const final of ['cancelled', 'expired']) {
      const answers = [job('running', 1, 3), job(final, 1, 0)];
      const status = vi.fn(async () => answers.shift()!);
      expect(await watchBroadcast({ id: 'n7', status, onUpdate: () => {}, sleep: async () => {} })).toMatchObject({ status: final });
      expect(status).toHaveBeenCalledTimes(2);
    }
  });

  it('gives up after maxPolls answers, returning the last one', async () => {
    const status = vi.fn(async () => job('running', 1, 5));
    const sleep = vi.fn(async () => {});
    expect(await watchBroadcast({ id: 'n7', status, onUpdate: () => {}, maxPolls: 4, sleep })).toMatchObject({ status: 'running' });
    expect(status).toHaveBeenCalledTimes(4);
    expect(sleep).toHaveBeenCalledTimes(3);
  });

  it('renders the status line, a stacked bar of the outcomes and the counts', () => {
    document.body.innerHTML = '<div id="p"></div>';
    const container = document.getElementById('p')!;
    renderProgress(container, job('running', 5, 3, { failed: 1, gone: 1 }));
    expect(container.querySelector('.job-status')!.textContent).toBe('Notification n7: running, 7 of 10 handled');
    const bar = container.querySelector('.bar')!;
    expect(bar.getAttribute('aria-label')).toBe('Deliveries: 5 sent, 1 failed, 1 gone, 3 pending');
    expect([...bar.querySelectorAll<HTMLElement>('.bar-part')].map((p) => [p.className, p.style.flexGrow])).toEqual([
      ['bar-part bar-part--sent', '5'], ['bar-part bar-part--failed', '1'], ['bar-part bar-part--gone', '1'], ['bar-part bar-part--pending', '3'],
    ]);
    expect([...container.querySelectorAll('.count')].map((c) => c.textContent)).toEqual(['5 sent', '1 failed', '1 gone', '3 pending']);
    expect(container.querySelector('.count--failed')!.classList.contains('is-nonzero')).toBe(true);
  });

  it('shortens dwpush serve’s UUID ids to their first 8 digits, keeping the whole id as the tooltip', () => {
    document.body.innerHTML = '<div id="p"></div>';
    const container = document.getElementById('p')!;
    const id = 'b13c50e1-82c9-48e7-a77d-e5bb60c8ac85';
    renderProgress(container, { ...job('done', 1, 0), id });
    expect(container.querySelector('.job-status')!.textContent).toBe('Notification b13c50e1: done, 1 of 1 handled');
    expect(container.querySelector<HTMLElement>('.job-id')!.title).toBe(id);
  });

  it('a broadcast that reached nobody says so, with an empty bar and no failure marked', () => {
    document.body.innerHTML = '<div id="p"></div>';
    const container = document.getElementById('p')!;
    renderProgress(container, job('done', 0, 0));
    expect(container.querySelector('.job-status')!.textContent).toBe('Notification n7: done, nobody was in its audience');
    expect(container.querySelectorAll('.bar-part')).toHaveLength(0);
    expect(container.querySelectorAll('.is-nonzero')).toHaveLength(0);
  });
});
