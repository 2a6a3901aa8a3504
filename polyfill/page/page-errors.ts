/**
 * Every error the page helper throws is a `PageError` with a stable `code`; the prose lives in this
 * one table so a site can show its own text per code instead (spec-notes.md#page-helper).
 */
export type PageErrorCode =
  | 'unsupported'
  | 'permission-denied'
  | 'service-worker-failed'
  | 'subscribe-failed'
  | 'server-unreachable'
  | 'server-error';

const MESSAGES: Record<PageErrorCode, string> = {
  unsupported: 'This browser cannot receive push messages here',
  'permission-denied': 'Notifications are blocked for this site: allow them in the browser’s site settings',
  'service-worker-failed': 'The service worker could not be installed',
  'subscribe-failed': 'The browser’s push service refused the subscription',
  'server-unreachable': 'The push server cannot be reached',
  'server-error': 'The push server refused the request',
};

export interface PageErrorDetails {
  /** Why, in a few words (quoted after the table's message). */
  detail?: string;
  /** HTTP status of a `server-error`. */
  status?: number;
  /** The server's own error code (`{"error":{"code"}}`) of a `server-error`. */
  serverCode?: string;
  cause?: unknown;
}

export class PageError extends Error {
  override readonly name = 'PageError';
  readonly code: PageErrorCode;
  readonly status: number | undefined;
  readonly serverCode: string | undefined;

  constructor(code: PageErrorCode, details: PageErrorDetails = {}) {
    super(details.detail ? `${MESSAGES[code]}: ${details.detail}` : MESSAGES[code], { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.serverCode = details.serverCode;
  }
}
