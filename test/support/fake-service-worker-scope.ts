/**
 * A small fake ServiceWorkerGlobalScope for unit tests in Node: an EventTarget with ExtendableEvent
 * semantics (a script-made event refuses waitUntil; a listener's exception is reported, not
 * thrown), a registration whose showNotification/getNotifications behave like a browser's
 * (structured clone of data, tag replacement), window clients, and the Badging API.
 */
const TRUSTED = Symbol('trusted');

/** The global `ExtendableEvent`: made by script, it is untrusted and refuses `waitUntil`, as in browsers. */
export class FakeExtendableEvent extends Event {
  [TRUSTED] = false;
  readonly lifetime: Promise<unknown>[] = [];
  dispatching = false;
  #pending = 0;

  waitUntil(promise: unknown): void {
    if (!this[TRUSTED] || (!this.dispatching && this.#pending === 0)) {
      throw new DOMException('The event is not active', 'InvalidStateError');
    }
    const extended = Promise.resolve(promise);
    this.#pending++;
    this.lifetime.push(extended);
    extended.then(() => this.#pending--, () => this.#pending--);
  }

  /** Every extend-lifetime promise settled, including those added meanwhile. */
  async settled(): Promise<PromiseSettledResult<unknown>[]> {
    let seen: number;
    let results: PromiseSettledResult<unknown>[];
    do {
      seen = this.lifetime.length;
      results = await Promise.allSettled(this.lifetime);
    } while (this.lifetime.length > seen);
    return results;
  }
}

export class FakePushMessageData {
  constructor(private readonly bytes: Uint8Array) {}
  arrayBuffer(): ArrayBuffer {
    return this.bytes.slice().buffer;
  }
  text(): string {
    return new TextDecoder().decode(this.bytes);
  }
  json(): unknown {
    return JSON.parse(this.text());
  }
}

export interface ShownNotification {
  title: string;
  options: Record<string, unknown> & { data?: unknown; tag?: string; actions?: unknown[] };
}

/**
 * What a browser keeps of a showNotification options object: the NotificationOptions dictionary's
 * members only (others, functions included, are never read; Chromium has no `navigate`), with
 * `data` structured-cloned (a function in data rejects, as in browsers).
 */
const NOTIFICATION_OPTIONS = ['dir', 'lang', 'body', 'tag', 'image', 'icon', 'badge', 'vibrate', 'timestamp', 'renotify', 'silent', 'requireInteraction', 'data', 'actions'];
function toNotificationOptions(options: Record<string, unknown>): ShownNotification['options'] {
  const kept: Record<string, unknown> = {};
  for (const name of NOTIFICATION_OPTIONS) if (options[name] !== undefined) kept[name] = options[name];
  if (Array.isArray(kept.actions)) {
    kept.actions = kept.actions.map(({ action, title, icon }: Record<string, unknown>) => (icon === undefined ? { action, title } : { action, title, icon }));
  }
  return structuredClone(kept);
}

export class FakeNotification {
  readonly title: string;
  readonly body: string;
  readonly tag: string;
  readonly data: unknown;
  readonly actions: unknown[];
  readonly navigate: string | undefined;
  constructor(private readonly shown: ShownNotification, private readonly scope: FakeServiceWorkerScope) {
    const { options } = shown;
    this.title = shown.title;
    this.body = (options.body as string | undefined) ?? '';
    this.tag = options.tag ?? '';
    this.data = structuredClone(options.data ?? null);
    this.actions = structuredClone(options.actions ?? []);
    this.navigate = undefined; // no native Notification.navigate, like Chromium
  }
  close(): void {
    this.scope.closed.push(this.shown);
    this.scope.displayed = this.scope.displayed.filter((shown) => shown !== this.shown);
  }
}

export class FakeWindowClient {
  focused = false;
  readonly focusCalls: number[] = [];
  constructor(public url: string, readonly controlled = true, private readonly log: string[] = []) {}
  async focus(): Promise<this> {
    this.focused = true;
    this.log.push(`focus ${this.url}`);
    return this;
  }
  async navigate(url: string): Promise<this> {
    if (!this.controlled) throw new TypeError('not controlled by this service worker');
    this.log.push(`navigate ${this.url} -> ${url}`);
    this.url = url;
    return this;
  }
}

export interface FakeScopeOptions {
  scope?: string;
  badging?: boolean;
  permission?: 'granted' | 'denied';
  maxActions?: number;
  /** showNotification rejects these titles (as a browser does with a bad icon URL or the like). */
  refuseTitles?: string[];
  /** How long showNotification takes before it resolves. */
  showDelayMs?: number;
}

export class FakeServiceWorkerScope extends EventTarget {
  readonly location: URL;
  /** Every showNotification call that resolved, in order. */
  readonly shown: ShownNotification[] = [];
  /** What is on screen now (tag replacement applied). */
  displayed: ShownNotification[] = [];
  readonly closed: ShownNotification[] = [];
  readonly reportedErrors: unknown[] = [];
  readonly badgeCalls: Array<['set', number | undefined] | ['clear']> = [];
  readonly windowLog: string[] = [];
  readonly windows: FakeWindowClient[] = [];
  showsInFlight = 0;
  getNotificationsWhileShowing = 0;
  readonly registration: {
    scope: string;
    showNotification(title: string, options?: Record<string, unknown>): Promise<void>;
    getNotifications(filter?: { tag?: string }): Promise<FakeNotification[]>;
  };
  readonly clients: {
    matchAll(options?: unknown): Promise<FakeWindowClient[]>;
    openWindow(url: string): Promise<FakeWindowClient | null>;
  };
  readonly navigator: { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };

  constructor(readonly options: FakeScopeOptions = {}) {
    super();
    const scope = options.scope ?? 'https://site.example/app/';
    this.location = new URL('sw.js', scope);
    this.registration = {
      scope,
      showNotification: async (title, opts = {}) => {
        this.showsInFlight++;
        try {
          await new Promise((resolve) => setTimeout(resolve, options.showDelayMs ?? 0));
          if ((options.permission ?? 'granted') !== 'granted') throw new TypeError('No notification permission');
          if (options.refuseTitles?.includes(title)) throw new TypeError('Refused');
          const shown: ShownNotification = { title: String(title), options: toNotificationOptions(opts) };
          this.shown.push(shown);
          const tag = shown.options.tag ?? '';
          this.displayed = this.displayed.filter((other) => tag === '' || other.options.tag !== tag);
          this.displayed.push(shown);
        } finally {
          this.showsInFlight--;
        }
      },
      getNotifications: async (filter = {}) => {
        if (this.showsInFlight > 0) this.getNotificationsWhileShowing++;
        return this.displayed
          .filter((shown) => filter.tag === undefined || shown.options.tag === filter.tag)
          .map((shown) => new FakeNotification(shown, this));
      },
    };
    this.clients = {
      matchAll: async () => [...this.windows].sort((a, b) => Number(b.focused) - Number(a.focused)),
      openWindow: async (url) => {
        const window = new FakeWindowClient(url, true, this.windowLog);
        this.windows.push(window);
        this.windowLog.push(`open ${url}`);
        return window;
      },
    };
    this.navigator =
      options.badging === false
        ? {}
        : {
            setAppBadge: async (n) => void this.badgeCalls.push(['set', n]),
            clearAppBadge: async () => void this.badgeCalls.push(['clear']),
          };
  }

  /** Browsers report a listener's exception (to `onerror` and the console); they never rethrow it. */
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void {
    if (typeof listener !== 'function') return super.addEventListener(type, listener, options);
    super.addEventListener(type, (event) => {
      try {
        listener.call(this, event);
      } catch (error) {
        this.reportedErrors.push(error);
      }
    }, options);
  }

  /** Opens a window of the site (controlled by default), as if the user had. */
  openWindowOf(url: string, controlled = true): FakeWindowClient {
    const window = new FakeWindowClient(url, controlled, this.windowLog);
    this.windows.push(window);
    return window;
  }

  /** Delivers a push the way a browser without declarative push does; resolves when the event's lifetime ends. */
  async push(payload: string | object | Uint8Array | null): Promise<{ event: FakePushEvent; results: PromiseSettledResult<unknown>[] }> {
    const bytes =
      payload === null ? null
      : payload instanceof Uint8Array ? payload
      : new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload));
    const event = new FakePushEvent(bytes === null ? null : new FakePushMessageData(bytes));
    return { event, results: await this.fire(event) };
  }

  /** A user's click on a displayed notification (its body, or the action named `action`). */
  async click(shown: ShownNotification, action = ''): Promise<FakeNotificationEvent> {
    const event = new FakeNotificationEvent('notificationclick', new FakeNotification(shown, this), action);
    await this.fire(event);
    return event;
  }

  async close(shown: ShownNotification): Promise<FakeNotificationEvent> {
    const event = new FakeNotificationEvent('notificationclose', new FakeNotification(shown, this), '');
    await this.fire(event);
    return event;
  }

  private async fire(event: FakeExtendableEvent): Promise<PromiseSettledResult<unknown>[]> {
    event[TRUSTED] = true;
    event.dispatching = true;
    this.dispatchEvent(event);
    event.dispatching = false;
    return event.settled();
  }
}

export class FakePushEvent extends FakeExtendableEvent {
  readonly notification = null;
  constructor(readonly data: FakePushMessageData | null) {
    super('push');
  }
}

export class FakeNotificationEvent extends FakeExtendableEvent {
  constructor(type: string, readonly notification: FakeNotification, readonly action: string) {
    super(type);
  }
}

/**
 * Makes a fresh fake scope the global `self` (with `ExtendableEvent` and `Notification.maxActions`),
 * as a service worker's code sees it. Returns the scope and a function that restores the globals.
 */
export function useFakeScope(options: FakeScopeOptions = {}): { scope: FakeServiceWorkerScope; restore: () => void } {
  const scope = new FakeServiceWorkerScope(options);
  const globals = globalThis as Record<string, unknown>;
  const saved = { self: globals.self, ExtendableEvent: globals.ExtendableEvent, Notification: globals.Notification };
  globals.self = scope;
  globals.ExtendableEvent = FakeExtendableEvent;
  globals.Notification = { maxActions: options.maxActions ?? 2, prototype: {} };
  return { scope, restore: () => Object.assign(globals, saved) };
}
