// Example messages for the editor, one per shape a site meets: built on the page's origin, so every
// URL in them is absolute and same-origin (what the portable profile asks for).

/** The examples in the order the page lists them; `standard` is the editor's first message. */
export const EXAMPLES = [
  { name: 'standard', label: 'Standard' },
  { name: 'mutable', label: 'Mutable (the worker may rewrite it)' },
  { name: 'explainer', label: 'Explainer (WebKit 2023)' },
  { name: 'hybrid', label: 'Hybrid (with legacy fields for old workers)' },
];

const BUILD = {
  standard: (origin) => ({
    web_push: 8030,
    notification: {
      title: 'Your order has shipped',
      body: 'Parcel 4417 left the warehouse this morning and arrives on Thursday.',
      navigate: `${origin}/orders/4417`,
      icon: `${origin}/icon.svg`,
      lang: 'en',
      tag: 'order-4417',
      actions: [
        { action: 'track', title: 'Track parcel', navigate: `${origin}/orders/4417/tracking` },
        { action: 'help', title: 'Get help', navigate: `${origin}/help` },
      ],
    },
  }),
  // `mutable` and `app_badge` at top level and in `notification`: Safari 18.x reads them inside (spec-notes.md#mutable-location).
  mutable: (origin) => ({
    web_push: 8030,
    notification: {
      title: '3 new messages in #launch',
      body: 'Grace: the build is green, shipping at 14:00',
      navigate: `${origin}/channels/launch`,
      tag: 'channel-launch',
      renotify: true,
      data: { channel: 'launch', unread: 3 },
      mutable: true,
      app_badge: 3,
    },
    mutable: true,
    app_badge: 3,
  }),
  explainer: (origin) => ({
    title: 'Your order shipped',
    options: {
      body: 'Track it on the carrier’s site',
      lang: 'en',
      tag: 'order-5521',
      actions: [{ action: 'track', title: 'Track', url: `${origin}/orders/5521/track` }],
    },
    default_action_url: `${origin}/orders/5521`,
    app_badge: 1,
  }),
  // The declarative message; its legacy fields (below) travel beside it, for old workers.
  hybrid: (origin) => ({
    web_push: 8030,
    notification: {
      title: 'Alice replied to you',
      body: '“Sounds good, see you at 10.”',
      navigate: `${origin}/threads/77`,
    },
  }),
};

/** What a service worker without the polyfill reads, sent as `legacy` beside the hybrid example (spec-notes.md#hybrid-payloads). */
const LEGACY = {
  hybrid: (origin) => ({ title: 'Alice replied to you', body: '“Sounds good, see you at 10.”', url: `${origin}/threads/77` }),
};

const pretty = (value) => `${JSON.stringify(value, null, 2)}\n`;

/** The example's message as the editor shows it (pretty-printed, ending in a newline). */
export function exampleMessage(name, origin) {
  const build = BUILD[name];
  if (!build) throw new Error(`no example named "${name}"`);
  return pretty(build(origin));
}

/** The example's legacy fields as text, or "" when it has none. */
export function exampleLegacyFields(name, origin) {
  return LEGACY[name] ? pretty(LEGACY[name](origin)) : '';
}
