// The demo's service worker: the polyfill first (one line), then the site's own legacy handler.
// The polyfill shows declarative messages and keeps them from this handler; everything else
// (here: plain-text pushes) still arrives below, untouched.
importScripts('/declarative-push-sw.js');

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  const text = event.data ? event.data.text() : '';
  event.waitUntil(
    self.registration.showNotification('Declarative Web Push demo', {
      body: text || '(an empty push)',
      icon: '/icon.svg',
      tag: 'legacy',
    }),
  );
});
