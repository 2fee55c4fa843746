import { UsageError } from '../errors.js';

/** Event fields given as flags; each applies to every event (a file's own value included). */
export interface EventFlags {
  tenant?: string | undefined;
  profile?: string | undefined;
  type?: string | undefined;
  data?: unknown;
  id?: string | undefined;
  occurred_at?: string | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function itemsOf(document: unknown): unknown[] {
  if (Array.isArray(document)) return document;
  if (isObject(document) && Array.isArray(document.events)) return document.events;
  if (isObject(document)) return [document];
  throw new UsageError('the events file must hold an event object, an array of events, or { "events": [ … ] }');
}

/**
 * The events to publish: from a JSON document (one event, an array, or a batch body) and/or the flags. Flags win
 * over the document; `profile` defaults to `standard`. Fields are not checked here: the SDK checks every event with
 * the API's own schema and names each bad field (`events.3.type`).
 */
export function buildEvents(document: unknown, flags: EventFlags): Array<Record<string, unknown>> {
  const given = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
  const items = document === undefined ? [{}] : itemsOf(document);
  if (items.length === 0) throw new UsageError('the events file holds no events');
  if (flags.id !== undefined && items.length > 1) throw new UsageError(`--id names one event, but the file holds ${items.length}`);
  return items.map((item, index) => {
    if (!isObject(item)) throw new UsageError(`event ${index} in the file is not a JSON object`);
    return { profile: 'standard', ...item, ...given };
  });
}
