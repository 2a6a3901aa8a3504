import { reportUnknownMembers, type Aliases } from './did-you-mean.js';
import { get, has, isMap } from './json-value.js';
import type { LintReporter } from './lint-reporter.js';
import { NOTIFICATION_MEMBERS } from './notification-members.js';
import { readExplainerMessage } from './parse-explainer-message.js';

const TOP_LEVEL_NAMES = ['title', 'options', 'default_action_url', 'mutable', 'app_badge'];
const OPTION_NAMES = [...Object.keys(NOTIFICATION_MEMBERS), 'data', 'actions'];
const ACTION_NAMES = ['action', 'title', 'url', 'icon'];
const TOP_LEVEL_ALIASES: Aliases = { navigate: 'default_action_url', url: 'default_action_url', notification: 'options' };
const ACTION_ALIASES: Aliases = { navigate: 'url' };

/**
 * Lints a message in the 2023 explainer's shape, with WebKit's 2023 strictness in both profiles:
 * every parser failure is an error (spec-notes.md#explainer-format). No shipping browser reads this
 * shape any more, which `explainer-format` says.
 */
export function lintExplainer(message: unknown, reporter: LintReporter): void {
  const result = readExplainerMessage(message);
  if (!result.declarative) reporter.add(result.findings);
  reporter.report('explainer-format', '', ['info', 'warning']);
  if (!isMap(message)) return;
  reportUnknownMembers(message, '', TOP_LEVEL_NAMES, TOP_LEVEL_ALIASES, (s) => has(message, s), reporter);
  const options = get(message, 'options');
  if (!isMap(options)) return;
  reportUnknownMembers(options, '/options', OPTION_NAMES, {}, (s) => has(options, s), reporter);
  const actions = get(options, 'actions');
  if (!Array.isArray(actions)) return;
  actions.forEach((entry: unknown, i: number) => {
    if (isMap(entry)) reportUnknownMembers(entry, `/options/actions/${i}`, ACTION_NAMES, ACTION_ALIASES, (s) => has(entry, s), reporter);
  });
}
