/**
 * The package root (`import ... from 'declarative-web-push'`): the zero-dependency core. What is
 * exported here is a promise to users (README.md#install); helpers the parser and linter share
 * (URL parsing, JSON Pointer building, browser limits) stay inside.
 */
export { WEB_PUSH_MAGIC, MAX_PLAINTEXT_BYTES, NOTIFICATION_JSON_MEDIA_TYPE } from './constants.js';
export type * from './declarative-message.js';
export type { Finding, FindingCode, Severity } from './finding.js';
export { parseDeclarativePushMessage, readDeclarativePushMessage, type ParseOptions, type ParseResult } from './parse-declarative-push-message.js';
export { parseExplainerMessage, readExplainerMessage } from './parse-explainer-message.js';
export { parsePushPayload, detectFormat, type MessageFormat, type PayloadOptions } from './parse-push-payload.js';
export { explainerToStandard } from './explainer-to-standard.js';
export { lintPayload, lintValue, DEFAULT_LINT_BASE_URL, type LintAs, type LintOptions, type LintProfile, type LintResult } from './lint-message.js';
export { describeFinding, type FindingDescription } from './describe-finding.js';
export { toPortableMessage, type PortableOptions } from './to-portable-message.js';
export { hybridPayload, legacyFieldsProblem } from './hybrid-payload.js';
export { convertMessage, type ConvertFrom, type ConvertOptions, type ConvertResult, type ConversionNote, type MemberMap, type HeaderOptions } from './convert-message.js';
