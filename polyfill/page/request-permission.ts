import { PageError } from './page-errors.js';

/**
 * Asks for notification permission. Call it in the same task as a user gesture (a click handler):
 * Safari and Firefox only show the prompt then, and Chromium quietly blocks prompts without one.
 */
export async function requestPermission(): Promise<void> {
  if (Notification.permission === 'granted') return;
  if (Notification.permission === 'denied') throw new PageError('permission-denied');
  const answer = await Notification.requestPermission();
  if (answer !== 'granted') {
    throw new PageError('permission-denied', { detail: answer === 'default' ? 'the prompt was dismissed' : 'the prompt was declined' });
  }
}
