import { Conflict, MAX_REGISTERED_EVENT_TYPES, NOT_OUR_CURSOR, NotFound, ValidationFailed, type EventTypeCreate, type EventTypePatch, type EventTypeView, type Page, type RegisteredEventType } from '@hookfleet/core';
import { findProfile, profiles, type JsonSchema } from '@hookfleet/profiles';
import type { EventTypeStore } from '@hookfleet/store';
import type { EventSchemas } from './event-schemas.js';
import { compareRegistered, decodeEventTypeCursor, pageOf, type CatalogueEntry } from './event-type-page.js';

/** `GET /v1/event-types`: `profile` filters; `limit` and `cursor` page as on the other lists. */
export interface EventTypeListQuery {
  profile?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** A registered type as stored, and as listed (weighed by the length of its stored JSON, a little more than its entry's). */
interface ParsedRegistered {
  entry: RegisteredEventType;
  listed: CatalogueEntry;
}

/** Every profile's documented types and shapes (packages/profiles), in its declared order: the same for the process's life. */
let documentedCatalogue: CatalogueEntry[] | undefined;

function documented(): CatalogueEntry[] {
  documentedCatalogue ??= profiles.flatMap((profile) =>
    profile.events.map((event) => {
      const view: EventTypeView = { profile: profile.name, type: event.type, description: event.description, schema: profile.eventShape?.(event.type)?.data ?? null, deprecated: false };
      return { view, section: 'documented' as const, bytes: JSON.stringify(view).length };
    }),
  );
  return documentedCatalogue;
}

function view(entry: RegisteredEventType): EventTypeView & Pick<RegisteredEventType, 'created_at' | 'updated_at'> {
  const { profile, type, description, schema, deprecated, created_at, updated_at } = entry;
  return { profile, type, description: description ?? '', schema, deprecated, created_at, updated_at };
}

/**
 * The event catalogue with its schemas: each profile's documented types and shapes (data in packages/profiles), and
 * the types operators register for profiles with an open catalogue (the standard profile).
 */
export class EventTypeService {
  /** The registered types as last parsed, kept while the store answers the same copy (it does until a change). */
  private parsed: { raw: Readonly<Record<string, string>>; entries: ParsedRegistered[] } | undefined;

  constructor(
    private readonly store: EventTypeStore,
    private readonly schemas: EventSchemas,
  ) {}

  /**
   * A page of the catalogue: the documented types, then the registered ones (sorted by profile and type), from just
   * past the cursor's entry; bounded by `limit` and by the page's weight (event-type-page.ts).
   */
  async list(query: EventTypeListQuery): Promise<Page<EventTypeView>> {
    const after = query.cursor === undefined ? undefined : decodeEventTypeCursor(query.cursor);
    const inProfile = (entry: CatalogueEntry) => !query.profile || entry.view.profile === query.profile;
    let documentedFrom = 0;
    if (after?.section === 'documented') {
      const index = documented().findIndex(({ view }) => view.profile === after.profile && view.type === after.type);
      // Not one of this release's documented types: a cursor edited, or from a release that documented another.
      if (index < 0) throw new ValidationFailed('invalid cursor', [{ path: 'cursor', message: NOT_OUR_CURSOR }]);
      documentedFrom = index + 1;
    }
    const registered = await this.registered();
    function* remaining(): Generator<CatalogueEntry> {
      if (after?.section !== 'registered') {
        for (const entry of documented().slice(documentedFrom)) if (inProfile(entry)) yield entry;
      }
      for (const { entry, listed } of registered) {
        if (after?.section === 'registered' && compareRegistered(entry, after) <= 0) continue;
        if (inProfile(listed)) yield listed;
      }
    }
    return pageOf(remaining(), query.limit);
  }

  async create(input: EventTypeCreate) {
    const profile = findProfile(input.profile);
    if (!profile) throw new ValidationFailed('unknown profile', [{ path: 'profile', message: `unknown profile ${input.profile}` }]);
    if (!profile.openCatalogue) {
      throw new ValidationFailed('provider profiles carry their own types', [
        { path: 'profile', message: `profile ${profile.name} documents its own event types and shapes; types are registered for the standard profile` },
      ]);
    }
    if (!profile.isKnownEventType(input.type)) throw new ValidationFailed('invalid event type', [{ path: 'type', message: `${input.type} is not a valid ${profile.name} event type (dotted names such as invoice.paid)` }]);
    this.checkSchema(input.schema);
    const now = new Date().toISOString();
    const entry: RegisteredEventType = { profile: profile.name, type: input.type, description: input.description ?? null, schema: input.schema, deprecated: false, created_at: now, updated_at: now };
    const created = await this.store.create(entry, MAX_REGISTERED_EVENT_TYPES);
    if (created === 'exists') throw new Conflict(`event type ${profile.name} ${input.type} is already registered: change it with PATCH`);
    if (created === 'full') throw new Conflict(`${MAX_REGISTERED_EVENT_TYPES} event types are registered, the most allowed; no more can be registered (an unused one can be given another schema with PATCH)`);
    this.schemas.invalidate();
    return view(entry);
  }

  async update(profile: string, type: string, patch: EventTypePatch) {
    const current = await this.store.get(profile, type);
    if (!current) throw new NotFound(`event type ${profile} ${type} is not registered`);
    if (patch.schema) this.checkSchema(patch.schema);
    const next: RegisteredEventType = { ...current, updated_at: new Date().toISOString() };
    if (patch.description !== undefined) next.description = patch.description;
    if (patch.schema !== undefined) next.schema = patch.schema;
    if (patch.deprecated !== undefined) next.deprecated = patch.deprecated;
    await this.store.save(next);
    this.schemas.invalidate();
    return view(next);
  }

  /** Every registered type, sorted by profile and type; parsed again only when the store's copy changed. */
  private async registered(): Promise<ParsedRegistered[]> {
    const raw = await this.store.allRaw();
    if (this.parsed?.raw !== raw) {
      const entries = Object.values(raw)
        .map((text): ParsedRegistered => {
          const entry = JSON.parse(text) as RegisteredEventType;
          const { profile, type, description, schema, deprecated } = view(entry);
          return { entry, listed: { view: { profile, type, description, schema, deprecated }, section: 'registered', bytes: text.length } };
        })
        .sort((a, b) => compareRegistered(a.entry, b.entry));
      this.parsed = { raw, entries };
    }
    return this.parsed.entries;
  }

  private checkSchema(schema: JsonSchema): void {
    const issues = this.schemas.schemaIssues(schema);
    if (issues.length > 0) throw new ValidationFailed('invalid JSON Schema', issues);
  }
}
