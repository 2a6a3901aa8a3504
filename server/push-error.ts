import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/** Every code a PushError can carry: the keys of the one table of error codes. */
export type PushErrorCode = ErrorCode;

/**
 * Every error the server code throws: a stable `code` (error-codes.ts gives its HTTP status and
 * whether it is retryable), a message for people, and the data behind it (`details`: findings,
 * sizes, the refused origin). Never carries a key or a token.
 */
export class PushError extends Error {
  override name = 'PushError';

  constructor(
    readonly code: PushErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
}

export function isPushError(error: unknown): error is PushError {
  return error instanceof PushError;
}
