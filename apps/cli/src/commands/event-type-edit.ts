import type { EventTypeUpdate, RegisteredEventType } from '@hookfleet/client';
import type { Command, ParsedInput } from '../command.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../errors.js';
import { parseJsonFlag, readJsonSource } from '../json-input.js';
import { printFields, printJson } from '../output.js';

const schemaOptions = {
  schema: { type: 'string', value: 'json', description: "the JSON Schema of the events' data" },
  'schema-file': { type: 'string', value: 'path', description: 'read the JSON Schema from a file (- for stdin)' },
  description: { type: 'string', value: 'text', description: 'a one-line description' },
} as const;

async function schemaOf(input: ParsedInput, io: CliIo): Promise<Record<string, unknown> | undefined> {
  const text = input.string('schema');
  const file = input.string('schema-file');
  if (text !== undefined && file !== undefined) throw new UsageError('give --schema or --schema-file, not both');
  const schema = text !== undefined ? parseJsonFlag('schema', text) : file !== undefined ? await readJsonSource('schema-file', file, io) : undefined;
  return schema as Record<string, unknown> | undefined;
}

function fields(entry: RegisteredEventType): Array<[string, string]> {
  return [
    ['profile', entry.profile],
    ['type', entry.type],
    ['description', entry.description || '-'],
    ['deprecated', entry.deprecated ? 'yes' : 'no'],
    ['schema', JSON.stringify(entry.schema)],
  ];
}

export const eventTypesCreate: Command = {
  name: 'event-types create',
  summary: 'register a standard event type with the JSON Schema its data must satisfy (operator token)',
  args: [{ name: 'type', description: 'the event type, such as invoice.paid' }],
  options: { ...schemaOptions, profile: { type: 'string', value: 'profile', description: 'the profile (default standard)' } },
  examples: [`hookfleet event-types create invoice.paid --schema '{"type":"object","required":["id"],"properties":{"id":{"type":"integer"}}}'`],
  async run({ io, json, client }, input) {
    const schema = await schemaOf(input, io);
    if (!schema) throw new UsageError('--schema or --schema-file is required');
    const description = input.string('description');
    const entry = await client().eventTypes.create({
      profile: input.string('profile') ?? 'standard',
      type: input.argument(0, 'type'),
      schema,
      ...(description !== undefined ? { description } : {}),
    });
    if (json) return printJson(io.stdout, entry);
    printFields(io.stdout, fields(entry));
  },
};

export const eventTypesUpdate: Command = {
  name: 'event-types update',
  summary: 'change a registered event type: its schema, its description, or deprecate it',
  args: [{ name: 'type', description: 'the registered event type' }],
  options: {
    ...schemaOptions,
    profile: { type: 'string', value: 'profile', description: 'the profile (default standard)' },
    deprecated: { type: 'boolean', description: 'mark it deprecated (its events are still accepted)' },
  },
  examples: ['hookfleet event-types update invoice.paid --deprecated', 'hookfleet event-types update invoice.paid --schema-file invoice-paid.schema.json'],
  async run({ io, json, client }, input) {
    const schema = await schemaOf(input, io);
    const description = input.string('description');
    const update: EventTypeUpdate = {
      ...(schema ? { schema } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(input.boolean('deprecated') ? { deprecated: true } : {}),
    };
    if (Object.keys(update).length === 0) throw new UsageError('nothing to change: give --schema, --schema-file, --description or --deprecated');
    const entry = await client().eventTypes.update(input.string('profile') ?? 'standard', input.argument(0, 'type'), update);
    if (json) return printJson(io.stdout, entry);
    printFields(io.stdout, fields(entry));
  },
};
