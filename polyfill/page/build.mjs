// Builds the page helper to dist/polyfill/dwp-page.js: one ES module, no dependencies, for
// `<script type="module">` and `import ... from '/dwp-page.js'` (served by `dwp serve`).
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const PAGE_OUTFILE = `${root}dist/polyfill/dwp-page.js`;

export async function buildPage(outfile = PAGE_OUTFILE) {
  await build({
    entryPoints: [`${root}polyfill/page/index.ts`],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await buildPage();
