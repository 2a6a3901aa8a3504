import { describe, expect, it } from 'vitest';
import { parseExplainerMessage } from '../../src/index.js';

const codes = (value: unknown) => {
  const result = parseExplainerMessage(JSON.stringify(value));
  return result.declarative ? [] : result.findings.map((f) => f.code);
};
const base = { title: 'Hello world!', default_action_url: 'https://example.com/' };

describe('parseExplainerMessage', () => {
  // Regression: a non-string icon or action url was reported as url-unparsable; WebKit's 2023
  // parser said "'icon' member is specified but is not a string", i.e. a wrong type.
  it('reports a non-string icon or action url as member-wrong-type', () => {
    expect(codes({ ...base, options: { icon: 0 } })).toEqual(['member-wrong-type']);
    expect(codes({ ...base, options: { actions: [{ action: 'a', title: 'A', url: 5 }] } })).toEqual(['member-wrong-type']);
  });

  it('keeps default-action-url-invalid for a non-string default_action_url', () => {
    expect(codes({ ...base, default_action_url: 5 })).toEqual(['default-action-url-invalid']);
  });
});
