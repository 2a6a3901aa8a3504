import type { Readable } from 'node:stream';

/** One record of a JSON Lines file or a JSON array, unparsed, with the line it starts on. */
export interface RawRecord {
  line: number;
  text: string;
}

/**
 * The records of a stream holding JSON Lines or one JSON array, without holding the whole file:
 * JSON Lines split at newlines; an array (first non-blank character `[`) split at its top-level
 * commas by a scanner that tracks strings and nesting. Each record's text is handed on unparsed,
 * so one bad record is refused on its own and the others go on.
 */
export async function* readJsonRecords(stream: Readable): AsyncGenerator<RawRecord> {
  stream.setEncoding('utf8');
  const chunks = stream as AsyncIterable<string>;
  let carry = '';
  let line = 1;
  const iterator = chunks[Symbol.asyncIterator]();
  // Find the first non-blank character: `[` means an array, anything else JSON Lines.
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
    carry += next.value;
    const start = carry.search(/[^\s\uFEFF]/);
    if (start === -1) continue;
    line += countNewlines(carry, 0, start);
    carry = carry.slice(start);
    break;
  }
  const rest: AsyncIterable<string> = { [Symbol.asyncIterator]: () => iterator };
  if (carry[0] === '[') {
    yield* arrayRecords(carry.slice(1), rest, line);
    return;
  }
  let pending = ''; // the start of a line that continues in the next chunk
  for await (const chunk of prepend(carry, rest)) {
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      const text = pending + chunk.slice(start, end);
      pending = '';
      if (text.trim() !== '') yield { line, text };
      line++;
      start = end + 1;
    }
    pending += chunk.slice(start);
  }
  if (pending.trim() !== '') yield { line, text: pending };
}

async function* arrayRecords(head: string, rest: AsyncIterable<string>, firstLine: number): AsyncGenerator<RawRecord> {
  let line = firstLine;
  let recordLine = line;
  let carry = '';
  let depth = 0; // nesting inside the current element
  let inString = false;
  let escaped = false;
  let ended = false;
  for await (const chunk of prepend(head, rest)) {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) line++;
      if (ended) continue;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true; // backslash
        else if (c === 34) inString = false; // quote
        continue;
      }
      if (c === 34) inString = true;
      else if (c === 123 || c === 91) { // { [
        if (depth === 0 && (carry + chunk.slice(start, i)).trim() === '') recordLine = line;
        depth++;
      } else if (c === 125 || c === 93) { // } ]
        if (depth > 0) depth--;
        else { // the array's own `]`
          const text = (carry + chunk.slice(start, i)).trim();
          if (text !== '') yield { line: recordLine, text };
          carry = '';
          start = i + 1;
          ended = true;
        }
      } else if (c === 44 && depth === 0) { // a top-level comma
        yield { line: recordLine, text: (carry + chunk.slice(start, i)).trim() };
        carry = '';
        start = i + 1;
        recordLine = line;
      }
    }
    if (!ended) carry += chunk.slice(start);
  }
  // An array never closed: what is left is a broken record, refused by the reader of its text.
  if (!ended && carry.trim() !== '') yield { line: recordLine, text: carry.trim() };
}

async function* prepend(head: string, rest: AsyncIterable<string>): AsyncGenerator<string> {
  if (head !== '') yield head;
  yield* rest;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
