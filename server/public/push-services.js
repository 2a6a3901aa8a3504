// Which push service a subscription's origin belongs to, by the hosts the server's SSRF guard knows
// (server/push-origin-guard.ts); anything else (a loopback test service, "unknown") is "other".

const SERVICES = [
  { name: 'FCM', matches: (host) => host === 'fcm.googleapis.com' },
  { name: 'Mozilla', matches: (host) => host.endsWith('.push.services.mozilla.com') },
  { name: 'Apple', matches: (host) => host.endsWith('.push.apple.com') },
  { name: 'WNS', matches: (host) => host.endsWith('.notify.windows.com') },
];
export const PUSH_SERVICE_NAMES = [...SERVICES.map((s) => s.name), 'other'];

export function pushServiceName(origin) {
  let host;
  try {
    host = new URL(origin).hostname;
  } catch {
    return 'other';
  }
  return SERVICES.find((s) => s.matches(host))?.name ?? 'other';
}

/**
 * A broadcast's `pushServices` (counts by origin and delivery state) summed per push service, in
 * the order FCM, Mozilla, Apple, WNS, other; services without deliveries are left out.
 */
export function countsByPushService(pushServices = {}) {
  const sums = new Map();
  for (const [origin, counts] of Object.entries(pushServices)) {
    const name = pushServiceName(origin);
    const sum = sums.get(name) ?? {};
    for (const [state, n] of Object.entries(counts)) sum[state] = (sum[state] ?? 0) + n;
    sums.set(name, sum);
  }
  return PUSH_SERVICE_NAMES.filter((name) => sums.has(name)).map((name) => ({ name, counts: sums.get(name) }));
}
