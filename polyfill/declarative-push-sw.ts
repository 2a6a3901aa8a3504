import { parseDeclarativePushMessage } from '../src/parse-declarative-push-message.js';
import { installPolyfill } from './install-polyfill.js';
import type { DeclarativePushOptions } from './options.js';

declare let self: ServiceWorkerGlobalScope & { declarativePushOptions?: DeclarativePushOptions };

// The classic-script entry: `importScripts('/declarative-push-sw.js')` as the service worker's
// first line. Options, if any, are set on `self.declarativePushOptions` before that line.
// Standard messages only: the explainer parser is ~0.8 KB gzip most sites never use
// (spec-notes.md#size); declarative-push-sw-explainer.js has it.
if (self.declarativePushOptions?.explainer === true) {
  console.warn('declarative-push-sw.js shows standard messages only: for explainer: true, load declarative-push-sw-explainer.js');
}
installPolyfill(parseDeclarativePushMessage, self.declarativePushOptions);
