import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { deliveryJson, deliveryText } from '../listen/delivery-format.js';
import { startReceiver, type RunningReceiver } from '../listen/receiver.js';
import { loadSignatureSchemes } from '../listen/schemes.js';
import { checkSignature, type VerificationKey } from '../listen/signature-schemes.js';
import { publicKeysOf } from '../listen/public-keys.js';

export const DEFAULT_LISTEN_PORT = 8787;
const HOST = '127.0.0.1';

export const listen: Command = {
  name: 'listen',
  summary: 'run a local receiver that verifies each delivery’s signature (standard, gigapay, paymo) and prints it',
  options: {
    port: { type: 'string', short: 'p', value: 'port', description: `the port on 127.0.0.1 (default ${DEFAULT_LISTEN_PORT}; 0 = any free port)` },
    secret: {
      type: 'string',
      multiple: true,
      value: 'secret',
      description: "the subscription's signing secret (whsec_…), or a tenant's public key (whpk_…); without one, signatures are shown unchecked",
    },
    tenant: { type: 'string', value: 'tenant', description: "verify v1a signatures with this tenant's public keys, fetched from the fleet at start" },
    status: { type: 'string', value: 'code', description: 'answer every delivery with this HTTP status (default 200; a 5xx shows the retry ladder)' },
  },
  examples: [
    'hookfleet listen --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    'hookfleet subscriptions create http://127.0.0.1:8787/hook --tenant ten_123 --events "*"   # then listen with its secret',
    'hookfleet listen --port 0 --json | jq .body',
    'hookfleet listen --tenant ten_123   # verifies v1a deliveries with the tenant\'s published keys',
  ],
  async run({ io, json, client }, input) {
    const port = input.integer('port', { min: 0, max: 65_535 }) ?? DEFAULT_LISTEN_PORT;
    const status = input.integer('status', { min: 200, max: 599 }) ?? 200;
    const tenant = input.string('tenant');
    const givenSecrets = input.strings('secret');
    // `--secret "$SECRET"` with the variable unset must not quietly verify nothing, as if no --secret were given.
    if (givenSecrets.some((secret) => secret.trim() === '')) {
      throw new UsageError('--secret is empty: give a whsec_… secret or a whpk_… public key, or leave --secret out to see signatures unchecked');
    }
    const publicKeys = tenant ? publicKeysOf(await client().signingKeys.list(tenant)) : [];
    const secrets: VerificationKey[] = [...givenSecrets, ...publicKeys];
    const signatureSchemes = await loadSignatureSchemes();
    let receiver: RunningReceiver;
    try {
      receiver = await startReceiver({
        host: HOST,
        port,
        status,
        check: (body, headers) => checkSignature(signatureSchemes, secrets, body, headers),
        onDelivery: (delivery) => io.stdout.write(json ? `${deliveryJson(delivery)}\n` : deliveryText(delivery)),
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${HOST} is in use; pick another with --port`);
      throw error;
    }
    // The address goes to stderr, so `--json` output on stdout is only deliveries.
    // A status other than 200 is said once here: every delivery printed below was answered with it (and is retried).
    const answering = status === 200 ? '' : `; answering every delivery ${status}`;
    io.stderr.write(
      `listening on ${receiver.url} (${secrets.length > 0 ? `verifying ${[...new Set(signatureSchemes.map((scheme) => scheme.profile))].join(', ')} signatures` : 'no --secret: signatures unchecked'}${answering}); Ctrl-C stops\n`,
    );
    try {
      await io.untilStopped();
    } finally {
      await receiver.close();
    }
  },
};
