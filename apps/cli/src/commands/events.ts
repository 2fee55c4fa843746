import type { EventDetail, EventSummary } from '@hookfleet/client';
import type { Command } from '../command.js';
import { printFields, printJson, printTable } from '../output.js';
import { collectPages, MAX_PAGE_SIZE, moreHint } from '../pages.js';
import type { Column } from '../table.js';
import { formatTimestamp, parseTimeFlag } from '../time.js';

const eventColumns: ReadonlyArray<Column<EventSummary>> = [
  { header: 'ID', value: (event) => event.id, maxWidth: 40 },
  { header: 'TYPE', value: (event) => event.type },
  { header: 'PROFILE', value: (event) => event.profile },
  { header: 'RECEIVED', value: (event) => formatTimestamp(event.received_at) },
];

const deliveryColumns: ReadonlyArray<Column<EventDetail['deliveries'][number]>> = [
  { header: 'DELIVERY', value: (delivery) => delivery.id },
  { header: 'SUBSCRIPTION', value: (delivery) => delivery.subscription_id },
  { header: 'STATUS', value: (delivery) => delivery.status },
];

/** The event log (GET /v1/events): what was published, within the retention, newest first. */
export const eventsList: Command = {
  name: 'events list',
  summary: 'list retained events, newest first (a tenant key lists its own; the operator names --tenant)',
  options: {
    tenant: { type: 'string', value: 'tenant', description: 'the tenant (needed with the operator token)' },
    type: { type: 'string', value: 'type', description: 'only events of this type' },
    profile: { type: 'string', value: 'profile', description: 'only this profile' },
    since: { type: 'string', value: 'time', description: 'from this time: 2h, 30m, 7d or ISO-8601' },
    until: { type: 'string', value: 'time', description: 'up to this time' },
    limit: { type: 'string', value: 'n', description: `at most n (1–${MAX_PAGE_SIZE}, default 50)` },
    cursor: { type: 'string', value: 'cursor', description: 'continue from a next_cursor' },
    all: { type: 'boolean', description: 'follow every cursor to the end' },
  },
  examples: ['hookfleet events list --tenant ten_123 --since 2h --type invoice.paid', 'hookfleet events list --tenant ten_123 --all --json'],
  async run({ io, json, client }, input) {
    const since = input.string('since');
    const until = input.string('until');
    const query = {
      tenant: input.string('tenant'),
      type: input.string('type'),
      profile: input.string('profile'),
      since: since === undefined ? undefined : parseTimeFlag('since', since).toISOString(),
      until: until === undefined ? undefined : parseTimeFlag('until', until).toISOString(),
      limit: input.integer('limit', { min: 1, max: MAX_PAGE_SIZE }),
    };
    const page = await collectPages((cursor) => client().events.list({ ...query, cursor }), { all: input.boolean('all'), cursor: input.string('cursor') });
    if (json) return printJson(io.stdout, page);
    printTable(io.stdout, eventColumns, page.data, 'no events match');
    io.stderr.write(moreHint(page.next_cursor));
  },
};

export const eventsShow: Command = {
  name: 'events show',
  summary: 'show one event: its data and the status of each of its deliveries',
  args: [{ name: 'event', description: 'the event id (evt_… or the id it was published with)' }],
  options: {},
  examples: ['hookfleet events show evt_123', 'hookfleet events show inv_1-paid --json | jq .data'],
  async run({ io, json, client }, input) {
    const event = await client().events.get(input.argument(0, 'event'));
    if (json) return printJson(io.stdout, event);
    printFields(io.stdout, [
      ['id', event.id],
      ['tenant', event.tenant],
      ['profile', event.profile],
      ['type', event.type],
      ['occurred', formatTimestamp(event.occurred_at)],
      ['received', formatTimestamp(event.received_at)],
      ['data', JSON.stringify(event.data)],
    ]);
    io.stdout.write('\n');
    printTable(io.stdout, deliveryColumns, event.deliveries, 'no deliveries: no subscription matched it');
  },
};
