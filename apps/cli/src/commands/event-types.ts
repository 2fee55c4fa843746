import type { EventType } from '@hookfleet/client';
import type { Command } from '../command.js';
import { printJson, printTable } from '../output.js';
import type { Column } from '../table.js';

const columns: ReadonlyArray<Column<EventType>> = [
  { header: 'PROFILE', value: (entry) => entry.profile },
  { header: 'TYPE', value: (entry) => entry.type },
  { header: 'DESCRIPTION', value: (entry) => entry.description },
];

export const eventTypes: Command = {
  name: 'event-types',
  summary: "list every profile's event types with a one-line description",
  options: { profile: { type: 'string', value: 'profile', description: 'only this profile' } },
  examples: ['hookfleet event-types', 'hookfleet event-types --profile standard --json'],
  async run({ io, json, client }, input) {
    const profile = input.string('profile');
    const answer = await client().eventTypes.list(profile === undefined ? {} : { profile });
    if (json) return printJson(io.stdout, answer);
    printTable(io.stdout, columns, answer.data, profile ? `profile ${profile} has no event types (is the name right?)` : 'no event types');
  },
};
