import { installDeclarativePush, type DeclarativePushOptions } from './install-declarative-push.js';

declare let self: ServiceWorkerGlobalScope & { declarativePushOptions?: DeclarativePushOptions };

// The classic script with the 2023 explainer parser: `importScripts('/declarative-push-sw-explainer.js')`
// after `self.declarativePushOptions = { explainer: true }` (README.md#service-worker-polyfill).
installDeclarativePush(self.declarativePushOptions);
