import type { HookfleetClient, Operation, OperationStarted } from '@hookfleet/client';
import type { Command, CommandContext, OptionSpecs, ParsedInput } from '../command.js';
import { CommandFailed } from '../errors.js';
import type { FieldFlags } from '../field-flags.js';
import { printJson, printTable } from '../output.js';
import { collectPages, MAX_PAGE_SIZE, moreHint } from '../pages.js';
import { waitForOperation } from '../operation-wait.js';
import { ProgressBar } from '../progress.js';
import { formatTimestamp, parseTimeFlag } from '../time.js';

const windowOptions: OptionSpecs = {
  since: { type: 'string', value: 'time', description: 'start of the window (required): 2h, 30m, 7d or ISO-8601' },
  until: { type: 'string', value: 'time', description: 'end of the window (default: now)' },
  detach: { type: 'boolean', description: 'print the operation id and return at once instead of waiting' },
};

const windowFieldFlags: FieldFlags = [
  { path: 'since', flag: '--since' },
  { path: 'until', flag: '--until' },
];

const UNITS: Record<Operation['kind'], string> = { recover: 'deliveries', replay: 'events' };

function summary(operation: Operation): string {
  const unit = UNITS[operation.kind];
  const base = `${operation.kind} ${operation.id} ${operation.status}: ${operation.done}/${operation.total} ${unit}`;
  return operation.error ? `${base} (${operation.error})` : base;
}

function timeWindow(input: ParsedInput): { since: string; until?: string } {
  const now = new Date();
  const since = parseTimeFlag('since', input.requiredString('since'), now).toISOString();
  const until = input.string('until');
  return until === undefined ? { since } : { since, until: parseTimeFlag('until', until, now).toISOString() };
}

/** Starts the operation, then follows it to the end with a progress bar on a terminal; a failed or canceled one exits 1. */
async function runOperation(
  context: CommandContext,
  kind: string,
  subscriptionId: string,
  start: (client: HookfleetClient) => Promise<OperationStarted>,
  detach: boolean,
): Promise<void> {
  const { io, json } = context;
  const client = context.client();
  // The API refuses (409) to recover or replay an inactive subscription, with a message that says what to do.
  const { operation_id: operationId } = await start(client);
  if (detach) {
    if (json) printJson(io.stdout, { operation_id: operationId });
    else io.stdout.write(`${kind} ${operationId} started; follow it with: hookfleet operations show ${operationId} --wait\n`);
    return;
  }
  if (!json) io.stderr.write(`${kind} ${operationId} started for ${subscriptionId}\n`);
  const bar = new ProgressBar(io.stderr);
  const label = `${kind} ${operationId}`;
  let operation: Operation;
  try {
    operation = await waitForOperation(client, operationId, {
      onUpdate: (latest) => (json ? undefined : bar.update({ label, done: latest.done, total: latest.total })),
      onNoProgress: () => (json ? undefined : io.stderr.write(NO_PROGRESS_HINT)),
    });
  } finally {
    bar.finish();
  }
  if (json) printJson(io.stdout, operation);
  else io.stdout.write(`${summary(operation)}\n`);
  assertCompleted(operation);
}

/** A failed or canceled operation did not do all it was asked: exit 1, with what it did. */
function assertCompleted(operation: Operation): void {
  if (operation.status === 'failed' || operation.status === 'canceled') throw new CommandFailed(summary(operation));
}

/** Said once when an operation has counted nothing for a while (operation-wait.ts): what it is most likely waiting for. */
const NO_PROGRESS_HINT =
  '\nno progress yet: recover and replay run on workers with the matcher role (WORKER_ROLES); with none running, this waits until one starts\n';

export const recover: Command = {
  name: 'recover',
  summary: 'attempt again every failed or dead delivery of a subscription in a window (after an outage)',
  args: [{ name: 'subscription', description: 'the subscription id' }],
  options: windowOptions,
  fieldFlags: windowFieldFlags,
  examples: ['hookfleet recover sub_123 --since 12h', 'hookfleet recover sub_123 --since 2025-06-01T22:00:00Z --until 2025-06-02T06:00:00Z --json'],
  async run(context, input) {
    const subscriptionId = input.argument(0, 'subscription');
    const body = timeWindow(input);
    await runOperation(context, 'recover', subscriptionId, (client) => client.subscriptions.recover(subscriptionId, body), input.boolean('detach'));
  },
};

export const replay: Command = {
  name: 'replay',
  summary: 'deliver again every retained event of a window the subscription matches now, missed ones included',
  args: [{ name: 'subscription', description: 'the subscription id' }],
  options: {
    ...windowOptions,
    types: { type: 'string', multiple: true, value: 'types', description: 'only these event types, comma-separated' },
  },
  fieldFlags: [...windowFieldFlags, { path: 'types', flag: '--types' }],
  examples: ['hookfleet replay sub_123 --since 6h', 'hookfleet replay sub_123 --since 2h --types invoice.paid,invoice.voided'],
  async run(context, input) {
    const subscriptionId = input.argument(0, 'subscription');
    const types = input.list('types');
    const body = { ...timeWindow(input), ...(types.length > 0 ? { types } : {}) };
    await runOperation(context, 'replay', subscriptionId, (client) => client.subscriptions.replay(subscriptionId, body), input.boolean('detach'));
  },
};

export const operationsShow: Command = {
  name: 'operations show',
  summary: 'show a recover or replay operation; --wait follows it to the end',
  args: [{ name: 'operation', description: 'the operation id' }],
  options: { wait: { type: 'boolean', description: 'wait until it is done, with a progress bar on a terminal' } },
  examples: ['hookfleet operations show op_123', 'hookfleet operations show op_123 --wait --json'],
  async run({ io, json, client }, input) {
    const operationId = input.argument(0, 'operation');
    const bar = new ProgressBar(io.stderr);
    let operation: Operation;
    try {
      operation = input.boolean('wait')
        ? await waitForOperation(client(), operationId, {
            onUpdate: (latest) => (json ? undefined : bar.update({ label: `${latest.kind} ${latest.id}`, done: latest.done, total: latest.total })),
            onNoProgress: () => (json ? undefined : io.stderr.write(NO_PROGRESS_HINT)),
          })
        : await client().operations.get(operationId);
    } finally {
      bar.finish();
    }
    if (json) printJson(io.stdout, operation);
    else io.stdout.write(`${summary(operation)}\n`);
    if (input.boolean('wait')) assertCompleted(operation);
    else if (operation.status === 'failed') throw new CommandFailed(summary(operation));
  },
};

export const operationsCancel: Command = {
  name: 'operations cancel',
  summary: 'stop a running recover or replay before its next chunk (what was enqueued still goes out)',
  args: [{ name: 'operation', description: 'the operation id' }],
  options: {},
  examples: ['hookfleet operations cancel op_123', 'hookfleet operations list sub_123 --json | jq -r ".data[0].id" | xargs hookfleet operations cancel'],
  async run({ io, json, client }, input) {
    const operation = await client().operations.cancel(input.argument(0, 'operation'));
    if (json) printJson(io.stdout, operation);
    else io.stdout.write(`${summary(operation)}\n`);
  },
};

export const operationsList: Command = {
  name: 'operations list',
  summary: "a subscription's recovers and replays of the last 7 days, newest first",
  args: [{ name: 'subscription', description: 'the subscription id' }],
  options: {
    limit: { type: 'string', value: 'n', description: `at most n (1–${MAX_PAGE_SIZE}, default 50)` },
    cursor: { type: 'string', value: 'cursor', description: 'continue from a next_cursor' },
    all: { type: 'boolean', description: 'follow every cursor to the end' },
  },
  examples: ['hookfleet operations list sub_123', 'hookfleet operations list sub_123 --all --json'],
  async run({ io, json, client }, input) {
    const subscriptionId = input.argument(0, 'subscription');
    const limit = input.integer('limit', { min: 1, max: MAX_PAGE_SIZE });
    const page = await collectPages((cursor) => client().operations.list(subscriptionId, { ...(limit !== undefined ? { limit } : {}), ...(cursor !== undefined ? { cursor } : {}) }), {
      all: input.boolean('all'),
      cursor: input.string('cursor'),
    });
    if (json) return printJson(io.stdout, page);
    printTable(
      io.stdout,
      [
        { header: 'ID', value: (operation) => operation.id },
        { header: 'KIND', value: (operation) => operation.kind },
        { header: 'STATUS', value: (operation) => operation.status },
        { header: 'DONE', value: (operation) => `${operation.done}/${operation.total}` },
        { header: 'CREATED', value: (operation) => formatTimestamp(operation.created_at) },
      ],
      page.data,
      'no operations in the last 7 days',
    );
    io.stderr.write(moreHint(page.next_cursor));
  },
};
