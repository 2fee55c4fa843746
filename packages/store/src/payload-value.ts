/**
 * What an event's payload key holds (Keys.event): `[<marker> ]<event JSON>[\n[+]<subscription ids>]…`.
 *
 * - **The dedupe marker** (docs/architecture.md, "Ingest"), where the payload is stored for at least the dedupe
 *   window and is not dropped once its deliveries end (retention 0 drops it): the payload key itself says that its
 *   id was seen, its value beginning with what a marker key would hold — on a single Redis the ingest flush that
 *   stored it, on a cluster "0" (stored) or "1" (its matcher job enqueued) — and one space. One key an event instead
 *   of two (bench/README.md, the twenty-second round). A payload without one (stored beside a marker key, under a
 *   shorter retention, or by an earlier version) begins with the JSON's `{`, which no marker does.
 * - **The subscriptions the event was matched to**, appended by the scripts that create its deliveries, a line of
 *   space-separated ids each time (a re-run or a replay may repeat an id; readers keep each once). Only read while
 *   the event is (GET /v1/events/:id, retention 0's release), so they live and go with the payload, where a key of
 *   their own cost a key and its TTL an event. JSON.stringify writes no raw line break, so the first one ends the JSON.
 * - **The subscriptions the event was handed over to at acceptance**, a line `+<id> <id> …` that the API's accept
 *   script writes in the SET that stores the payload: batching subscriptions whose batch job the API adds itself, so
 *   their delivery records may not exist yet (apps/api/src/ingest-batcher.ts). Each is one of the event's
 *   subscriptions like any other; one without a record is a delivery still pending, not one that has ended and gone.
 *   Subscription ids hold neither `+` nor a space, so the `+` is only ever such a line's first character.
 */

/** What begins a line of handed-over subscriptions in a payload key's value. */
export const HANDED_OVER_LINE_PREFIX = '\n+';

/** The line that says an event was handed over to these subscriptions ('' for none), to append to its payload. */
export function handedOverLine(subscriptionIds: readonly string[]): string {
  return subscriptionIds.length > 0 ? HANDED_OVER_LINE_PREFIX + subscriptionIds.join(' ') : '';
}

/** The value of a payload key that carries its marker. */
export function markedPayload(marker: string, json: string): string {
  return `${marker} ${json}`;
}

/** The event's JSON in a payload key's value. */
export function payloadJson(stored: string): string {
  const start = stored.charCodeAt(0) === 0x7b ? 0 : stored.indexOf(' ') + 1;
  const end = stored.indexOf('\n', start);
  return start === 0 && end < 0 ? stored : stored.slice(start, end < 0 ? undefined : end);
}

/** The lines after a payload key's value's JSON. */
function linesOfPayload(stored: string | null | undefined): string[] {
  const end = stored ? stored.indexOf('\n') : -1;
  return stored && end >= 0 ? stored.slice(end + 1).split('\n') : [];
}

/** The ids of some lines, each once, in the order first appended. */
function idsOfLines(lines: readonly string[]): string[] {
  return [...new Set(lines.join(' ').split(/[ +]/))].filter(Boolean);
}

/**
 * The subscriptions appended to a payload key's value, handed over or matched, each once, in the order first appended.
 */
export function subscriptionIdsOfPayload(stored: string | null | undefined): string[] {
  return idsOfLines(linesOfPayload(stored));
}

/** The subscriptions a payload key's value says the event was handed over to at acceptance, each once. */
export function handedOverIdsOfPayload(stored: string | null | undefined): string[] {
  return idsOfLines(linesOfPayload(stored).filter((line) => line.startsWith('+')));
}

/**
 * Lua: `markerOfPayload(stored)`, the marker a payload's value begins with, or nil when it carries none;
 * `subscriptionsOfPayload(stored)`, the appended subscriptions' part of it (its first line break on, `+` lines and
 * all), or '' — kept when an unconfirmed event's payload is stored again.
 */
export const PAYLOAD_VALUE_LUA = `
local function markerOfPayload(stored)
  if string.byte(stored, 1) == 123 then return nil end
  return string.match(stored, '^(%S+) ')
end
local function subscriptionsOfPayload(stored)
  if not stored then return '' end
  local at = string.find(stored, '\\n', 1, true)
  return at and string.sub(stored, at) or ''
end
`;
