/** What `installDeclarativePush(options)` accepts (README.md#service-worker-polyfill). */
export interface DeclarativePushOptions {
  /**
   * Also show payloads in the 2023 explainer's shape (`title`, `options`, `default_action_url`).
   * Off by default: no Content-Type reaches a service worker, so the shape is the only signal, and
   * a legacy payload can look like one (spec-notes.md#service-worker-polyfill).
   */
  explainer?: boolean;
  /**
   * How long a mutable message's handlers may take to show a replacement, in milliseconds, before
   * the original is shown (spec-notes.md#service-worker-polyfill, the mutable time budget).
   */
  mutableBudgetMs?: number;
  /**
   * Let a click navigate one of the site's open windows to the URL when none is there already.
   * Off by default: a click then opens a new window, since navigating can discard what the user
   * was doing in that window (spec-notes.md#clicks).
   */
  navigateExistingWindow?: boolean;
}

export type ResolvedOptions = Required<DeclarativePushOptions>;

/** 5 s: long enough for one fetch on a slow network, short enough that a hung handler only delays the message. */
export const DEFAULT_MUTABLE_BUDGET_MS = 5000;

/** Any value is accepted (a classic script's `self.declarativePushOptions` may be anything): installing never throws. */
export function resolveOptions(options?: DeclarativePushOptions | null): ResolvedOptions {
  return {
    explainer: options?.explainer === true,
    mutableBudgetMs: options?.mutableBudgetMs ?? DEFAULT_MUTABLE_BUDGET_MS,
    navigateExistingWindow: options?.navigateExistingWindow === true,
  };
}
