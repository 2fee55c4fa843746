import type { SigningKeySet } from '@hookfleet/client';
import type { Command } from '../command.js';
import type { CliIo } from '../io.js';
import { printJson, printTable } from '../output.js';
import { formatTimestamp } from '../time.js';

const tenantArgument = [{ name: 'tenant', description: 'the tenant id' }] as const;

function printKeys(io: CliIo, keySet: SigningKeySet): void {
  printTable(
    io.stdout,
    [
      { header: 'KID', value: (key) => key.kid },
      { header: 'STATUS', value: (key) => key.status },
      { header: 'EXPIRES', value: (key) => (key.expires_at ? formatTimestamp(key.expires_at) : '-') },
      { header: 'X', value: (key) => key.x },
    ],
    keySet.keys,
    'no keys',
  );
}

export const signingKeysShow: Command = {
  name: 'signing-keys show',
  summary: "show a tenant's public signing keys (v1a), as receivers fetch them",
  args: tenantArgument,
  options: {},
  examples: ['hookfleet signing-keys show ten_123', 'hookfleet signing-keys show ten_123 --json > jwks.json'],
  async run({ io, json, client }, input) {
    const keySet = await client().signingKeys.list(input.argument(0, 'tenant'));
    if (json) return printJson(io.stdout, keySet);
    printKeys(io, keySet);
  },
};

export const signingKeysRotate: Command = {
  name: 'signing-keys rotate',
  summary: 'make a new current signing key; the old one signs alongside and stays published for 24 h',
  args: tenantArgument,
  options: {},
  examples: ['hookfleet signing-keys rotate ten_123'],
  async run({ io, json, client }, input) {
    const keySet = await client().signingKeys.rotate(input.argument(0, 'tenant'));
    if (json) return printJson(io.stdout, keySet);
    printKeys(io, keySet);
  },
};
