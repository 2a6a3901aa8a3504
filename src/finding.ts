/**
 * A finding is data: a stable code, a severity, a JSON Pointer into the message and the values the
 * message text needs. Prose is made at the edge (describe-finding.ts); spec-notes.md#finding-codes
 * lists every code with an example fix.
 */
export type Severity = 'error' | 'warning' | 'info';

export type FindingCode =
  // Reading the bytes (parser step 1, plus our resource limits)
  | 'empty-input'
  | 'invalid-utf8'
  | 'json-syntax'
  | 'nesting-too-deep'
  | 'payload-too-large'
  // The envelope (parser steps 2-8)
  | 'not-an-object'
  | 'not-declarative'
  | 'web-push-missing'
  | 'web-push-not-8030'
  | 'notification-missing'
  | 'notification-not-an-object'
  | 'title-missing'
  | 'title-not-a-string'
  | 'title-empty'
  | 'navigate-missing'
  | 'navigate-not-a-string'
  // "create a notification" failures (parser steps 26-28)
  | 'url-unparsable'
  | 'silent-with-vibrate'
  | 'renotify-without-tag'
  // Members the standard ignores or skips
  | 'member-wrong-type'
  | 'dir-invalid'
  | 'actions-not-a-list'
  | 'action-not-an-object'
  | 'action-skipped'
  | 'actions-over-limit'
  | 'unknown-member'
  | 'legacy-fields'
  // Portability: where shipping browsers and the standard disagree
  | 'url-relative'
  | 'url-script'
  | 'url-not-http'
  | 'mutable-location'
  | 'app-badge-not-standard'
  | 'app-badge-invalid'
  | 'app-badge-string'
  | 'app-badge-over-int32'
  | 'app-badge-location'
  | 'actions-not-shown-by-safari'
  // The 2023 explainer format
  | 'options-not-an-object'
  | 'default-action-url-missing'
  | 'default-action-url-invalid'
  | 'action-url-missing'
  | 'explainer-format';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** JSON Pointer (RFC 6901) to the member concerned; "" for the whole input. */
  path: string;
  params: Record<string, unknown>;
}

export function finding(
  code: FindingCode,
  severity: Severity,
  path: string,
  params: Record<string, unknown> = {},
): Finding {
  return { code, severity, path, params };
}

/** Appends one member name to a JSON Pointer, escaping as RFC 6901 says. */
export function pointer(parent: string, key: string | number): string {
  return `${parent}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** The member names a JSON Pointer leads through, unescaped (RFC 6901 section 4); none for "". */
export function pointerSegments(path: string): string[] {
  return path.split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}
