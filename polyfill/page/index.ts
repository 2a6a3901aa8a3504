/**
 * The page helper, built to `dwp-page.js` (an ES module): subscribe and unsubscribe a browser. What a
 * message editor needs besides lives in `editor.ts` (`dwp-editor.js`), so a site pays only for this.
 */
export { subscribe, type SubscribeOptions, type SubscribeResult } from './subscribe.js';
export { unsubscribe, type UnsubscribeOptions } from './unsubscribe.js';
export { currentSubscription, type CurrentSubscription } from './current-subscription.js';
export { hasNativePush, type PushMode } from './push-support.js';
export { PageError, type PageErrorCode } from './page-errors.js';
export { callServer, serverURL, type ServerRequest } from './server-request.js';
