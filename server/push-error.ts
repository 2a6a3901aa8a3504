/**
 * Every error the server code throws: a stable `code` for programs, a message for people, and the
 * data behind it (`details`: findings, sizes, the refused origin). Never carries a key or a token.
 */
export type PushErrorCode =
  | 'invalid-message'
  | 'payload-too-large'
  | 'invalid-subscription'
  | 'invalid-option'
  | 'push-origin-not-allowed'
  | 'timeout'
  | 'network-error'
  | 'server-error'
  | 'invalid-vapid-keys'
  | 'data-dir-unusable'
  | 'missing-dependency'
  | 'grant-invalid'
  | 'grant-expired'
  | 'channel-not-allowed'
  | 'unknown-member';

export class PushError extends Error {
  override name = 'PushError';

  constructor(
    readonly code: PushErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function isPushError(error: unknown): error is PushError {
  return error instanceof PushError;
}
