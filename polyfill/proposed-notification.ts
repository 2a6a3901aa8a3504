import type { DeclarativeNotification } from '../src/declarative-message.js';

/**
 * The proposed notification a mutable message's handlers see as `event.notification`: a service
 * worker cannot construct a `Notification`, so this is a plain object with its attributes
 * (title, body, tag, navigate, data, actions with their navigate, ...), ready to pass back as
 * `showNotification(n.title, n)`.
 */
export function proposedNotification({ title, options }: DeclarativeNotification) {
  return { body: '', tag: '', data: null, actions: [], ...options, title, close() {} };
}
