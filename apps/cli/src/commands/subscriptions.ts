import type { RateLimit, SubscriptionInput } from '@hookfleet/client';
import { parseSignatureScheme, signatureOption } from './signature-option.js';
import type { Command, ParsedInput } from '../command.js';
import { CommandFailed, FailedPartway, UsageError } from '../errors.js';
import type { FieldFlags } from '../field-flags.js';
import { canAsk, confirm } from '../io.js';
import { parseJsonFlag } from '../json-input.js';
import { printFields, printJson, printTable } from '../output.js';
import { collectPages, MAX_PAGE_SIZE, moreHint } from '../pages.js';
import { parseDurationMs } from '../time.js';
import { subscriptionColumns, subscriptionFields } from './subscription-view.js';
import { destinationInput, destinationOption } from './destination-flag.js';
import { endpointOptionFieldFlags, endpointOptionFlags, endpointOptionsInput } from './endpoint-option-flags.js';
import { metadataOption, parseMetadataFlag } from './metadata-flag.js';

const tenantOption = { type: 'string', value: 'tenant', description: 'the tenant (needed with the operator token; a tenant key implies its own)' } as const;

/** `ordered` (docs/delivery.md, "Ordered subscriptions"), on create and update alike. */
export const orderedOption = {
  type: 'boolean',
  description: 'deliver one at a time, in event order: a failing delivery holds the ones after it until it succeeds or dies',
} as const;

/** The API fields that `subscriptions create` and `update` write from flags of the same names. */
export const subscriptionFieldFlags: FieldFlags = [
  { path: 'events', flag: '--events' },
  { path: 'signature', flag: '--signature' },
  { path: 'description', flag: '--description' },
  { path: 'delay_seconds', flag: '--delay', unit: 's' },
  { path: 'rate_limit.per_second', flag: '--rate-limit', unit: 'per_second' },
  { path: 'rate_limit.per_minute', flag: '--rate-limit', unit: 'per_minute' },
  { path: 'rate_limit', flag: '--rate-limit' },
  { path: 'ordered', flag: '--ordered' },
  ...endpointOptionFieldFlags,
];

/** `10/s`, `600/m` (also `/sec`, `/min`). */
export function parseRateLimit(text: string): RateLimit {
  const match = /^(\d+)\s*\/\s*(s|sec|second|m|min|minute)$/i.exec(text.trim());
  const amount = Number(match?.[1]);
  if (!match || amount <= 0) throw new UsageError(`--rate-limit must look like 10/s or 600/m, got "${text}"`);
  return match[2]?.toLowerCase().startsWith('s') ? { per_second: amount } : { per_minute: amount };
}

/** `--delay 90`, `--delay 90s` or `--delay 5m`, as whole seconds. */
export function parseDelaySeconds(text: string): number {
  const trimmed = text.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : parseDurationMs(trimmed);
  if (ms === undefined || !Number.isInteger(ms / 1000)) throw new UsageError(`--delay must be whole seconds (90) or a duration (90s, 5m), got "${text}"`);
  return ms / 1000;
}

function subscriptionInput(input: ParsedInput): SubscriptionInput {
  const events = input.list('events');
  if (events.length === 0) throw new UsageError('--events is required (comma-separated types or patterns: invoice.paid,order.*)');
  const metadata = input.string('metadata');
  const rateLimit = input.string('rate-limit');
  const delay = input.string('delay');
  const filter = input.string('filter');
  return {
    ...destinationInput(input),
    events,
    ...(input.string('profile') ? { profile: input.string('profile') } : {}),
    ...(input.string('tenant') ? { tenant: input.string('tenant') } : {}),
    ...(input.string('secret') ? { secret: input.string('secret') } : {}),
    ...(input.string('description') !== undefined ? { description: input.string('description') } : {}),
    ...(input.string('created-by') ? { created_by: input.string('created-by') } : {}),
    ...(metadata !== undefined ? { metadata: parseMetadataFlag(metadata) } : {}),
    ...(rateLimit !== undefined ? { rate_limit: parseRateLimit(rateLimit) } : {}),
    ...(delay !== undefined ? { delay_seconds: parseDelaySeconds(delay) } : {}),
    ...(input.boolean('inactive') ? { active: false } : {}),
    ...(input.boolean('ordered') ? { ordered: true } : {}),
    ...(filter !== undefined ? { filter: parseJsonFlag('filter', filter) as SubscriptionInput['filter'] } : {}),
    ...parseSignatureScheme(input),
    ...endpointOptionsInput(input),
  };
}

export const subscriptionsList: Command = {
  name: 'subscriptions list',
  summary: 'list subscriptions, oldest first (in the order they were created)',
  options: {
    tenant: tenantOption,
    profile: { type: 'string', value: 'profile', description: 'only this profile' },
    limit: { type: 'string', value: 'n', description: `at most n (1–${MAX_PAGE_SIZE}, default 50)` },
    cursor: { type: 'string', value: 'cursor', description: 'continue from a next_cursor' },
    all: { type: 'boolean', description: 'follow every cursor to the end' },
  },
  examples: ['hookfleet subscriptions list --tenant ten_123', 'hookfleet subscriptions list --profile paymo --all --json'],
  async run({ io, json, client }, input) {
    const tenant = input.string('tenant');
    const profile = input.string('profile');
    const limit = input.integer('limit', { min: 1, max: MAX_PAGE_SIZE });
    const page = await collectPages((cursor) => client().subscriptions.list({ tenant, profile, limit, cursor }), {
      all: input.boolean('all'),
      cursor: input.string('cursor'),
    });
    if (json) return printJson(io.stdout, page);
    printTable(io.stdout, subscriptionColumns, page.data, 'no subscriptions');
    io.stderr.write(moreHint(page.next_cursor));
  },
};

export const subscriptionsCreate: Command = {
  name: 'subscriptions create',
  summary: 'create a subscription: where to deliver which events',
  args: [{ name: 'endpoint-url', description: 'the http(s) URL that receives the deliveries (or --destination)' }],
  options: {
    destination: destinationOption,
    events: { type: 'string', multiple: true, value: 'types', description: 'event types or patterns, comma-separated: invoice.paid,order.*,* (required)' },
    tenant: tenantOption,
    profile: { type: 'string', value: 'profile', description: 'the provider profile (default standard)' },
    secret: { type: 'string', value: 'secret', description: 'the signing secret (default: a generated whsec_… for signing profiles)' },
    signature: signatureOption,
    description: { type: 'string', value: 'text', description: 'a note for people' },
    metadata: metadataOption,
    delay: { type: 'string', value: 'seconds', description: 'wait this long after each event before the first attempt (90, 90s, 5m)' },
    'rate-limit': { type: 'string', value: 'rate', description: 'at most this many deliveries: 10/s or 600/m' },
    'created-by': { type: 'string', value: 'who', description: 'who made it, for the record' },
    inactive: { type: 'boolean', description: 'create it disabled: it receives nothing until enabled' },
    ordered: orderedOption,
    filter: { type: 'string', value: 'json', description: 'deliver only events this predicate takes: {"data.amount":{"$gte":100}}' },
    ...endpointOptionFlags,
  },
  examples: [
    'hookfleet subscriptions create https://example.com/hooks --tenant ten_123 --events "invoice.*,order.paid"',
    'hookfleet subscriptions create http://127.0.0.1:8787/hook --events "*" --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    'hookfleet subscriptions create --events "order.*" --destination \'{"type":"nats","servers":["nats://nats.internal:4222"],"subject":"webhooks.orders"}\'',
    `hookfleet subscriptions create https://example.com/hooks --events "order.*" --filter '{"data.currency":{"$in":["EUR","USD"]}}'`,
    'hookfleet subscriptions create https://example.com/hooks --events "*" --header "X-Env: prod" --retry 10s,5m,1h --timeout 5s --batch 100 --batch-wait 500ms',
  ],
  fieldFlags: [
    { path: 'url', flag: '<endpoint-url>' },
    { path: 'profile', flag: '--profile' },
    { path: 'tenant', flag: '--tenant' },
    { path: 'secret', flag: '--secret' },
    { path: 'created_by', flag: '--created-by' },
    ...subscriptionFieldFlags,
  ],
  async run({ io, json, client }, input) {
    const subscription = await client().subscriptions.create(subscriptionInput(input));
    if (json) return printJson(io.stdout, subscription);
    printFields(io.stdout, subscriptionFields(subscription));
  },
};

export const subscriptionsShow: Command = {
  name: 'subscriptions show',
  summary: 'show one subscription, its secret and its state',
  args: [{ name: 'subscription', description: 'the subscription id' }],
  options: {},
  examples: ['hookfleet subscriptions show sub_123'],
  async run({ io, json, client }, input) {
    const subscription = await client().subscriptions.get(input.argument(0, 'subscription'));
    if (json) return printJson(io.stdout, subscription);
    printFields(io.stdout, subscriptionFields(subscription));
  },
};

export const subscriptionsDelete: Command = {
  name: 'subscriptions delete',
  summary: 'delete subscriptions; they receive nothing more (asks first on a terminal)',
  args: [{ name: 'subscription', description: 'one or more subscription ids', variadic: true }],
  options: { yes: { type: 'boolean', short: 'y', description: 'do not ask (only a terminal is asked; scripts never are)' } },
  examples: ['hookfleet subscriptions delete sub_123 sub_456', 'hookfleet subscriptions delete sub_123 --yes'],
  async run({ io, json, client }, input) {
    const ids = [input.argument(0, 'subscription'), ...input.positionals.slice(1)];
    // Deleting cannot be undone and its secret is gone with it: a person at a terminal confirms a mistyped id first.
    if (!input.boolean('yes') && canAsk(io) && !(await confirm(io, `delete ${ids.join(', ')}? deliveries stop and this cannot be undone`))) {
      throw new CommandFailed('nothing deleted');
    }
    const deleted: string[] = [];
    for (const id of ids) {
      await client()
        .subscriptions.delete(id)
        .catch((error: unknown) => {
          // The ones before it are gone: a script reading --json learns which, and the message says so too.
          if (deleted.length === 0) throw error;
          if (json) printJson(io.stdout, { deleted });
          throw new FailedPartway(
            error,
            `${deleted.join(', ')} ${deleted.length === 1 ? 'was' : 'were'} deleted before it; ${ids.length - deleted.length} not`,
          );
        });
      deleted.push(id);
      if (!json) io.stdout.write(`deleted ${id}\n`);
    }
    if (json) printJson(io.stdout, { deleted });
  },
};
