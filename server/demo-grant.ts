import { randomUUID } from 'node:crypto';
import type { Hono, MiddlewareHandler } from 'hono';
import { mintGrant } from './grant.js';

/**
 * `POST /api/demo/grant`, served with the demo page only, under the open routes' rate limit: a grant for a new random user
 * (`demo-<uuid>`), as a site's login would mint for its signed-in user. Open, since the demo has
 * no accounts; safe because the user is new and random: nobody else can receive what is sent to it,
 * and it names no channel (spec-notes.md#grants).
 */
export function mountDemoGrant(app: Hono, grantSecret: string, rateLimit: MiddlewareHandler): void {
  app.post('/api/demo/grant', rateLimit, (c) => {
    const user = `demo-${randomUUID()}`;
    return c.json({ user, ...mintGrant(grantSecret, { user }) }, 201);
  });
}
