import { createHmac } from 'node:crypto';

/** `sha1=<hex HMAC-SHA1 of the exact body bytes>` keyed by the hook's secret (Paymo's current docs). */
export function paymoSignature(secret: string, body: string): string {
  return `sha1=${createHmac('sha1', secret).update(body, 'utf8').digest('hex')}`;
}
