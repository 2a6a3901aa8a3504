import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

export const SCHEMA_FILES = {
  standard: 'declarative-push-message.schema.json',
  explainer: 'explainer-2023.schema.json',
} as const;

export type SchemaFormat = keyof typeof SCHEMA_FILES;

export function readSchema(format: SchemaFormat): Record<string, unknown> {
  const url = new URL(`../../schema/${SCHEMA_FILES[format]}`, import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as Record<string, unknown>;
}

/** Both schemas compiled the way the README tells users to: ajv 8, draft 2020-12, strict mode. */
export function compileSchemas(): Record<SchemaFormat, ValidateFunction> {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  return { standard: ajv.compile(readSchema('standard')), explainer: ajv.compile(readSchema('explainer')) };
}
