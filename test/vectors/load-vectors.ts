import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One conformance case; test/vectors/README.md documents every member. */
export interface VectorCase {
  id: string;
  description: string;
  source: string;
  format: 'standard' | 'explainer';
  as?: 'auto' | 'standard' | 'explainer';
  payload?: unknown;
  payloadText?: string;
  payloadBase64?: string;
  baseURL?: string;
  maxActions?: number;
  /** Optional: the JSON Schema of `format` must accept (true) or reject (false) this payload. */
  schemaValid?: boolean;
  /** Optional: the spec-notes.md section whose decision fixes the expectation where the sources leave it open. */
  decision?: string;
  expect: {
    declarative: boolean;
    failures?: string[];
    notification?: { title: string; options: Record<string, unknown> };
    mutable?: boolean;
    app_badge?: number | null;
    lint: Record<'spec' | 'portable', { valid: boolean; codes: string[] }>;
  };
}

export const DEFAULT_BASE_URL = 'https://example.com/';
export const VECTORS_DIR = dirname(fileURLToPath(import.meta.url));

/** Every case of every `*.json` file in this folder, with the file it came from. */
export function loadVectors(): Array<VectorCase & { file: string }> {
  return readdirSync(VECTORS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .flatMap((file) => {
      const { cases } = JSON.parse(readFileSync(join(VECTORS_DIR, file), 'utf8')) as { cases: VectorCase[] };
      return cases.map((c) => ({ ...c, file }));
    });
}

/** The exact bytes of a case's payload. */
export function payloadBytes(c: VectorCase): Uint8Array {
  if (c.payloadBase64 !== undefined) return Uint8Array.from(Buffer.from(c.payloadBase64, 'base64'));
  const text = c.payloadText ?? JSON.stringify(c.payload);
  return new TextEncoder().encode(text);
}
