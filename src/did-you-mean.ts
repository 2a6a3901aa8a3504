import { pointer } from './finding.js';
import { WARNING, type LintReporter } from './lint-reporter.js';

/**
 * "Did you mean" for member names: a member a format does not define gets a suggestion only when it
 * is plausibly a typo or an old name of one it does; apps carry their own members beside the
 * envelope, so anything else stays silent (spec-notes.md#finding-codes, `unknown-member`).
 */

/** Old or foreign names that no edit distance finds, per place in the message. */
export type Aliases = Readonly<Record<string, string>>;

/**
 * The suggestion for `name` among `known` (a member name, or a pointer-like hint such as
 * `notification.navigate` from `aliases`), or undefined when nothing is close enough.
 */
function didYouMean(name: string, known: readonly string[], aliases: Aliases = {}): string | undefined {
  if (known.includes(name)) return undefined;
  if (Object.prototype.hasOwnProperty.call(aliases, name)) return aliases[name];
  const typo = TYPOS[normalize(name)];
  if (typo !== undefined && known.includes(typo)) return typo;
  const wanted = normalize(name);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(wanted, normalize(candidate));
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  // Case, `_` and `-` never count; then one edit for short names, two for long ones.
  if (best !== undefined && bestDistance <= (wanted.length >= 7 ? 2 : wanted.length >= 4 ? 1 : 0)) return best;
  return known.find((candidate) => isSkeletonOf(wanted, normalize(candidate)));
}

/**
 * The near miss an edit distance cannot see in names under four letters, where one edit is a third
 * of the name: the name written without its vowels (`bdy`, `icn`, `lng`), or that plus a plural `s`
 * (`tgs`). The first letter always stays, and a name under three letters never counts, so `id`,
 * `ts` or `url` (an app's own members) stay silent (spec-notes.md#did-you-mean).
 */
function isSkeletonOf(name: string, candidate: string): boolean {
  if (name.length < 3 || NOT_TYPOS.includes(name)) return false;
  const skeleton = candidate[0] + candidate.slice(1).replace(/[aeiou]/g, '');
  return skeleton.length < candidate.length && (name === skeleton || name === `${skeleton}s`);
}

/** Abbreviations that mean something of their own (a push message's time to live), not a typo of `title`. */
const NOT_TYPOS: readonly string[] = ['ttl'];

/** Misspellings too far for the edit distance but plainly meant (an English noun for the verb). */
const TYPOS: Readonly<Record<string, string>> = { navigation: 'navigate', navigateurl: 'navigate', vibration: 'vibrate' };

const normalize = (name: string) => name.toLowerCase().replace(/[_-]/g, '');

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), on short names. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return Infinity;
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * Reports `unknown-member` for each member of `map` that is not in `known` but close to a name
 * that is. An alias (an old or foreign name such as `url`) is not reported when the member it
 * suggests is already there: then it is likelier the app's own field than a mistake. Returns the
 * unknown members it left silent (the app's own).
 */
export function reportUnknownMembers(
  map: Record<string, unknown>,
  path: string,
  known: readonly string[],
  aliases: Aliases,
  isPresent: (suggestion: string) => boolean,
  reporter: LintReporter,
): string[] {
  const silent: string[] = [];
  for (const member of Object.keys(map)) {
    if (known.includes(member)) continue;
    const suggestion = didYouMean(member, known, aliases);
    const isAlias = Object.prototype.hasOwnProperty.call(aliases, member);
    if (suggestion !== undefined && !(isAlias && isPresent(suggestion))) {
      reporter.report('unknown-member', pointer(path, member), WARNING, { member, suggestion });
    } else silent.push(member);
  }
  return silent;
}
