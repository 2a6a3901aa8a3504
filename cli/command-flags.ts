import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isPushError } from '../server/push-error.js';

type FlagSpec = NonNullable<ParseArgsConfig['options']>;
type Flags<T extends FlagSpec> = ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: false }>>['values'];

/** A usage mistake on the command line: exit code 2, no stack trace. */
export class UsageError extends Error {
  readonly code = 'usage';
}

/** node:util parseArgs, strict, with its errors turned into UsageErrors. */
export function readFlags<T extends FlagSpec>(args: string[], options: T): Flags<T> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The placeholder VAPID contact of `dwpush serve` and `dwpush send` (serve warns while it is in use). */
export const DEFAULT_VAPID_SUBJECT = 'mailto:webpush@localhost';

/** `--data-dir`, else `DWP_DATA_DIR`, else `.dwp-data`: the same directory for every command. */
export function dataDirFlag(flag: string | undefined): string {
  return resolve(flagOrEnv(flag, 'DWP_DATA_DIR', '.dwp-data'));
}

/** A flag's value, else the environment variable's, else the default. */
export function flagOrEnv(flag: string | undefined, variable: string, fallback: string): string;
export function flagOrEnv(flag: string | undefined, variable: string, fallback?: string): string | undefined;
export function flagOrEnv(flag: string | undefined, variable: string, fallback?: string): string | undefined {
  return flag ?? (process.env[variable] || undefined) ?? fallback;
}

export function readInteger(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

/** Prints an expected failure as one line (plus the usage for mistakes) and returns the exit code. */
export function reportFailure(command: string, error: unknown, usage: string): number {
  if (error instanceof UsageError) {
    process.stderr.write(`dwpush ${command}: ${error.message}\n\n${usage}`);
    return 2;
  }
  if (isPushError(error)) {
    process.stderr.write(`dwpush ${command}: ${error.message} [${error.code}]\n`);
    return 1;
  }
  throw error;
}
