// TEMPORARY stand-in
import type { Finding } from './finding.js';

/** Stand-in for the real formatter: the code is the message. Replaced at merge. */
export function describeFinding(f: Finding): { message: string; hint?: string } {
  return { message: f.code };
}
