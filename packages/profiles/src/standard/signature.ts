import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

// The library's HMAC is pure JavaScript (fast-sha256); node:crypto gives the same bytes at a fraction of the CPU.
// The library still decodes and validates each secret (once, cached), so a bad secret fails exactly as before.
interface Signer {
  key: Buffer | null;
  library: Webhook;
}

const signers = new Map<string, Signer>();
const MAX_CACHED_SIGNERS = 10_000;

function signerFor(secret: string): Signer {
  let signer = signers.get(secret);
  if (!signer) {
    if (signers.size >= MAX_CACHED_SIGNERS) signers.clear();
    const library = new Webhook(secret);
    const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
    // Checked once per secret against the library: a key that decodes differently keeps the library's signing.
    const probe = new Date(0);
    const agrees = nodeSign(key, 'probe', probe, '{}') === library.sign('probe', probe, '{}');
    signer = { key: agrees ? key : null, library };
    signers.set(secret, signer);
  }
  return signer;
}

function nodeSign(key: Buffer, messageId: string, timestamp: Date, body: string): string {
  const seconds = Math.floor(timestamp.getTime() / 1000);
  return `v1,${createHmac('sha256', key).update(`${messageId}.${seconds}.${body}`).digest('base64')}`;
}

/** The Standard Webhooks secret format: `whsec_` then the base64 of the key. */
export const STANDARD_SECRET_FORMAT = 'whsec_ followed by a base64-encoded key (for example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw)';

/** Why this secret cannot sign a Standard Webhooks delivery, or null when it can (the library decodes it). */
export function standardSecretProblem(secret: string): string | null {
  if (!secret.startsWith('whsec_')) return `must be ${STANDARD_SECRET_FORMAT}`;
  try {
    new Webhook(secret);
    return null;
  } catch {
    return `the key after whsec_ is not valid base64: must be ${STANDARD_SECRET_FORMAT}`;
  }
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, as Standard Webhooks defines it. */
export function signStandardWebhook(secret: string, messageId: string, timestamp: Date, body: string): string {
  const signer = signerFor(secret);
  return signer.key ? nodeSign(signer.key, messageId, timestamp, body) : signer.library.sign(messageId, timestamp, body);
}
