import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';

export interface StaticDirs {
  /** The demo page and its assets, served at `/`. */
  publicDir?: string;
  /** The built polyfill (`dist/polyfill`): its service worker and page script are served at the root. */
  polyfillDir?: string;
}

/** Built polyfill files served at the origin's root, so the worker's scope can be `/`. */
const POLYFILL_FILES = ['declarative-push-sw.js', 'declarative-push-sw-explainer.js', 'dwp-page.js', 'dwp-editor.js'];

/**
 * Static files for the demo page. serveStatic refuses `..`, backslashes and encoded separators, and
 * answers nothing for a missing file (our 404 follows).
 */
export function mountStaticFiles(app: Hono, { publicDir, polyfillDir }: StaticDirs): void {
  if (polyfillDir) {
    for (const file of POLYFILL_FILES) {
      app.get(`/${file}`, async (c, next) => {
        c.header('Service-Worker-Allowed', '/');
        c.header('Cache-Control', 'no-cache');
        await next();
      }, serveStatic({ path: join(polyfillDir, file) }));
    }
  }
  // A missing directory serves nothing (404), without serveStatic's console warning.
  if (publicDir && existsSync(publicDir)) app.get('/*', serveStatic({ root: publicDir }));
}
