// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { audienceSize, renderAudience, zeroAudienceHint } from '../../server/public/audience.js';

const counts = { total: 7, users: 2, channels: [{ channel: 'news', subscribers: 5 }, { channel: 'empty', subscribers: 0 }, { channel: 'sport', subscribers: 2 }] };

describe('audiences at a glance', () => {
  it('counts who a broadcast reaches: everyone, or one channel', () => {
    expect(audienceSize(counts, '')).toBe(7);
    expect(audienceSize(counts, 'sport')).toBe(2);
    expect(audienceSize(counts, 'nobody-here')).toBe(0);
  });

  it('renders the total, the signed-in users and the channels, largest first', () => {
    document.body.innerHTML = '<p id="a"></p>';
    const node = document.getElementById('a')!;
    renderAudience(node, counts);
    expect([...node.children].map((c) => c.textContent)).toEqual(['7 subscribers in all', '2 signed-in users', 'news 5', 'sport 2', 'empty 0']);
  });

  it('shows at most 12 channels and says how many more there are', () => {
    document.body.innerHTML = '<p id="a"></p>';
    const node = document.getElementById('a')!;
    const many = Array.from({ length: 15 }, (_, i) => ({ channel: `c${i}`, subscribers: i }));
    renderAudience(node, { total: 100, users: 0, channels: many });
    expect(node.querySelectorAll('.channel-count')).toHaveLength(12);
    expect(node.lastElementChild!.textContent).toBe('and 3 more channels');
  });

  it('explains a broadcast to nobody before it is sent, and stays quiet otherwise', () => {
    expect(zeroAudienceHint(counts, 'news')).toBeNull();
    expect(zeroAudienceHint(counts, '')).toBeNull();
    expect(zeroAudienceHint(counts, 'empty')).toBe('Nobody is in channel “empty”: this broadcast would reach nobody. Channels with subscribers: news, sport. Empty the field to reach all 7.');
    expect(zeroAudienceHint({ total: 0, users: 0, channels: [] }, '')).toMatch(/^No browser has subscribed yet: a broadcast now would reach nobody/);
    expect(zeroAudienceHint({ total: 0, users: 0, channels: [] }, 'news')).toBe('Nobody is in channel “news”: this broadcast would reach nobody.');
  });
});
