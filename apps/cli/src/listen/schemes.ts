import { standardScheme, standardV1aScheme, remadeSignatureScheme, type SignatureScheme } from './signature-schemes.js';

/** Standard Webhooks' tolerance, applied to every timestamped signature: an old one is a replay. */
const TOLERANCE_MS = 5 * 60_000;

/** The `t=<unix seconds>` of a `t=…,v1=…` header, refusing a missing or stale one. */
export function signedAt(received: string, header: string, now: Date = new Date()): Date {
  const seconds = Number(/(?:^|,)\s*t=(\d+)/.exec(received)?.[1]);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`${header} has no t=<timestamp>`);
  const at = new Date(seconds * 1000);
  if (Math.abs(now.getTime() - at.getTime()) > TOLERANCE_MS) throw new Error(`${header} timestamp is more than 5 minutes away from now`);
  return at;
}

/**
 * Every signature `hookfleet listen` checks, in the order it looks for their headers. Each signing profile's scheme
 * remakes the signature with that profile's own signing function, so the listener and the pipeline cannot drift.
 * The profiles load only here, when `listen` starts: no other command pays for them.
 */
export async function loadSignatureSchemes(): Promise<SignatureScheme[]> {
  const { gigapaySignature, paymoSignature } = await import('@hookfleet/profiles');
  return [
    // Before the v1 scheme: a v1a delivery carries webhook-signature too, and its key ids say which it is.
    standardV1aScheme,
    standardScheme,
    remadeSignatureScheme('gigapay', 'Gigapay-Signature', (secret, body, received) => gigapaySignature(secret, body, signedAt(received, 'Gigapay-Signature'))),
    remadeSignatureScheme('paymo', 'X-Paymo-Signature', (secret, body) => paymoSignature(secret, body)),
  ];
}
