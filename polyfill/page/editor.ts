/**
 * What a message editor needs, built to `dwp-editor.js` (an ES module) apart from the page helper:
 * where a finding's JSON Pointer is in the text, and what the browser would show (the polyfill's parser).
 */
export { locatePointer, type TextPosition } from './locate-pointer.js';
export { parsePushPayload } from '../../src/parse-push-payload.js';
export { toPortableMessage } from '../../src/to-portable-message.js';
export { hybridPayload, legacyFieldsProblem } from '../../src/hybrid-payload.js';
