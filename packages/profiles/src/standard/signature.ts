import { Webhook } from 'standardwebhooks';

// Building a Webhook decodes the secret; deliveries to one endpoint reuse it.
const signers = new Map<string, Webhook>();
const MAX_CACHED_SIGNERS = 10_000;

function signerFor(secret: string): Webhook {
  let signer = signers.get(secret);
  if (!signer) {
    if (signers.size >= MAX_CACHED_SIGNERS) signers.clear();
    signer = new Webhook(secret);
    signers.set(secret, signer);
  }
  return signer;
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, as Standard Webhooks defines it. */
export function signStandardWebhook(secret: string, messageId: string, timestamp: Date, body: string): string {
  return signerFor(secret).sign(messageId, timestamp, body);
}
