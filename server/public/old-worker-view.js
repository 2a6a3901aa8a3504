// What a service worker without the polyfill receives: the hybrid payload the server would send
// (the portable message plus the legacy fields beside it, spec-notes.md#hybrid-payloads).

const MAX_PLAINTEXT_BYTES = 3993; // one push record (spec-notes.md#payload-size)

/**
 * Reads the legacy fields' text and renders the payload an old worker gets into `container`.
 * `core` is the editor module (toPortableMessage, hybridPayload, legacyFieldsProblem, parsePushPayload).
 * Returns the legacy object to send, `undefined` when the text is empty, or `null` when it cannot be sent.
 */
export function renderOldWorkerView(container, { messageText, legacyText, core }) {
  const show = (text, tone) => {
    container.textContent = text;
    container.dataset.tone = tone;
  };
  if (legacyText.trim() === '') {
    show('No legacy fields: every subscriber gets the declarative message alone.', 'info');
    return undefined;
  }
  let legacy;
  try {
    legacy = JSON.parse(legacyText);
  } catch {
    show('The legacy fields are not JSON: write an object such as {"title": "...", "body": "...", "url": "https://..."}.', 'error');
    return null;
  }
  const problem = core.legacyFieldsProblem(legacy);
  if (problem) {
    show(`The legacy fields ${problem.reason}.`, 'error');
    return null;
  }
  let message;
  try {
    message = JSON.parse(messageText);
  } catch {
    message = undefined;
  }
  if (!core.parsePushPayload(messageText, { baseURL: 'https://example.com/' }).declarative || message === undefined) {
    show('Write a valid declarative message first: the legacy fields travel beside it.', 'error');
    return legacy;
  }
  const payload = JSON.stringify(core.hybridPayload(core.toPortableMessage(message), legacy), null, 2);
  const bytes = new TextEncoder().encode(JSON.stringify(JSON.parse(payload))).length;
  show(`${payload}\n\n${bytes} of ${MAX_PLAINTEXT_BYTES} bytes. event.data.json() in a worker without the polyfill gives this object; `
    + 'a worker with the polyfill, or a browser with declarative push, shows the notification previewed above.', bytes > MAX_PLAINTEXT_BYTES ? 'error' : 'ok');
  return legacy;
}
