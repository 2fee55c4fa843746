import { DEFAULT_PREVIOUS_API_KEY_LIFETIME_S, MAX_PREVIOUS_API_KEY_LIFETIME_S } from '@hookfleet/core';
import type { CreatedTenant, Tenant } from '@hookfleet/client';
import type { Command } from '../command.js';
import { CommandFailed, UsageError } from '../errors.js';
import { canAsk, confirm, type CliIo } from '../io.js';
import { printFields, printJson, printTable } from '../output.js';
import { collectPages, MAX_PAGE_SIZE, moreHint } from '../pages.js';
import { formatTimestamp, parseDurationMs } from '../time.js';

const tenantArgument = [{ name: 'tenant', description: 'the tenant id' }] as const;

function tenantFields(tenant: Tenant): Array<[string, string]> {
  return [
    ['id', tenant.id],
    ['name', tenant.name],
    ['created', formatTimestamp(tenant.created_at)],
    ['previous key', tenant.previous_key_expires_at ? `works until ${formatTimestamp(tenant.previous_key_expires_at)}` : 'none'],
  ];
}

/** A new key is shown once: printed with the tenant, and a line on stderr that says so. */
function printWithKey(io: CliIo, json: boolean, tenant: CreatedTenant): void {
  if (json) return printJson(io.stdout, tenant);
  printFields(io.stdout, [...tenantFields(tenant), ['api key', tenant.api_key]]);
  io.stderr.write("The API key is shown only now: keep it where the tenant's backend reads its secrets.\n");
}

/** `--previous-key-expires-in`: a duration (`24h`, `30m`, `0` to revoke now) in whole seconds. */
function previousKeyLifetimeS(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PREVIOUS_API_KEY_LIFETIME_S;
  const ms = text === '0' ? 0 : parseDurationMs(text.trim().toLowerCase());
  if (ms === undefined) throw new UsageError(`--previous-key-expires-in: "${text}" is not a duration: use 24h, 30m, 7d or 0 (revoke now)`);
  const seconds = Math.ceil(ms / 1000);
  // Said in the flag's own terms: the API's limit (previous_key_expires_in, in seconds) means nothing to who typed 8d.
  if (seconds > MAX_PREVIOUS_API_KEY_LIFETIME_S)
    throw new UsageError(
      `--previous-key-expires-in: "${text}" is too long: the old key may keep working at most 7d (previous_key_expires_in ${MAX_PREVIOUS_API_KEY_LIFETIME_S} s)`,
    );
  return seconds;
}

export const tenantsCreate: Command = {
  name: 'tenants create',
  summary: 'create a tenant and print its API key (operator token)',
  args: [{ name: 'name', description: "the tenant's name, for people" }],
  options: {},
  examples: ['hookfleet tenants create acme', 'export HOOKFLEET_TOKEN=$(hookfleet tenants create acme --json | jq -r .api_key)'],
  async run({ io, json, client }, input) {
    printWithKey(io, json, await client().createTenant(input.argument(0, 'name')));
  },
};

export const tenantsList: Command = {
  name: 'tenants list',
  summary: 'list tenants, oldest first (operator token; never their keys)',
  options: {
    limit: { type: 'string', value: 'n', description: `at most n (1–${MAX_PAGE_SIZE}, default 50)` },
    cursor: { type: 'string', value: 'cursor', description: 'continue from a next_cursor' },
    all: { type: 'boolean', description: 'follow every cursor to the end' },
  },
  examples: ['hookfleet tenants list', 'hookfleet tenants list --all --json | jq -r ".data[].id"'],
  async run({ io, json, client }, input) {
    const limit = input.integer('limit', { min: 1, max: MAX_PAGE_SIZE });
    const page = await collectPages((cursor) => client().tenants.list({ limit, cursor }), { all: input.boolean('all'), cursor: input.string('cursor') });
    if (json) return printJson(io.stdout, page);
    printTable(
      io.stdout,
      [
        { header: 'ID', value: (tenant) => tenant.id },
        { header: 'NAME', value: (tenant) => tenant.name, maxWidth: 40 },
        { header: 'CREATED', value: (tenant) => formatTimestamp(tenant.created_at) },
        { header: 'PREVIOUS KEY UNTIL', value: (tenant) => (tenant.previous_key_expires_at ? formatTimestamp(tenant.previous_key_expires_at) : '-') },
      ],
      page.data,
      'no tenants',
    );
    io.stderr.write(moreHint(page.next_cursor));
  },
};

export const tenantsShow: Command = {
  name: 'tenants show',
  summary: 'show a tenant, and until when its rotated-out API key still works',
  args: tenantArgument,
  options: {},
  examples: ['hookfleet tenants show ten_123'],
  async run({ io, json, client }, input) {
    const tenant = await client().tenants.get(input.argument(0, 'tenant'));
    if (json) return printJson(io.stdout, tenant);
    printFields(io.stdout, tenantFields(tenant));
  },
};

export const tenantsRotateKey: Command = {
  name: 'tenants rotate-key',
  summary: "replace a tenant's API key; the old one keeps working 24 h unless told otherwise (0: revoked now)",
  args: tenantArgument,
  options: {
    'previous-key-expires-in': {
      type: 'string',
      value: 'duration',
      description: 'how long the old key keeps working (24h, 30m, at most 7d); 0 revokes it now, for a key that leaked',
    },
  },
  examples: ['hookfleet tenants rotate-key ten_123', 'hookfleet tenants rotate-key ten_123 --previous-key-expires-in 0'],
  async run({ io, json, client }, input) {
    const lifetimeS = previousKeyLifetimeS(input.string('previous-key-expires-in'));
    printWithKey(io, json, await client().tenants.rotateApiKey(input.argument(0, 'tenant'), { previous_key_expires_in: lifetimeS }));
  },
};

export const tenantsRename: Command = {
  name: 'tenants rename',
  summary: 'give a tenant a new name (operator token, or the tenant\'s own key)',
  args: [...tenantArgument, { name: 'name', description: "the tenant's new name, for people" }],
  options: {},
  examples: ['hookfleet tenants rename ten_123 "Acme Corp"'],
  async run({ io, json, client }, input) {
    const tenant = await client().tenants.update(input.argument(0, 'tenant'), { name: input.argument(1, 'name') });
    if (json) return printJson(io.stdout, tenant);
    printFields(io.stdout, tenantFields(tenant));
  },
};

export const tenantsDelete: Command = {
  name: 'tenants delete',
  summary: 'delete a tenant: its keys and portal links stop, its subscriptions go (operator token; asks first on a terminal)',
  args: tenantArgument,
  options: { yes: { type: 'boolean', short: 'y', description: 'do not ask (only a terminal is asked; scripts never are)' } },
  examples: ['hookfleet tenants delete ten_123', 'hookfleet tenants delete ten_123 --yes'],
  async run({ io, json, client }, input) {
    const id = input.argument(0, 'tenant');
    // As `subscriptions delete`: it cannot be undone, so a person at a terminal confirms a mistyped id first.
    if (!input.boolean('yes') && canAsk(io) && !(await confirm(io, `delete tenant ${id}? its API keys and portal links stop, its subscriptions are deleted, and this cannot be undone`))) {
      throw new CommandFailed('nothing deleted');
    }
    await client().tenants.delete(id);
    if (json) printJson(io.stdout, { deleted: [id] });
    else io.stdout.write(`deleted ${id}\n`);
  },
};
