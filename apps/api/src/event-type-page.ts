import { NOT_OUR_CURSOR, ValidationFailed, type EventTypeView, type Page } from '@hookfleet/core';

/**
 * The most a page of `GET /v1/event-types` may weigh (its entries as JSON, about): past it the page ends early, with
 * a `next_cursor`, whatever its `limit`. A registered schema may weigh 64 KB (MAX_EVENT_SCHEMA_JSON_LENGTH,
 * packages/core/src/event-type-schemas.ts), so 500 entries, the most `limit` allows as on the other lists, could
 * make 32 MB; at 1 MiB, the most a request body may weigh too, a page of the largest schemas still holds 15 of them,
 * and a page of common ones (a few hundred bytes) is bounded by its `limit` alone.
 */
export const MAX_EVENT_TYPE_PAGE_BYTES = 1024 * 1024;

/**
 * Where an entry stands in the catalogue's order: every profile's documented types first, in the order its profile
 * declares them; then the registered ones, by profile and type.
 */
export type CatalogueSection = 'documented' | 'registered';

export interface CataloguePosition {
  section: CatalogueSection;
  profile: string;
  type: string;
}

/** An entry of the catalogue with its place in the order and about what it weighs as JSON. */
export interface CatalogueEntry {
  view: EventTypeView;
  section: CatalogueSection;
  bytes: number;
}

const SECTION_CODES: Record<CatalogueSection, string> = { documented: 'd', registered: 'r' };

/** A page's cursor: the section, profile and type of its last entry, so entries added or removed move nothing past. */
export function encodeEventTypeCursor({ section, profile, type }: CataloguePosition): string {
  return Buffer.from(JSON.stringify([SECTION_CODES[section], profile, type])).toString('base64url');
}

const notOurCursor = () => new ValidationFailed('invalid cursor', [{ path: 'cursor', message: NOT_OUR_CURSOR }]);

/** The position a cursor names; a cursor this API did not give out is a 400 at `cursor`. */
export function decodeEventTypeCursor(cursor: string): CataloguePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw notOurCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((part) => typeof part === 'string' && part.length > 0)) throw notOurCursor();
  const [code, profile, type] = parsed as [string, string, string];
  const section = code === 'd' ? 'documented' : code === 'r' ? 'registered' : undefined;
  if (!section) throw notOurCursor();
  return { section, profile, type };
}

/** The order of registered types, by code unit (not by locale), so a cursor's position compares the same everywhere. */
export function compareRegistered(a: { profile: string; type: string }, b: { profile: string; type: string }): number {
  if (a.profile !== b.profile) return a.profile < b.profile ? -1 : 1;
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  return 0;
}

/**
 * One page of `entries` (already those after the cursor, in order): at most `limit` of them and, past the first, at
 * most MAX_EVENT_TYPE_PAGE_BYTES together; `next_cursor` names its last entry when any are left.
 */
export function pageOf(entries: Iterable<CatalogueEntry>, limit: number, maxBytes = MAX_EVENT_TYPE_PAGE_BYTES): Page<EventTypeView> {
  const data: EventTypeView[] = [];
  let last: CatalogueEntry | undefined;
  let bytes = 0;
  for (const entry of entries) {
    if (last && (data.length >= limit || bytes + entry.bytes > maxBytes)) {
      return { data, next_cursor: encodeEventTypeCursor({ section: last.section, profile: last.view.profile, type: last.view.type }) };
    }
    data.push(entry.view);
    bytes += entry.bytes;
    last = entry;
  }
  return { data, next_cursor: null };
}
