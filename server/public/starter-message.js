/** The editor's first message: a complete standard message that uses every part the preview shows. */
export function starterMessage(origin) {
  const message = {
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
  };
  return `${JSON.stringify(message, null, 2)}\n`;
}
