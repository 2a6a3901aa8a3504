import { WEB_PUSH_MAGIC } from './constants.js';
import type { ExplainerMessageJSON, StandardMessageJSON } from './declarative-message.js';
import { isMap } from './json-value.js';

/**
 * Rewrites a 2023 explainer message in the current standard's shape: options flatten into
 * `notification`, `default_action_url` becomes `navigate`, an action's `url` its `navigate`, and a
 * digit-string app badge a number. Other members of `options` travel unchanged. Check the input
 * first (lint or parseExplainerMessage): this only moves members.
 */
export function explainerToStandard(explainer: ExplainerMessageJSON): StandardMessageJSON {
  const { title, default_action_url, options, mutable, app_badge } = explainer;
  // `title`, `mutable` and `app_badge` are top-level members of the explainer; inside `options` they
  // are unknown NotificationOptions members it ignores. Flattened into `notification` they would
  // replace the title or turn into what Safari 18.x reads there (spec-notes.md#explainer-conversion).
  const { actions, title: _title, mutable: _mutable, app_badge: _appBadge, ...rest } = isMap(options) ? options : {};
  const notification: StandardMessageJSON['notification'] = { ...rest, title, navigate: default_action_url };
  if (Array.isArray(actions)) {
    notification.actions = actions.map((action: unknown) => {
      if (!isMap(action)) return action;
      const { url, ...others } = action;
      return { ...others, navigate: url };
    });
  }
  const standard: StandardMessageJSON = { web_push: WEB_PUSH_MAGIC, notification };
  if (mutable !== undefined) standard.mutable = mutable;
  if (app_badge !== undefined) standard.app_badge = typeof app_badge === 'string' ? Number(app_badge || '0') : app_badge;
  return standard;
}
