/**
 * The package as a user gets it: `npm pack`, install the tarball into an empty project, and use it
 * from outside (README.md#install). Spawns npm, node and attw because the package boundary (exports,
 * files, dependencies, the bin) is what it tests; `npm test` builds first, so the tarball is packed
 * from a fresh dist without running prepack again.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('fixtures', import.meta.url));
const NAME = 'declarative-web-push';

interface Run { code: number | null; stdout: string; stderr: string }

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk; });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk; });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function ok(command: string, args: string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string; dependencies: Record<string, string>; peerDependencies: Record<string, string>; exports: Record<string, string | Record<string, string>>;
};

let temp: string;
let tarball: string;
let packed: { files: { path: string }[]; size: number; unpackedSize: number; entryCount: number };
let project: string;
let installed: string;
let installMs: number;
/** arethetypeswrong reads the tarball alone: it runs while the install and the other checks do. */
let attw: Promise<Run>;

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'dwp-consumer-'));
  [packed] = JSON.parse(await ok('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', temp], ROOT)) as [typeof packed];
  tarball = join(temp, `${NAME}-${manifest.version}.tgz`);
  // The classic service-worker scripts are files to copy or serve, not modules with types.
  attw = run(process.execPath, [join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js'), tarball,
    '--profile', 'esm-only', '--no-definitely-typed', '--format', 'ascii', '--exclude-entrypoints', './declarative-push-sw.js', './declarative-push-sw-explainer.js'], temp);
  project = join(temp, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  for (const file of readdirSync(FIXTURES)) writeFileSync(join(project, file), readFileSync(join(FIXTURES, file)));
  const started = performance.now();
  await ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', tarball], project);
  installMs = performance.now() - started;
  installed = join(project, 'node_modules', NAME);
  console.log(`consumer: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(1)} KB packed, ${(packed.unpackedSize / 1024).toFixed(1)} KB unpacked; installed in an empty project in ${(installMs / 1000).toFixed(1)} s`);
}, 180_000);

afterAll(() => {
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds what runs, and no tests, CI, benchmarks, sources or source maps', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/cli/dwpush.js', 'dist/polyfill/declarative-push-sw.js', 'server/public/index.html']));
    expect(paths.filter((p) => /^(test|\.ci|examples)\/|bench|\.map$|(?<!\.d)\.ts$|tsconfig/.test(p))).toEqual([]);
  });

  it('holds every file the exports map names (publint, strict)', async () => {
    const { messages } = await publint({ pkgDir: installed, pack: false, strict: true });
    expect(messages).toEqual([]);
  });

  it('has types that resolve for ESM under node16 and bundler (arethetypeswrong)', async () => {
    const result = await attw;
    expect(result.code, result.stdout + result.stderr).toBe(0);
  }, 60_000);
});

describe('installed into an empty project', () => {
  it('installs no optional peer and nothing that builds native code', () => {
    const modules = join(project, 'node_modules');
    for (const peer of Object.keys(manifest.peerDependencies)) expect(existsSync(join(modules, peer)), peer).toBe(false);
    const native = packagesIn(modules).filter((dir) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { gypfile?: boolean; scripts?: Record<string, string> };
      return existsSync(join(dir, 'binding.gyp')) || pkg.gypfile === true || ['preinstall', 'install', 'postinstall'].some((s) => pkg.scripts?.[s]);
    });
    expect(native.map((dir) => relative(modules, dir))).toEqual([]);
  });

  it('imports every entry from ESM, with exactly the promised names; the build tree is not an entry', async () => {
    const report = JSON.parse(await ok(process.execPath, ['import-every-entry.mjs'], project)) as {
      exports: Record<string, string[]>; files: Record<string, boolean>; refused: Record<string, string | null>;
    };
    expect(report.exports).toEqual({
      [NAME]: [
        'DEFAULT_LINT_BASE_URL', 'MAX_PLAINTEXT_BYTES', 'NOTIFICATION_JSON_MEDIA_TYPE', 'WEB_PUSH_MAGIC', 'convertMessage', 'describeFinding', 'detectFormat',
        'explainerToStandard', 'hybridPayload', 'legacyFieldsProblem', 'lintPayload', 'lintValue', 'parseDeclarativePushMessage', 'parseExplainerMessage', 'parsePushPayload',
        'readDeclarativePushMessage', 'readExplainerMessage', 'toPortableMessage',
      ],
      [`${NAME}/server`]: [
        'DEFAULT_GRANT_TTL', 'MAX_GRANT_TTL', 'PushError', 'buildNotificationRequest', 'createPushConnections', 'createPushOriginGuard', 'createRequestBuilder', 'createVapidAuthorizer',
        'generateVapidKeys', 'isPushError', 'mintGrant', 'preparePayload', 'readGrantSecret', 'sendNotification', 'sendToMany', 'startServer', 'verifyGrant',
      ],
      [`${NAME}/polyfill`]: ['installDeclarativePush'],
      [`${NAME}/page`]: ['PageError', 'callServer', 'currentSubscription', 'hasNativePush', 'serverURL', 'subscribe', 'unsubscribe'],
    });
    expect(Object.values(report.files)).toEqual(Object.values(report.files).map(() => true));
    expect(Object.keys(report.files)).toHaveLength(5);
    expect(Object.values(report.refused)).toEqual(['ERR_PACKAGE_PATH_NOT_EXPORTED', 'ERR_PACKAGE_PATH_NOT_EXPORTED']);
  });

  it('ships every declaration its entries reach, importing only node: modules and its own dependencies', () => {
    // Walked from each entry's `types`, as a user's TypeScript loads them: an unshipped file or a
    // type from a dev dependency (or an optional peer) would be an error there, or silently `any`.
    const allowed = new Set(Object.keys(manifest.dependencies));
    const entries = Object.values(manifest.exports).flatMap((target) => (typeof target === 'string' ? [] : [target.types!]));
    expect(entries).toHaveLength(4);
    const seen = new Set<string>();
    const broken: string[] = [];
    const visit = (file: string, from: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      if (!existsSync(file)) {
        broken.push(`${relative(installed, file)} (from ${from}) is not shipped`);
        return;
      }
      const text = readFileSync(file, 'utf8');
      for (const [, quoted, inline] of text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*'([^']+)'|\bimport\('([^']+)'\)/gm)) {
        const specifier = (quoted ?? inline)!;
        if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.d.ts')), relative(installed, file));
        else if (!specifier.startsWith('node:') && !allowed.has(packageName(specifier))) broken.push(`${relative(installed, file)}: ${specifier} is not a dependency`);
      }
    };
    for (const entry of entries) visit(join(installed, entry), 'package.json');
    expect(broken).toEqual([]);
    expect(seen.size).toBeGreaterThan(entries.length);
  });

  it.each([
    ['nodenext', { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }],
    ['bundler', { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }],
  ])('type-checks a TypeScript file using every entry with moduleResolution %s', (_mode, resolution) => {
    expect(typeCheck(join(project, 'consumer.ts'), resolution)).toEqual([]);
  });

  it('runs the installed CLI: --version, lint, and serve explains the missing optional peer', async () => {
    const bin = join(project, 'node_modules', '.bin', 'dwpush');
    writeFileSync(join(project, 'bad.json'), '{"web_push":8030,"notification":{"title":"Hi","navigate":"/relative"}}');
    const [version, good, bad, serve] = await Promise.all([
      run(bin, ['--version'], project),
      run(bin, ['lint', join(ROOT, 'examples', 'standard.json')], project),
      run(bin, ['lint', 'bad.json'], project),
      run(bin, ['serve', '--port', '0', '--data-dir', 'data'], project),
    ]);
    expect(version).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('url-relative');
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain('npm install better-sqlite3');
    expect(serve.stderr).toContain('[missing-dependency]');
    expect(existsSync(join(project, 'data'))).toBe(false); // refused before writing anything
  }, 30_000);
});

/** Type-checks one file as a user's project would, strict; source files are parsed once for both modes. */
const parsed = new Map<string, ts.SourceFile | undefined>();
function typeCheck(file: string, resolution: ts.CompilerOptions): string[] {
  const options: ts.CompilerOptions = {
    ...resolution, target: ts.ScriptTarget.ES2022, lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')], strict: true, noEmit: true,
    // Our declarations' integrity is checked file by file above; checking @types/node too costs seconds.
    skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => {
    const key = `${name}\0${JSON.stringify(version)}`;
    if (!parsed.has(key)) parsed.set(key, read(name, version, ...rest));
    return parsed.get(key);
  };
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function packagesIn(modules: string): string[] {
  return readdirSync(modules, { withFileTypes: true }).flatMap((e) => {
    if (!e.isDirectory() || e.name.startsWith('.')) return [];
    const dir = join(modules, e.name);
    if (e.name.startsWith('@')) return packagesIn(dir);
    const nested = join(dir, 'node_modules');
    return [dir, ...(existsSync(nested) ? packagesIn(nested) : [])];
  });
}
