import { spawn, type ChildProcess } from 'node:child_process';
import dbus from 'dbus-next';
import { withTimeout } from './chromium.js';

/**
 * A fake desktop notification server (org.freedesktop.Notifications) on a private D-Bus session
 * bus. Chromium on Linux hands notifications to it; `click()` makes Chromium dispatch a trusted
 * `notificationclick`, which is the only way to get one in headless Chromium.
 */
export interface DbusNotification {
  id: number;
  summary: string;
  /** Chromium prefixes the body with the origin: compare with `includes`. */
  body: string;
  /** Action keys and labels: "default" is the body; "0", "1" are the buttons. */
  actions: Array<{ key: string; label: string }>;
}

const NAME = 'org.freedesktop.Notifications';
const PATH = '/org/freedesktop/Notifications';

export class FakeNotificationServer {
  readonly notifications: DbusNotification[] = [];
  private listeners: Array<() => void> = [];

  private constructor(
    readonly address: string,
    private readonly daemon: ChildProcess,
    private readonly bus: dbus.MessageBus,
    private readonly iface: NotificationsInterface,
  ) {}

  static async start(): Promise<FakeNotificationServer> {
    const daemon = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const address = await withTimeout(
      new Promise<string>((resolve, reject) => {
        daemon.once('error', reject);
        daemon.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim().split('\n')[0]!));
      }),
      5000,
      'dbus-daemon did not print its address',
    );
    const bus = dbus.sessionBus({ busAddress: address });
    const iface = new NotificationsInterface(NAME);
    const server = new FakeNotificationServer(address, daemon, bus, iface);
    iface.server = server;
    bus.export(PATH, iface);
    await bus.requestName(NAME, 0);
    return server;
  }

  /** @internal called by the interface */
  received(notification: DbusNotification): void {
    this.notifications.push(notification);
    this.listeners.splice(0).forEach((wake) => wake());
  }

  /** The first notification (already received or still to come) that matches. */
  async waitFor(match: (n: DbusNotification) => boolean, timeoutMs = 5000): Promise<DbusNotification> {
    const found = new Promise<DbusNotification>((resolve) => {
      const check = () => {
        const hit = this.notifications.find(match);
        if (hit) resolve(hit);
        else this.listeners.push(check);
      };
      check();
    });
    return withTimeout(found, timeoutMs, 'no such notification reached the D-Bus server');
  }

  /** A user's click: `key` "default" is the body, "0", "1" the action buttons. */
  click(id: number, key = 'default'): void {
    this.iface.ActionInvoked(id, key);
  }

  /** The user dismissed it (reason 2): Chromium fires a trusted `notificationclose`. */
  dismiss(id: number): void {
    this.iface.NotificationClosed(id, 2);
  }

  async stop(): Promise<void> {
    this.bus.disconnect();
    this.daemon.kill();
  }
}

class NotificationsInterface extends dbus.interface.Interface {
  server!: FakeNotificationServer;
  private nextId = 1;

  Notify(_app: string, replacesId: number, _icon: string, summary: string, body: string, actions: string[]): number {
    const id = replacesId || this.nextId++;
    const pairs: DbusNotification['actions'] = [];
    for (let i = 0; i + 1 < actions.length; i += 2) pairs.push({ key: actions[i]!, label: actions[i + 1]! });
    this.server.received({ id, summary, body, actions: pairs });
    return id;
  }
  CloseNotification(_id: number): void {}
  GetCapabilities(): string[] {
    return ['actions', 'body'];
  }
  GetServerInformation(): string[] {
    return ['fake-notifications', 'test', '1.0', '1.2'];
  }
  ActionInvoked(id: number, key: string): unknown[] {
    return [id, key];
  }
  NotificationClosed(id: number, reason: number): unknown[] {
    return [id, reason];
  }
}

NotificationsInterface.configureMembers({
  methods: {
    Notify: { inSignature: 'susssasa{sv}i', outSignature: 'u' },
    CloseNotification: { inSignature: 'u', outSignature: '' },
    GetCapabilities: { inSignature: '', outSignature: 'as' },
    GetServerInformation: { inSignature: '', outSignature: 'ssss' },
  },
  signals: {
    ActionInvoked: { signature: 'us' },
    NotificationClosed: { signature: 'uu' },
  },
});
