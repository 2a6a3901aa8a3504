// Format: pretty-prints the editor's JSON by re-indenting its tokens, never re-serializing a parsed
// value, so duplicate members, number spellings and string escapes stay exactly as written (the
// linter judges them; spec-notes.md#duplicate-keys). The caret stays on the same token.

const TOKEN = /"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^\s{}[\]:,"]+/g;

/**
 * Formats `text` (valid JSON, else JSON.parse's SyntaxError is thrown) with two-space indents and a
 * final newline. `caret` (a text offset) maps to the same place within the same token; a caret
 * between tokens goes to the start of the next one.
 */
export function formatJson(text, caret = 0) {
  JSON.parse(text);
  const tokens = [...text.matchAll(TOKEN)].map((m) => ({ text: m[0], start: m.index }));
  let out = '';
  let depth = 0;
  let newCaret;
  const newline = () => `\n${'  '.repeat(depth)}`;
  tokens.forEach((token, i) => {
    const next = tokens[i + 1]?.text;
    if ((token.text === '}' || token.text === ']') && !isOpening(tokens[i - 1]?.text)) {
      depth--;
      out += newline();
    }
    if (newCaret === undefined && caret < token.start + token.text.length) {
      newCaret = out.length + Math.max(0, caret - token.start);
    }
    out += token.text;
    if (isOpening(token.text) && next !== closing(token.text)) {
      depth++;
      out += newline();
    } else if (token.text === ',') out += newline();
    else if (token.text === ':') out += ' ';
  });
  out += '\n';
  return { text: out, caret: newCaret ?? out.length };
}

const isOpening = (t) => t === '{' || t === '[';
const closing = (t) => (t === '{' ? '}' : ']');
