// "Copy as curl": the API call a button would make, as a shell command an operator can paste. The
// admin token is never in it: the shell reads it from $DWP_ADMIN_TOKEN (README.md#push-server).
import { formatJson } from './format-json.js';

/**
 * A POST of `body` to `url`. A `message` that is JSON text is inlined token for token (formatJson),
 * so the command reads like the API's documentation and the server judges the same message; other
 * text travels as the string it is (the server refuses it with its reason, as it does for the page).
 */
export function curlCommand(url, body) {
  const json = inlineMessage(body);
  return [
    `curl -X POST ${shellQuote(url)}`,
    `  -H "Authorization: Bearer $DWP_ADMIN_TOKEN"`,
    `  -H 'Content-Type: application/json'`,
    `  --data-binary ${shellQuote(json)}`,
  ].join(' \\\n');
}

const SLOT = '\u0000message';

function inlineMessage(body) {
  let message;
  try {
    message = formatJson(body.message).text.trimEnd().replaceAll('\n', '\n  ');
  } catch {
    return JSON.stringify(body, null, 2);
  }
  return JSON.stringify({ ...body, message: SLOT }, null, 2).replace(JSON.stringify(SLOT), () => message);
}

/** POSIX single quotes: everything literal, a quote as '\''. */
export function shellQuote(text) {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
