import { open, stat } from 'node:fs/promises';

/** What `dwpush lint` reads of one input at most, by default: far over any message (3993 bytes). */
export const DEFAULT_MAX_INPUT_BYTES = 4 * 1024 * 1024;

/**
 * One input's bytes, at most `maxBytes`: a regular file, or standard input for "-". Refuses what
 * cannot be bounded before opening it (a FIFO blocks until a writer comes, `/dev/zero` never ends)
 * and an input over the limit, with errors whose message says so (the caller exits 2).
 */
export async function readInput(file: string, maxBytes: number): Promise<Uint8Array> {
  if (file === '-') return readStream(process.stdin, maxBytes);
  const info = await stat(file);
  if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  if (!info.isFile()) throw new Error(`not a regular file (${kind(info)}): its size cannot be known, so it is not read; pipe it to "dwpush lint -" with a bound instead`);
  if (info.size > maxBytes) throw overLimit(maxBytes);
  const handle = await open(file, 'r');
  try {
    // Read one byte past the limit: a file that grew since stat still cannot exceed it.
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw overLimit(maxBytes);
      if (length === buffer.length) break;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

async function readStream(stream: NodeJS.ReadableStream, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    length += (chunk as Buffer).length;
    if (length > maxBytes) throw overLimit(maxBytes);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function overLimit(maxBytes: number): Error {
  return new Error(`over --max-bytes ${maxBytes}: not linted (a declarative message fits 3993 bytes)`);
}

function kind(info: Awaited<ReturnType<typeof stat>>): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a file';
}
