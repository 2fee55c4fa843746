import type { Delivery, DeliveryStatus } from '@hookfleet/client';
import type { Command } from '../command.js';
import { FailedPartway, UsageError } from '../errors.js';
import { printFields, printJson, printTable } from '../output.js';
import { collectPages, MAX_PAGE_SIZE, moreHint } from '../pages.js';
import type { Column } from '../table.js';
import { formatRelative, parseTimeFlag } from '../time.js';

const STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed', 'dead'];

function parseStatus(text: string | undefined): DeliveryStatus | undefined {
  if (text === undefined) return undefined;
  const status = STATUSES.find((candidate) => candidate === text);
  if (!status) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, got "${text}"`);
  return status;
}

const deliveryColumns: ReadonlyArray<Column<Delivery>> = [
  { header: 'ID', value: (delivery) => delivery.id },
  { header: 'EVENT', value: (delivery) => delivery.event_id, maxWidth: 40 },
  { header: 'STATUS', value: (delivery) => delivery.status },
  { header: 'ATTEMPTS', value: (delivery) => String(delivery.attempts), align: 'right' },
  { header: 'NEXT ATTEMPT', value: (delivery) => formatRelative(delivery.next_attempt_at) },
];

export const deliveriesList: Command = {
  name: 'deliveries list',
  summary: "list a subscription's deliveries, newest first: dead ones are its dead-letter queue",
  args: [{ name: 'subscription', description: 'the subscription id (or --subscription)' }],
  options: {
    subscription: { type: 'string', short: 's', value: 'id', description: 'the subscription' },
    status: { type: 'string', value: 'status', description: STATUSES.join(' | ') },
    since: { type: 'string', value: 'time', description: 'from this time: 2h, 30m, 7d or ISO-8601' },
    until: { type: 'string', value: 'time', description: 'up to this time' },
    limit: { type: 'string', value: 'n', description: `at most n (1–${MAX_PAGE_SIZE}, default 50)` },
    cursor: { type: 'string', value: 'cursor', description: 'continue from a next_cursor' },
    all: { type: 'boolean', description: 'follow every cursor to the end' },
  },
  examples: ['hookfleet deliveries list sub_123 --status dead --since 12h', 'hookfleet deliveries list --subscription sub_123 --all --json'],
  async run({ io, json, client }, input) {
    const subscription = input.string('subscription') ?? input.argument(0, 'subscription');
    const since = input.string('since');
    const until = input.string('until');
    const query = {
      subscription,
      status: parseStatus(input.string('status')),
      since: since === undefined ? undefined : parseTimeFlag('since', since).toISOString(),
      until: until === undefined ? undefined : parseTimeFlag('until', until).toISOString(),
      limit: input.integer('limit', { min: 1, max: MAX_PAGE_SIZE }),
    };
    const page = await collectPages((cursor) => client().deliveries.list({ ...query, cursor }), { all: input.boolean('all'), cursor: input.string('cursor') });
    if (json) return printJson(io.stdout, page);
    printTable(io.stdout, deliveryColumns, page.data, 'no deliveries match');
    io.stderr.write(moreHint(page.next_cursor));
  },
};

export const deliveriesShow: Command = {
  name: 'deliveries show',
  summary: 'show one delivery: its status, attempts and next attempt',
  args: [{ name: 'delivery', description: 'the delivery id (the webhook-id receivers see)' }],
  options: {},
  examples: ['hookfleet deliveries show dlv_123'],
  async run({ io, json, client }, input) {
    const delivery = await client().deliveries.get(input.argument(0, 'delivery'));
    if (json) return printJson(io.stdout, delivery);
    printFields(io.stdout, [
      ['id', delivery.id],
      ['event', delivery.event_id],
      ['subscription', delivery.subscription_id],
      ['status', delivery.status],
      ['attempts', String(delivery.attempts)],
      ['next attempt', formatRelative(delivery.next_attempt_at)],
    ]);
  },
};

export const retry: Command = {
  name: 'retry',
  summary: 'attempt deliveries once more now, with the same webhook-id',
  args: [{ name: 'delivery', description: 'one or more delivery ids', variadic: true }],
  options: {},
  examples: ['hookfleet retry dlv_123', 'hookfleet retry dlv_123 dlv_456 --json'],
  async run({ io, json, client }, input) {
    const ids = [input.argument(0, 'delivery'), ...input.positionals.slice(1)];
    const retried: Delivery[] = [];
    for (const id of ids) {
      const delivery = await client()
        .deliveries.retry(id)
        .catch((error: unknown) => {
          // The ones before it were queued: a script reading --json learns which, and the message says so too.
          if (retried.length === 0) throw error;
          if (json) printJson(io.stdout, { data: retried });
          throw new FailedPartway(error, `${retried.map((done) => done.id).join(', ')} ${retried.length === 1 ? 'was' : 'were'} queued before it; ${ids.length - retried.length} not`);
        });
      retried.push(delivery);
      if (!json) io.stdout.write(`${delivery.id}: ${delivery.status}, attempt ${delivery.attempts + 1} queued now\n`);
    }
    if (json) printJson(io.stdout, ids.length === 1 ? retried[0] : { data: retried });
  },
};
