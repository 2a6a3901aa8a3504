import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { describeWithBrowser } from './describe-with-browser.js';

/**
 * Harness for tests in a real Firefox (Debian's `firefox-esr`), driven over WebDriver BiDi with
 * puppeteer-core. In CI (env CI set) a missing Firefox fails the tests; elsewhere they skip.
 */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const MISSING = `Firefox not found at ${FIREFOX_PATH} (apt-get install firefox-esr)`;

/** `describe` for tests that need Firefox (see describeWithBrowser). */
export function describeInFirefox(name: string, body: () => void): void {
  describeWithBrowser(MISSING, FIREFOX_PATH, name, body);
}

/** Everything that keeps Firefox on loopback and quiet: no update, telemetry, captive-portal or remote-settings traffic. */
const LOOPBACK_ONLY = {
  'network.proxy.type': 1,
  'network.proxy.http': '127.0.0.1', 'network.proxy.http_port': 9,
  'network.proxy.ssl': '127.0.0.1', 'network.proxy.ssl_port': 9,
  'network.proxy.socks': '127.0.0.1', 'network.proxy.socks_port': 9,
  'network.proxy.no_proxies_on': '127.0.0.1,localhost',
  'network.proxy.allow_hijacking_localhost': false,
  'network.trr.mode': 5,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.http.speculative-parallel-limit': 0,
  'security.OCSP.enabled': 0,
  'app.normandy.enabled': false,
  'app.update.enabled': false,
  'app.update.auto': false,
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.server': '',
  'services.settings.server': 'http://127.0.0.1:9/',
  'browser.safebrowsing.downloads.remote.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.search.update': false,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'browser.newtabpage.enabled': false,
  'browser.startup.page': 0,
};

export interface FirefoxOptions {
  /** `dom.push.serverURL`: the mock push server's WebSocket URL. */
  pushServerURL: string;
  /** More prefs, e.g. `dom.push.declarative.enabled` for a build that has it. */
  prefs?: Record<string, string | number | boolean>;
}

export interface Firefox {
  browser: Browser;
  version: string;
  /** Clicks the body of Firefox's own alert window showing `title` (a real, trusted click). */
  clickAlert(title: string, timeoutMs?: number): Promise<void>;
  /** Titles of the alert windows open now. */
  alertTitles(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Launches a headless Firefox in a fresh temporary profile with push pointed at `pushServerURL`,
 * notifications allowed without a prompt, service workers on http://127.0.0.1, and every other
 * socket sent to a dead loopback port. `close()` stops it by its process id and removes the profile.
 */
export async function launchFirefox(options: FirefoxOptions): Promise<Firefox> {
  if (!existsSync(FIREFOX_PATH)) throw new Error(MISSING);
  const profile = mkdtempSync(join(tmpdir(), 'dwp-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    userDataDir: profile,
    // Privileged script over BiDi: the only way to reach Firefox's alert window and click it.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      ...LOOPBACK_ONLY,
      'dom.push.enabled': true,
      'dom.push.connection.enabled': true,
      'dom.push.serverURL': options.pushServerURL,
      'dom.push.testing.allowInsecureServerURL': true,
      'dom.push.testing.ignorePermission': true,
      'dom.push.maxQuotaPerSubscription': 1000,
      'permissions.default.desktop-notification': 1,
      'dom.webnotifications.requireuserinteraction': false,
      'dom.serviceWorkers.testing.enabled': true,
      // Keep an idle service worker (and the test's records in it) alive through a whole file.
      'dom.serviceWorkers.idle_timeout': 600_000,
      'dom.serviceWorkers.idle_extended_timeout': 600_000,
      // Headless Firefox has no desktop notification service: its own alert window it is.
      'alerts.useSystemBackend': false,
      'alerts.showFavicons': false,
      ...options.prefs,
    },
  });
  const pid = browser.process()?.pid;
  const version = await browser.version();

  /** Privileged script in the browser window (needs `--remote-allow-system-access`), its JSON result parsed. */
  async function chromeEval<T>(expression: string): Promise<T> {
    // The raw WebDriver BiDi connection: puppeteer has no API for Firefox's chrome scope.
    const { connection } = browser as unknown as { connection: { send(method: string, params: object): Promise<{ result: unknown }> } };
    const { result: tree } = await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
    const contexts = (tree as { contexts: Array<{ context: string; url: string }> }).contexts;
    const main = contexts.find((c) => c.url.startsWith('chrome://browser/')) ?? contexts[0];
    if (!main) throw new Error('no chrome window to run privileged script in');
    const { result } = await connection.send('script.evaluate', { expression, awaitPromise: true, target: { context: main.context } });
    const evaluated = result as { type: string; result?: { value?: unknown }; exceptionDetails?: { text: string } };
    if (evaluated.type === 'exception') throw new Error(`privileged script failed: ${evaluated.exceptionDetails?.text}`);
    return JSON.parse(String(evaluated.result?.value)) as T;
  }

  const ALERTS = `[...Services.wm.getEnumerator('alert:alert')]`;
  const titles = () => chromeEval<string[]>(`JSON.stringify(${ALERTS}.map((w) => w.document.getElementById('alertTitleLabel')?.getAttribute('value') ?? ''))`);

  return {
    browser,
    version,
    alertTitles: titles,
    async clickAlert(title, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      const click = `JSON.stringify((() => {
        const w = ${ALERTS}.find((w) => w.document.getElementById('alertTitleLabel')?.getAttribute('value') === ${JSON.stringify(title)});
        if (!w) return false;
        w.onAlertClick();
        return true;
      })())`;
      while (!(await chromeEval<boolean>(click))) {
        if (Date.now() > end) throw new Error(`no alert window titled "${title}" (open: ${JSON.stringify(await titles())})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      try {
        await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 5000))]);
      } catch {
        // stopped below by its pid
      }
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
