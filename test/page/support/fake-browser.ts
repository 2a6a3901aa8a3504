/**
 * A stand-in browser for the page helper under happy-dom: `navigator` (with or without
 * `pushManager` / `serviceWorker`), `Notification`, `PushManager`, `isSecureContext` and `fetch`
 * answering from a route table. Everything the helper does is recorded for the assertions.
 */
import { vi } from 'vitest';

export interface ServerCall {
  method: string;
  url: string;
  body: unknown;
  authorization: string | null;
}

/** `down` makes fetch reject as browsers do when nothing listens. */
export type Routes = 'down' | Record<string, (call: ServerCall) => Response>;

export interface FakeBrowserOptions {
  native?: boolean;
  serviceWorker?: boolean;
  pushApi?: boolean;
  notifications?: boolean;
  secure?: boolean;
  /** `Notification.permission` before the prompt, and what the prompt answers. */
  permission?: NotificationPermission;
  answer?: NotificationPermission;
  routes?: Routes;
  /** The worker's fate: activated, fails to install (redundant), or `register` rejects (e.g. a 404 script). */
  install?: 'activated' | 'redundant' | 'rejected';
}

export class FakePushManager {
  current: FakeSubscription | null = null;
  subscribeCalls: PushSubscriptionOptionsInit[] = [];
  refuse: Error | null = null;

  async getSubscription(): Promise<FakeSubscription | null> {
    return this.current;
  }

  async subscribe(options: PushSubscriptionOptionsInit): Promise<FakeSubscription> {
    this.subscribeCalls.push(options);
    if (this.refuse) throw this.refuse;
    const key = options.applicationServerKey as Uint8Array;
    this.current = new FakeSubscription(this, `https://push.example/send/${this.subscribeCalls.length}`, key.slice().buffer);
    return this.current;
  }
}

export class FakeSubscription {
  unsubscribed = false;
  constructor(
    private readonly manager: FakePushManager,
    readonly endpoint: string,
    applicationServerKey: ArrayBuffer,
  ) {
    this.options = { userVisibleOnly: true, applicationServerKey };
  }
  readonly options: { userVisibleOnly: boolean; applicationServerKey: ArrayBuffer };

  toJSON(): PushSubscriptionJSON {
    return { endpoint: this.endpoint, expirationTime: null, keys: { p256dh: 'p256dh-key', auth: 'auth-secret' } };
  }

  async unsubscribe(): Promise<boolean> {
    this.unsubscribed = true;
    if (this.manager.current === this) this.manager.current = null;
    return true;
  }
}

export function installFakeBrowser(options: FakeBrowserOptions = {}) {
  const { native = false, serviceWorker = true, pushApi = true, notifications = true, secure = true, install = 'activated' } = options;
  const record = {
    calls: [] as ServerCall[],
    registered: [] as { url: string; options: RegistrationOptions | undefined }[],
    prompts: 0,
    nativePushManager: new FakePushManager(),
    swPushManager: new FakePushManager(),
  };
  const registrations = new Map<string, ServiceWorkerRegistration>();
  const navigator: Record<string, unknown> = {};
  if (native) navigator.pushManager = record.nativePushManager;
  if (serviceWorker) {
    navigator.serviceWorker = {
      async register(url: string, registrationOptions?: RegistrationOptions) {
        record.registered.push({ url, options: registrationOptions });
        if (install === 'rejected') throw new TypeError('A bad HTTP response code (404) was received');
        const worker = Object.assign(new EventTarget(), { state: 'installing' });
        setTimeout(() => {
          worker.state = install === 'activated' ? 'activated' : 'redundant';
          worker.dispatchEvent(new Event('statechange'));
        }, 5);
        const registration = { active: null, installing: worker, waiting: null, pushManager: record.swPushManager };
        registrations.set(registrationOptions?.scope ?? '/', registration as unknown as ServiceWorkerRegistration);
        return registration;
      },
      async getRegistration(scope = '/') {
        return registrations.get(scope);
      },
    };
  }
  vi.stubGlobal('navigator', navigator);
  vi.stubGlobal('isSecureContext', secure);
  vi.stubGlobal('PushManager', pushApi ? FakePushManager : undefined);
  if (!pushApi) delete (globalThis as Record<string, unknown>).PushManager;
  const notification = {
    permission: options.permission ?? 'default',
    async requestPermission() {
      record.prompts++;
      notification.permission = options.answer ?? 'granted';
      return notification.permission;
    },
  };
  vi.stubGlobal('Notification', notification);
  if (!notifications) delete (globalThis as Record<string, unknown>).Notification;
  vi.stubGlobal('fetch', async (input: URL | string, init: RequestInit = {}) => {
    const call: ServerCall = {
      method: init.method ?? 'GET',
      url: String(input),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      authorization: new Headers(init.headers).get('authorization'),
    };
    record.calls.push(call);
    const routes = options.routes ?? serverRoutes();
    if (routes === 'down') throw new TypeError('Failed to fetch');
    const route = routes[`${call.method} ${new URL(call.url).pathname}`];
    return route ? route(call) : json(404, { error: { code: 'not-found', message: 'no such route' } });
  });
  return record;
}

/** A base64url P-256 public key, as `dwpush serve` hands out (65 bytes, uncompressed point). */
export const VAPID_PUBLIC_KEY = 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM';

/** The server of the contract, answering every route well; pass overrides to break one. */
export function serverRoutes(overrides: Record<string, (call: ServerCall) => Response> = {}): Record<string, (call: ServerCall) => Response> {
  return {
    'GET /api/vapid-public-key': () => json(200, { publicKey: VAPID_PUBLIC_KEY }),
    'POST /api/subscriptions': () => json(201, {}),
    'DELETE /api/subscriptions': () => new Response(null, { status: 204 }),
    ...overrides,
  };
}

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
