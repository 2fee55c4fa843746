import { HookfleetApiError, HookfleetClientError, type EventInput, type PublishResult } from '@hookfleet/client';
import type { Command } from '../command.js';
import { FailedPartway } from '../errors.js';
import type { FieldFlags } from '../field-flags.js';
import { parseJsonFlag, readJsonSource } from '../json-input.js';
import { countOf, printJson } from '../output.js';
import { parseTimeFlag } from '../time.js';
import { buildEvents } from './publish-input.js';

function resultLine(result: PublishResult): string {
  return result.deduplicated ? `${result.id}: already published (deduplicated, nothing sent again)` : `published ${result.id}`;
}

/** A batch in one line: `published 3 events`, `published 1 event; 1 was already published (deduplicated)`. */
export function batchSummary(results: readonly PublishResult[]): string {
  const deduplicated = results.filter((result) => result.deduplicated).length;
  const again = deduplicated === 0 ? '' : `; ${deduplicated} ${deduplicated === 1 ? 'was' : 'were'} already published (deduplicated)`;
  return `published ${countOf(results.length - deduplicated, 'event')}${again}`;
}

/**
 * What a batch that failed part-way had done: how many of its events (the first ones, 500 a request) were accepted,
 * and whether sending the same events again is safe (`refused`: the API surely took nothing of the failed request).
 * It is safe when each accepted event carries its own `id`: the API keeps ids for 24 h and drops a second copy; an
 * event without one gets a new id on every run.
 */
export function acceptedBeforeFailure(events: readonly EventInput[], accepted: number, refused: boolean): string {
  const first =
    accepted === 1 ? `the first of the ${events.length} events (0) was` : `the first ${accepted} of the ${events.length} events (0-${accepted - 1}) were`;
  const rest = refused ? 'refusal, none after them' : "error; the failed request's events may or may not have been accepted";
  const done = `${first} accepted before this ${rest}`;
  const withoutId = events.slice(0, accepted).filter((event) => event.id === undefined).length;
  const again =
    withoutId === 0
      ? 'sending the same events again is safe: the accepted ones keep their ids, so they are not delivered twice'
      : `${countOf(withoutId, 'accepted event')} had no "id" and would get a new one if sent again, so ${withoutId === 1 ? 'it' : 'they'} would be delivered twice: send only the events from ${accepted} on, or give every event an "id"`;
  return `${done}; ${again}`;
}

/** The event fields the flags set; each applies to every event, so `events.3.type` is --type's too. `--data` is raw JSON. */
const eventFieldFlags: FieldFlags = [
  { path: 'tenant', flag: '--tenant' },
  { path: 'profile', flag: '--profile' },
  { path: 'type', flag: '--type' },
  { path: 'id', flag: '--id' },
  { path: 'occurred_at', flag: '--occurred-at' },
];

/** A 4xx, or a 503 (nothing of that request was accepted); a 500 or no answer may come after the API acted. */
function surelyRefused(error: unknown): boolean {
  return error instanceof HookfleetApiError && (error.status < 500 || error.status === 503);
}

export const publish: Command = {
  name: 'publish',
  summary: 'publish events (operator token): from flags, a JSON file, or stdin',
  options: {
    tenant: { type: 'string', value: 'tenant', description: 'the tenant the event belongs to' },
    profile: { type: 'string', value: 'profile', description: 'the provider profile (default standard)' },
    type: { type: 'string', value: 'type', description: 'the event type, e.g. invoice.paid' },
    data: { type: 'string', value: 'json', description: 'the event data as JSON' },
    id: { type: 'string', value: 'id', description: 'the event id; the same id within 24 h is delivered once (default: generated)' },
    'occurred-at': { type: 'string', value: 'time', description: 'when it happened: ISO-8601 or a duration before now (default: now)' },
    file: {
      type: 'string',
      short: 'f',
      value: 'path',
      description: 'a JSON file (- for stdin): one event, an array, or { "events": [ … ] }; flags apply to every event',
    },
  },
  examples: [
    'hookfleet publish --tenant ten_123 --type invoice.paid --data \'{"id": "inv_1", "total": 42}\'',
    'hookfleet publish --tenant ten_123 --file events.json',
    "jq -c '.[]' exported.json | jq -s . | hookfleet publish --file - --json",
  ],
  fieldFlags: [...eventFieldFlags, ...eventFieldFlags.map((row) => ({ ...row, path: `events.*.${row.path}` }))],
  async run({ io, json, client }, input) {
    const file = input.string('file');
    const data = input.string('data');
    const occurredAt = input.string('occurred-at');
    const events = buildEvents(file === undefined ? undefined : await readJsonSource('file', file, io), {
      tenant: input.string('tenant'),
      profile: input.string('profile'),
      type: input.string('type'),
      data: data === undefined ? undefined : parseJsonFlag('data', data),
      id: input.string('id'),
      occurred_at: occurredAt === undefined ? undefined : parseTimeFlag('occurred-at', occurredAt).toISOString(),
    }) as EventInput[];
    if (events.length === 1 && file === undefined) {
      const result = await client().publish(events[0] as EventInput);
      if (json) return printJson(io.stdout, result);
      io.stdout.write(`${resultLine(result)}\n`);
      return;
    }
    const results = await client()
      .publishBatch(events)
      .catch((error: unknown) => {
        const accepted = error instanceof HookfleetClientError ? (error.accepted ?? []) : [];
        if (accepted.length === 0) throw error;
        // A script reading --json learns the ids of the events that were accepted (generated ones included), as
        // `retry` and `subscriptions delete` print what they did before failing.
        if (json) printJson(io.stdout, { results: accepted });
        throw new FailedPartway(error, acceptedBeforeFailure(events, accepted.length, surelyRefused(error)));
      });
    if (json) return printJson(io.stdout, { results });
    io.stdout.write(`${results.length === 1 ? resultLine(results[0] as PublishResult) : batchSummary(results)}\n`);
  },
};
