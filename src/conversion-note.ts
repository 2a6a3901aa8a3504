/**
 * What a conversion says about its input (convert-message.ts): a member it moved somewhere other
 * than the message, one it dropped and why, or what the result lacks. Data, like a finding: a
 * stable code, the input member's path (dot-separated, as `--map` writes it) and the reason.
 */
export interface ConversionNote {
  code: 'dropped' | 'send-option' | 'navigate-missing' | 'action-navigate-added';
  /** The input member concerned, as a dot path (`message.webpush.fcm_options.link`); "" for the whole input. */
  path: string;
  /** Why, in one sentence, and how to fix it where there is something to fix. */
  reason: string;
}

export const note = (code: ConversionNote['code'], path: string, reason: string): ConversionNote => ({ code, path, reason });
