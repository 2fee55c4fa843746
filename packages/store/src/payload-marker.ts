/**
 * An event's dedupe marker carried in its payload's value (docs/architecture.md, "Ingest"). A payload stored for at
 * least the dedupe window, and not dropped once its deliveries end (retention 0 drops it), can itself say that its id
 * was seen: its value begins with what a marker key would hold — on a single Redis the ingest flush that stored it,
 * on a cluster "0" (stored) or "1" (its matcher job enqueued) — and one space, then the event's JSON. One key an
 * event instead of two (bench/README.md, the twenty-second round: 2.3 µs of Redis CPU and 190 bytes an event).
 * A payload without one (stored by an earlier version, or under a retention shorter than the window, beside a marker
 * key) is the JSON alone, whose first character is `{`; no marker starts with one.
 */

/** The value of a payload key that carries its marker. */
export function markedPayload(marker: string, json: string): string {
  return `${marker} ${json}`;
}

/** The event's JSON in a payload key's value, with or without a marker before it. */
export function payloadJson(stored: string): string {
  return stored.charCodeAt(0) === 0x7b ? stored : stored.slice(stored.indexOf(' ') + 1);
}

/** Lua: `markerOfPayload(stored)`, the marker a payload's value begins with, or nil when it carries none. */
export const MARKER_OF_PAYLOAD_LUA = `
local function markerOfPayload(stored)
  if string.byte(stored, 1) == 123 then return nil end
  return string.match(stored, '^(%S+) ')
end
`;
