// The demo page: wires the page helper (/dwp-page.js) and the panels together. Everything that can be
// tested without a browser lives in the imported modules.
import { callServer, currentSubscription, serverURL, subscribe, unsubscribe } from '/dwp-page.js';
import * as core from '/dwp-editor.js';
import { renderAudience, zeroAudienceHint } from './audience.js';
import { curlCommand } from './curl-command.js';
import { el } from './dom.js';
import { replaceEditorText } from './editor-text.js';
import { EXAMPLES, exampleLegacyFields, exampleMessage } from './examples.js';
import { formatJson } from './format-json.js';
import { liveHistory } from './history.js';
import { describeTarget, renderHistory } from './history-view.js';
import { lineGutter } from './line-gutter.js';
import { liveLint, moveCaret, renderFindings, renderLintUnavailable } from './lint-panel.js';
import { renderOldWorkerView } from './old-worker-view.js';
import { renderPreview } from './preview.js';
import { renderProgress, shortId, watchBroadcast } from './progress.js';

const SERVER = ''; // dwpush serve serves this page: the API is on the same origin
const SCOPE = '/';
const SW_URL = '/sw.js';
const $ = (id) => document.getElementById(id);

// --- The server banner: shown while the API cannot be reached, hidden on the next answer from it.
function noteServer(error) {
  if (!error || error.code === 'server-unreachable' || error.code === 'server-error') {
    $('server-banner').hidden = error?.code !== 'server-unreachable';
  }
  return error;
}
const api = (path, request) => callServer(SERVER, path, request).then((answer) => (noteServer(null), answer), (e) => Promise.reject(noteServer(e)));
api('/api/vapid-public-key').catch(() => {});

// --- The service worker (the polyfill plus a legacy handler), registered on load.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register(SW_URL, { scope: SCOPE }).catch((e) => showStatus('subscription-status', `Service worker not registered: ${e.message}`, 'error'));
}

function showStatus(id, text, tone = 'info') {
  const node = $(id);
  node.textContent = text;
  node.dataset.tone = tone;
}

// --- Subscription. The demo server mints a grant for a new user of this browser's own, as a site's
// login would for its signed-in user: "send to me" targets that user, and no other browser can join
// it without a grant (a guessable channel name would let anyone listen in).
let grant = null;
const refreshGrant = () => api('/api/demo/grant', { method: 'POST', body: {} }).then((g) => (grant = g), () => (grant = null));
// Fetched ahead and kept fresh: an await between the click and subscribe() would end the user gesture.
refreshGrant();
setInterval(refreshGrant, 4 * 60_000);
const myUser = () => localStorage.getItem('dwp-demo-user');
function showUser() {
  for (const node of document.querySelectorAll('.my-user')) node.textContent = myUser() ?? '(subscribe first)';
}
showUser();

function showSubscribed(mode) {
  $('subscribe').disabled = Boolean(mode);
  $('unsubscribe').disabled = !mode;
  showStatus(
    'subscription-status',
    mode ? `Subscribed (${mode === 'native' ? 'native declarative push' : 'through the polyfill’s service worker'}).` : 'Not subscribed.',
    mode ? 'ok' : 'info',
  );
}

async function whileBusy(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  const error = await work().then(() => null, noteServer);
  button.removeAttribute('aria-busy');
  showSubscribed((await currentSubscription({ scope: SCOPE }).catch(() => null))?.mode);
  if (error) showStatus('subscription-status', error.message, 'error');
  refreshAudience();
}

// subscribe() asks for permission, so it runs straight from the click (a user gesture).
$('subscribe').addEventListener('click', (event) =>
  whileBusy(event.currentTarget, async () => {
    const granted = grant;
    try {
      await subscribe({ serverUrl: SERVER, swUrl: SW_URL, scope: SCOPE, ...(granted ? { grant: granted.grant } : {}) });
      if (granted) localStorage.setItem('dwp-demo-user', granted.user);
    } finally {
      showUser();
      refreshGrant(); // a grant is for one subscription: the next click gets a fresh one
    }
  }),
);
$('unsubscribe').addEventListener('click', (event) =>
  whileBusy(event.currentTarget, async () => {
    await unsubscribe({ serverUrl: SERVER, scope: SCOPE });
    localStorage.removeItem('dwp-demo-user');
    showUser();
  }),
);
currentSubscription({ scope: SCOPE }).then((current) => showSubscribed(current?.mode), () => showSubscribed(null));

// --- The editor: the preview follows every keystroke (local parser), lint follows the server.
const editor = $('editor');
editor.value = exampleMessage('standard', location.origin);
const readOptions = { baseURL: new URL(SCOPE, location.href).href, maxActions: globalThis.Notification?.maxActions };
const gutter = lineGutter(editor, $('gutter'));
let legacy; // the hybrid payload's legacy fields: undefined (none), null (not sendable) or an object
const oldWorker = () => { legacy = renderOldWorkerView($('old-worker'), { messageText: editor.value, legacyText: $('legacy').value, core }); };
const preview = () => {
  renderPreview($('preview'), core.parsePushPayload(editor.value, readOptions));
  oldWorker();
};
editor.addEventListener('input', preview);
$('legacy').addEventListener('input', oldWorker);
preview();

const lint = liveLint({
  editor,
  lint: (text) => api('/api/lint', { body: { message: text, profile: $('profile').value, baseURL: readOptions.baseURL } }),
  onResult: (text, result) =>
    gutter.mark(renderFindings($('findings'), $('lint-summary'), { text, result, locate: core.locatePointer, onSelect: (position) => moveCaret(editor, position) })),
  onError: (error) => {
    gutter.mark([]);
    renderLintUnavailable($('findings'), $('lint-summary'), error.code === 'server-unreachable' ? 'Lint needs the server, which is unreachable.' : error.message);
  },
});
$('profile').addEventListener('change', () => lint.run());
lint.run();

// --- Editor tools: load an example, Format. Both are one undoable edit.
$('example').replaceChildren(...EXAMPLES.map(({ name, label }) => el('option', { value: name }, label)));
$('load-example').addEventListener('click', () => {
  const name = $('example').value;
  // An example is a whole request: its legacy fields too (none but the hybrid's).
  const legacyFields = exampleLegacyFields(name, location.origin);
  if (legacyFields || $('legacy').value) replaceEditorText($('legacy'), legacyFields);
  if (legacyFields) $('hybrid').open = true;
  replaceEditorText(editor, exampleMessage(name, location.origin));
  showStatus('editor-status', `Loaded the ${name} example (Ctrl+Z in each box brings your text back).`);
});
$('format').addEventListener('click', () => {
  try {
    const formatted = formatJson(editor.value, editor.selectionStart);
    replaceEditorText(editor, formatted.text);
    moveCaret(editor, { line: formatted.text.slice(0, formatted.caret).split('\n').length, offset: formatted.caret });
    showStatus('editor-status', '');
  } catch (error) {
    showStatus('editor-status', `Format needs valid JSON: ${error.message}`, 'error');
  }
});

// --- Sending. The admin token stays in this tab only (sessionStorage).
const token = $('admin-token');
token.value = sessionStorage.getItem('dwp-admin-token') ?? '';
let tokenTimer;
token.addEventListener('input', () => {
  sessionStorage.setItem('dwp-admin-token', token.value);
  clearTimeout(tokenTimer);
  tokenTimer = setTimeout(watchConsole, 400);
});

/** The body of POST /api/notifications: the editor's text, the target (`{user}`, `{channel}` or `{}`: everyone) and the legacy fields. */
const notificationRequest = (target) => ({ message: editor.value, ...target, ...(legacy ? { legacy } : {}) });
const broadcastTarget = () => {
  const channel = $('broadcast-channel').value.trim();
  return channel ? { channel } : {};
};

async function send(form, target) {
  const button = form.querySelector('button');
  if (legacy === null) {
    showStatus('send-status', 'Fix the legacy fields first (see “Legacy fields” above).', 'error');
    return;
  }
  button.disabled = true;
  $('progress').replaceChildren();
  showStatus('send-status', target.user ? 'Sending to this browser’s user…' : target.channel ? `Sending to channel “${target.channel}”…` : 'Broadcasting to every subscriber…');
  try {
    // The editor's text as it is: the server checks exactly the text that lint checked, and refuses
    // one that is not a valid declarative message (it never sends legacy pushes).
    const { id } = await api('/api/notifications', { body: notificationRequest(target), token: token.value });
    history.refresh();
    const job = await watchBroadcast({
      id,
      status: (jobId) => api(`/api/notifications/${encodeURIComponent(jobId)}`, { token: token.value }),
      onUpdate: (update) => renderProgress($('progress'), update),
    });
    // The progress panel says how it ended; the status line only adds what went wrong.
    const ending = {
      done: '',
      failed: `Notification ${id} failed.`,
      cancelled: `Notification ${id} was cancelled: nothing more leaves.`,
      expired: `Notification ${id} expired: its TTL ran out before every delivery was made.`,
    }[job.status] ?? `Stopped watching notification ${id} (still ${job.status}).`;
    showStatus('send-status', ending, 'error');
  } catch (error) {
    const refused = error.status === 401 || error.status === 403;
    showStatus('send-status', refused ? 'The admin token was refused: copy it from dwpush serve’s output.' : error.message, 'error');
  } finally {
    button.disabled = false;
    history.refresh();
    refreshAudience();
  }
}

$('send-to-me').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  // This browser's user has no device until it subscribes: say so instead of sending to no one.
  const user = myUser();
  if (!user || !(await currentSubscription({ scope: SCOPE }).catch(() => null))) {
    showStatus('send-status', 'Subscribe this browser first (step 1).', 'error');
    return;
  }
  send(form, { user });
});
$('broadcast').addEventListener('submit', (event) => {
  event.preventDefault();
  send(event.currentTarget, broadcastTarget());
});

// --- Copy as curl: the request Broadcast would make, without the token. Shown on the page too, in
// case the clipboard is refused.
$('copy-curl').addEventListener('click', async () => {
  const command = curlCommand(serverURL(SERVER, '/api/notifications').href, notificationRequest(broadcastTarget()));
  $('curl-command').textContent = command;
  $('curl').hidden = false;
  $('curl').open = true;
  const copied = await navigator.clipboard?.writeText(command).then(() => true, () => false);
  showStatus('send-status', copied ? 'Copied the curl command: it reads the token from $DWP_ADMIN_TOKEN.' : 'The clipboard is not available here: copy the command below.', copied ? 'ok' : 'info');
});

// --- Audience: subscriber counts (admin), and a broadcast to nobody explained before it is sent.
let counts = null;
async function refreshAudience() {
  if (!token.value) return;
  try {
    counts = await api('/api/channels', { token: token.value });
    renderAudience($('audience'), counts);
  } catch (error) {
    counts = null;
    $('audience').textContent = error.status === 401 ? 'The admin token was refused: counts need it.' : `Counts are not available: ${error.message}`;
  }
  showAudienceHint();
}
function showAudienceHint() {
  showStatus('audience-hint', (counts && zeroAudienceHint(counts, $('broadcast-channel').value.trim())) ?? '', 'warning');
}
$('broadcast-channel').addEventListener('input', showAudienceHint);

// --- History: every broadcast, newest first, live while one is under way; Cancel asks first.
const history = liveHistory({
  fetchPage: ({ limit, before }) => api(`/api/notifications?${new URLSearchParams(before ? { limit, before } : { limit })}`, { token: token.value }),
  fetchDetail: (id) => api(`/api/notifications/${encodeURIComponent(id)}`, { token: token.value }),
  render: (broadcasts, { more }) => {
    renderHistory($('history'), broadcasts, { onCancel: cancelBroadcast });
    $('history-status').textContent = broadcasts.length ? '' : 'No broadcasts yet.';
    $('history-older').hidden = !more;
  },
  onError: (error) => {
    $('history-status').textContent = error.status === 401 ? 'The admin token was refused: the history needs it.' : `The history is not available: ${error.message}`;
  },
});

function watchConsole() {
  if (!token.value) {
    history.stop();
    return;
  }
  history.start();
  refreshAudience();
}
$('history-refresh').addEventListener('click', watchConsole);
$('history-older').addEventListener('click', () => history.showOlder().catch((error) => ($('history-status').textContent = error.message)));
watchConsole();

/** Asks in a modal dialog (Escape or "Keep sending" keeps it), then cancels through the API. */
async function cancelBroadcast(broadcast) {
  const dialog = $('cancel-dialog');
  const name = broadcast.title ? `“${broadcast.title}”` : `Broadcast ${shortId(broadcast.id)}`;
  $('cancel-what').textContent = `${name} to ${describeTarget(broadcast.target)}: ${broadcast.pending} of ${broadcast.total} deliveries not made yet.`;
  dialog.returnValue = '';
  dialog.showModal();
  await new Promise((resolve) => dialog.addEventListener('close', resolve, { once: true }));
  if (dialog.returnValue !== 'cancel') return;
  try {
    await api(`/api/notifications/${encodeURIComponent(broadcast.id)}`, { method: 'DELETE', token: token.value });
    $('history-status').textContent = `Cancelled ${name}.`;
  } catch (error) {
    $('history-status').textContent = `Not cancelled: ${error.message}`;
  }
  await history.refresh();
}
