import { Conflict, MAX_REGISTERED_EVENT_TYPES, NotFound, ValidationFailed, type EventTypeCreate, type EventTypePatch, type EventTypeView, type RegisteredEventType } from '@hookfleet/core';
import { findProfile, profiles, type JsonSchema } from '@hookfleet/profiles';
import type { EventTypeStore } from '@hookfleet/store';
import type { EventSchemas } from './event-schemas.js';

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
  private parsed: { raw: Readonly<Record<string, string>>; entries: RegisteredEventType[] } | undefined;

  constructor(
    private readonly store: EventTypeStore,
    private readonly schemas: EventSchemas,
  ) {}

  async list(profileName?: string): Promise<EventTypeView[]> {
    const documented = profiles
      .filter((profile) => !profileName || profile.name === profileName)
      .flatMap((profile) =>
        profile.events.map((event) => ({
          profile: profile.name,
          type: event.type,
          description: event.description,
          schema: profile.eventShape?.(event.type)?.data ?? null,
          deprecated: false,
        })),
      );
    const registered = (await this.registered())
      .filter((entry) => !profileName || entry.profile === profileName)
      .map((entry) => {
        const { profile, type, description, schema, deprecated } = view(entry);
        return { profile, type, description, schema, deprecated };
      });
    return [...documented, ...registered];
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
  private async registered(): Promise<RegisteredEventType[]> {
    const raw = await this.store.allRaw();
    if (this.parsed?.raw !== raw) {
      const entries = Object.values(raw)
        .map((text) => JSON.parse(text) as RegisteredEventType)
        .sort((a, b) => a.profile.localeCompare(b.profile) || a.type.localeCompare(b.type));
      this.parsed = { raw, entries };
    }
    return this.parsed.entries;
  }

  private checkSchema(schema: JsonSchema): void {
    const issues = this.schemas.schemaIssues(schema);
    if (issues.length > 0) throw new ValidationFailed('invalid JSON Schema', issues);
  }
}
