/**
 * `declarative-web-push/server` (Node): send declarative messages, build the push request without
 * sending it, fan one message out without a database, start the push server, or mint grants for
 * the server's subscribers offline (a site's login does). What is exported
 * here is a promise to users (README.md#install); the store, the engine and the HTTP routes' pieces
 * stay inside. Only `startServer` needs the optional peer better-sqlite3, and loads it when called.
 */
export { sendNotification, buildNotificationRequest, type RequestOptions, type SendOptions, type SendResult } from './send-notification.js';
export type { PushRequest, PushRequestOptions, PushSubscriptionJSON, Urgency } from './push-request.js';
export { sendToMany, type SendToManyOptions } from './send-to-many.js';
export type { Attempt, DeliveryDeps } from './attempt-delivery.js';
export { preparePayload } from './prepare-payload.js';
export { createRequestBuilder, type BuildContext, type RequestBuilder } from './request-builder.js';
export { createPushConnections, type PushConnectionOptions, type PushConnections } from './push-connections.js';
export { createVapidAuthorizer, type VapidAuthorizer, type VapidDetails } from './vapid-authorization.js';
export { generateVapidKeys, type VapidKeys } from './vapid-keys.js';
export { createPushOriginGuard, type PushOriginGuard } from './push-origin-guard.js';
export { startServer, type RunningServer, type ServerConfig } from './start-server.js';
export { mintGrant, verifyGrant, DEFAULT_GRANT_TTL, MAX_GRANT_TTL, type GrantClaims, type GrantRequest } from './grant.js';
export { readGrantSecret } from './grant-secret.js';
export { PushError, isPushError, type PushErrorCode } from './push-error.js';
