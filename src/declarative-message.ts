/**
 * What the parsers return: a notification ready for `showNotification(title, options)`, with every
 * URL resolved, plus `mutable` and the app badge. Wire names stay wire names.
 */
export interface DeclarativeAction {
  action: string;
  title: string;
  navigate: string;
  icon?: string;
}

export interface DeclarativeNotificationOptions {
  navigate: string;
  dir?: 'auto' | 'ltr' | 'rtl';
  lang?: string;
  body?: string;
  tag?: string;
  image?: string;
  icon?: string;
  badge?: string;
  vibrate?: number[];
  timestamp?: number;
  renotify?: boolean;
  silent?: boolean;
  requireInteraction?: boolean;
  data?: unknown;
  actions?: DeclarativeAction[];
}

export interface DeclarativeNotification {
  title: string;
  options: DeclarativeNotificationOptions;
}

export interface DeclarativeMessage {
  format: 'standard' | 'explainer';
  notification: DeclarativeNotification;
  mutable: boolean;
  /** A 64-bit unsigned integer (w3c/push-api PR #402; the 2023 explainer), or null when absent or ignored. */
  app_badge: number | null;
}

/** The JSON a sender writes in the current standard's shape. */
export interface StandardMessageJSON {
  web_push: 8030;
  notification: {
    title: string;
    navigate: string;
    [member: string]: unknown;
  };
  mutable?: boolean;
  app_badge?: number;
  [member: string]: unknown;
}

/** The JSON of the 2023 WebKit explainer's shape. */
export interface ExplainerMessageJSON {
  title: string;
  default_action_url: string;
  options?: Record<string, unknown>;
  mutable?: boolean;
  app_badge?: number | string;
  [member: string]: unknown;
}
