/**
 * The page helper, built to `dwp-page.js` (an ES module): subscribe and unsubscribe a browser, plus the
 * two pieces a message editor needs (where a finding is in the text, and what would be shown).
 */
export { subscribe, type SubscribeOptions, type SubscribeResult } from './subscribe.js';
export { unsubscribe, type UnsubscribeOptions } from './unsubscribe.js';
export { currentSubscription, type CurrentSubscription } from './current-subscription.js';
export { hasNativePush, type PushMode } from './push-support.js';
export { PageError, type PageErrorCode } from './page-errors.js';
export { callServer, serverURL, type ServerRequest } from './server-request.js';
export { locatePointer, type TextPosition } from './locate-pointer.js';
export { parsePushPayload } from '../../src/parse-push-payload.js';
