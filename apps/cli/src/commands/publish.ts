import type { EventInput, PublishResult } from '@hookfleet/client';
import type { Command } from '../command.js';
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
    const results = await client().publishBatch(events);
    if (json) return printJson(io.stdout, { results });
    io.stdout.write(`${results.length === 1 ? resultLine(results[0] as PublishResult) : batchSummary(results)}\n`);
  },
};
