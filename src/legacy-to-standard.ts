import { WEB_PUSH_MAGIC } from './constants.js';
import { note, type ConversionNote } from './conversion-note.js';
import type { StandardMessageJSON } from './declarative-message.js';
import { has, isMap, type JsonMap } from './json-value.js';
import { STANDARD_NOTIFICATION_NAMES } from './notification-members.js';

/** Declarative notification member -> dot path in the site's own payload (`navigate` -> `url`). */
export type MemberMap = Readonly<Record<string, string>>;

/** Where a site's own payload most often keeps the click URL: named in the hint when `navigate` is unmapped. */
const URL_NAMES = ['url', 'link', 'click_action', 'clickAction', 'href', 'target'];

/** The declarative members `--map` may name (spec-notes.md#converting-messages). */
export const MAPPABLE_MEMBERS: readonly string[] = STANDARD_NOTIFICATION_NAMES;

/**
 * Converts a site's own payload shape: each declarative notification member is read from the dot
 * path `map` gives it (`image.src`), or from the member of the same name at the top level. Input
 * members no mapping read are dropped, with a note each (spec-notes.md#converting-messages).
 */
export function legacyToStandard(input: JsonMap, map: MemberMap): { message: StandardMessageJSON; notes: ConversionNote[] } {
  const notes: ConversionNote[] = [];
  const notification: JsonMap = {};
  // What the map reads first: an unmapped member's same-name default never takes an input member
  // a mapping already reads (`icon=image.src` leaves `image` to the icon).
  const mapped = new Set(Object.values(map).map((path) => path.split('.')[0]!));
  const read = new Set<string>();
  for (const member of MAPPABLE_MEMBERS) {
    const path = map[member] ?? member;
    if (map[member] === undefined && mapped.has(member)) continue;
    const value = readPath(input, path);
    if (value === undefined) continue;
    notification[member] = value;
    read.add(path.split('.')[0]!);
  }
  if (!has(notification, 'navigate')) {
    const candidate = URL_NAMES.find((name) => has(input, name));
    notes.push(note('navigate-missing', map.navigate ?? 'navigate', `nothing to map to \`navigate\`, the URL a click opens: ${candidate ? `try --map navigate=${candidate}` : 'map it with --map navigate=PATH'}`));
  }
  for (const name of Object.keys(input)) {
    if (!read.has(name)) notes.push(note('dropped', name, `no declarative member is mapped to it (--map MEMBER=${name} to keep it; data=${name} keeps it as the notification's data)`));
  }
  return { message: { web_push: WEB_PUSH_MAGIC, notification: notification as StandardMessageJSON['notification'] }, notes };
}

/** The value at a dot path (`image.src`, `actions.0.title`), own members only; undefined when absent. */
export function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const segment of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (isMap(current) && has(current, segment)) current = current[segment];
    else return undefined;
  }
  return current;
}
