export * from './constants.js';
export type * from './declarative-message.js';
export * from './finding.js';
export { decodePayload, type Decoded } from './decode-payload.js';
export { parseDeclarativePushMessage, readDeclarativePushMessage, type ParseOptions, type ParseResult } from './parse-declarative-push-message.js';
export { parseExplainerMessage, readExplainerMessage } from './parse-explainer-message.js';
export { parsePushPayload, detectFormat, type MessageFormat, type PayloadOptions } from './parse-push-payload.js';
export { explainerToStandard } from './explainer-to-standard.js';
export { parseURL } from './parse-url.js';
