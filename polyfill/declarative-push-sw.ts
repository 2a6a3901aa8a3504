import { installDeclarativePush, type DeclarativePushOptions } from './install-declarative-push.js';

declare let self: ServiceWorkerGlobalScope & { declarativePushOptions?: DeclarativePushOptions };

// The classic-script entry: `importScripts('/declarative-push-sw.js')` as the service worker's
// first line. Options, if any, are set on `self.declarativePushOptions` before that line.
installDeclarativePush(self.declarativePushOptions);
