import { createHmac } from 'node:crypto';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed by the webhook's secret_key (SHA-256: docs/profiles.md, "gigapay"). */
export function gigapaySignature(secretKey: string, body: string, now: Date): string {
  const timestamp = Math.floor(now.getTime() / 1000);
  const digest = createHmac('sha256', secretKey).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${digest}`;
}
