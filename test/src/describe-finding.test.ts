import { describe, expect, it } from 'vitest';
import { describeFinding } from '../../src/describe-finding.js';
import { FINDING_CODES } from '../../src/finding-codes.js';
import { finding, type FindingCode } from '../../src/finding.js';
import { lintPayload } from '../../src/lint-message.js';

/** Every code the FindingCode union names; `satisfies` makes the compiler check this list is complete. */
const ALL_CODES = Object.keys({
  'empty-input': 0, 'invalid-utf8': 0, 'json-syntax': 0, 'nesting-too-deep': 0, 'payload-too-large': 0,
  'not-an-object': 0, 'not-declarative': 0, 'web-push-missing': 0, 'web-push-not-8030': 0, 'notification-missing': 0,
  'notification-not-an-object': 0, 'title-missing': 0, 'title-not-a-string': 0, 'title-empty': 0, 'navigate-missing': 0,
  'navigate-not-a-string': 0, 'url-unparsable': 0, 'silent-with-vibrate': 0, 'renotify-without-tag': 0,
  'member-wrong-type': 0, 'dir-invalid': 0, 'actions-not-a-list': 0, 'action-not-an-object': 0, 'action-skipped': 0,
  'actions-over-limit': 0, 'unknown-member': 0, 'legacy-fields': 0, 'url-relative': 0, 'url-script': 0, 'url-not-http': 0,
  'mutable-location': 0, 'app-badge-not-standard': 0, 'app-badge-invalid': 0, 'app-badge-string': 0,
  'app-badge-over-int32': 0, 'app-badge-location': 0, 'actions-not-shown-by-safari': 0, 'options-not-an-object': 0,
  'default-action-url-missing': 0, 'default-action-url-invalid': 0, 'action-url-missing': 0, 'explainer-format': 0,
} satisfies Record<FindingCode, 0>) as FindingCode[];

/** Every parameter any code carries, as the linter fills them in. */
const PARAMS = {
  value: 'v', type: 'number', missing: ['navigate'], count: 3, limit: 2, bytes: 5000, depth: 129, detail: 'Unexpected end',
  member: 'body', expected: 'string', suggestion: 'navigate', scheme: 'mailto', resolved: 'https://example.com/v',
  members: ['title', 'body'],
};

describe('describeFinding', () => {
  it.each(ALL_CODES)('describes %s with a message and a hint', (code) => {
    const { message, hint } = describeFinding(finding(code, 'error', '/notification/x', PARAMS));
    expect(message.length).toBeGreaterThan(10);
    expect(message).not.toMatch(/undefined|\[object/);
    expect(hint).toMatch(/\.$/);
  });

  it('has no entry for a code outside the union', () => {
    expect(Object.keys(FINDING_CODES).sort()).toEqual([...ALL_CODES].sort());
  });

  it('quotes the actual value and says how to fix it', () => {
    const [f] = lintPayload('{"web_push":9001,"notification":{"title":"t","navigate":"https://example.com/"}}').findings;
    expect(describeFinding(f!)).toEqual({
      message: '`web_push` is 9001, not the number 8030',
      hint: '9001 is the magic number of the 2024 draft of the Push API; the standard uses 8030.',
    });
    const dir = lintPayload('{"web_push":8030,"notification":{"title":"t","navigate":"https://example.com/","dir":"LTR"}}').findings[0]!;
    expect(describeFinding(dir).message).toBe('`notification.dir` is "LTR", not "auto", "ltr" or "rtl"');
  });

  it('says how to convert an explainer message', () => {
    const { hint } = describeFinding(finding('explainer-format', 'warning', ''));
    expect(hint).toContain('"web_push": 8030');
    expect(hint).toContain('`navigate`');
  });

  it('names the suggestion of a near-miss member', () => {
    const [f] = lintPayload('{"web_push":8030,"notification":{"title":"t","navigate":"https://example.com/","navigation":"x"}}').findings;
    expect(describeFinding(f!).message).toBe('`notification.navigation` is not a member this format defines; did you mean `navigate`?');
  });

  it('says Safari rejects a wrong-typed notification icon, but not an action icon (Safari shows no actions)', () => {
    const payload = (icon: string) => `{"web_push":8030,"notification":{"title":"t","navigate":"https://example.com/",${icon}}}`;
    const [top] = lintPayload(payload('"icon":1')).findings.filter((f) => f.code === 'member-wrong-type');
    expect(top!.severity).toBe('error');
    expect(describeFinding(top!).hint).toContain('Safari 18.x rejects');
    const action = lintPayload(payload('"actions":[{"action":"a","title":"A","navigate":"https://example.com/","icon":1}]')).findings
      .find((f) => f.code === 'member-wrong-type')!;
    expect(action.severity).toBe('warning');
    expect(describeFinding(action).hint).toBe('The standard ignores a member of the wrong type.');
  });

  it('says WebKit rejects a wrong-typed explainer option, not that the standard ignores it', () => {
    const f = lintPayload('{"title":"t","default_action_url":"https://example.com/","options":{"body":1}}').findings
      .find((x) => x.code === 'member-wrong-type')!;
    expect(f.severity).toBe('error');
    expect(describeFinding(f).hint).toBe("WebKit's 2023 explainer parser rejects the whole message for this.");
  });

  it('shortens long values to one line', () => {
    const { message } = describeFinding(finding('url-relative', 'error', '/notification/navigate', { value: 'x'.repeat(500), resolved: 'y' }));
    expect(message.length).toBeLessThan(120);
  });
});
