// Builds the service-worker polyfill: dependency-free classic scripts for importScripts()
// (served by `dwpush serve` at /declarative-push-sw.js, standard messages only, and
// /declarative-push-sw-explainer.js) and an ES module for bundlers.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const common = { absWorkingDir: root, bundle: true, minify: true, target: 'es2022', platform: 'browser', legalComments: 'none', logLevel: 'warning' };

await build({ ...common, entryPoints: ['polyfill/declarative-push-sw.ts'], format: 'iife', outfile: 'dist/polyfill/declarative-push-sw.js' });
// The same with the 2023 explainer parser, for `explainer: true` (/declarative-push-sw-explainer.js).
await build({ ...common, entryPoints: ['polyfill/declarative-push-sw-explainer.ts'], format: 'iife', outfile: 'dist/polyfill/declarative-push-sw-explainer.js' });
await build({ ...common, entryPoints: ['polyfill/install-declarative-push.ts'], format: 'esm', outfile: 'dist/polyfill/install-declarative-push.js' });
// The page helper (subscribe/unsubscribe), one ES module served by `dwpush serve` at /dwp-page.js.
await build({ ...common, entryPoints: ['polyfill/page/index.ts'], format: 'esm', outfile: 'dist/polyfill/dwp-page.js' });
// What a message editor needs (JSON positions, the parser), for the demo page: /dwp-editor.js.
await build({ ...common, entryPoints: ['polyfill/page/editor.ts'], format: 'esm', outfile: 'dist/polyfill/dwp-editor.js' });
