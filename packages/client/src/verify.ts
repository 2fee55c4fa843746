import { Webhook, WebhookVerificationError as StandardWebhooksError } from 'standardwebhooks';
import { WebhookVerificationError } from './errors.js';
import { isPublicKey, verifyV1a, type WebhookPublicKey } from './verify-v1a.js';

/** Request headers as node:http gives them (lowercase, string | string[]), a plain object, or Fetch `Headers`. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/** The exact bytes received; a re-serialized JSON object would not verify. */
export type WebhookBody = string | Uint8Array;

/** What the standard profile sends. */
export interface StandardWebhookPayload<Data = unknown> {
  type: string;
  timestamp: string;
  data: Data;
}

const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

function isFetchHeaders(headers: WebhookHeaders): headers is Headers {
  return typeof (headers as Headers).get === 'function';
}

function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  if (isFetchHeaders(headers)) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  // Several signatures are space-separated in one header; repeated headers mean the same.
  return Array.isArray(value) ? value.join(' ') : value;
}

function toPayload(body: WebhookBody): string | Buffer {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  // A JSON body parser (express.json()) leaves an object: the signature covers bytes it no longer has. Said plainly,
  // instead of Buffer.from's "The first argument must be of type string…".
  if (!(body instanceof Uint8Array)) {
    throw new TypeError(
      `verifyWebhook: the body must be the raw request body (a string, Buffer or Uint8Array), got ${body === null ? 'null' : typeof body}: read it before any JSON parser does`,
    );
  }
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

function signatureHeadersOf(headers: WebhookHeaders): Record<(typeof SIGNATURE_HEADERS)[number], string> {
  const signatureHeaders: Record<string, string> = {};
  for (const name of SIGNATURE_HEADERS) {
    const value = headerValue(headers, name);
    if (!value) throw new WebhookVerificationError(`webhook header ${name} missing`);
    signatureHeaders[name] = value;
  }
  return signatureHeaders as Record<(typeof SIGNATURE_HEADERS)[number], string>;
}

function parsedBody<Payload>(payload: string | Buffer): Payload {
  try {
    return JSON.parse(payload.toString()) as Payload;
  } catch (error) {
    throw new WebhookVerificationError('webhook body is signed but not JSON', { cause: error });
  }
}

/** The versions (`v1`, `v1a`) of the space-separated `<version>,<signature>` entries of a `webhook-signature`. */
function signatureVersions(signatureHeader: string): Set<string> {
  return new Set(signatureHeader.split(' ').flatMap((entry) => (entry.includes(',') ? [entry.slice(0, entry.indexOf(','))] : [])));
}

/**
 * A key of the other scheme than every signature the delivery carries can never verify it: said plainly, instead of
 * "no matching signature", which reads like a wrong or rotated secret. A `v1a` subscription still has a `whsec_`
 * secret (docs/api.md, "Subscriptions"), so `verifyWebhook(subscription.secret, …)` is the likely mistake.
 */
function refuseOtherScheme(keyIsPublic: boolean, signatureHeader: string): void {
  const versions = signatureVersions(signatureHeader);
  if (!keyIsPublic && versions.has('v1a') && !versions.has('v1')) {
    throw new WebhookVerificationError(
      "webhook rejected: it is signed v1a (ed25519) only, which a whsec_ secret cannot check: verify it with the tenant's public keys (signingKeys.list(tenant), a JWK or a whpk_… key)",
    );
  }
  if (keyIsPublic && versions.has('v1') && !versions.has('v1a')) {
    throw new WebhookVerificationError("webhook rejected: it is signed v1 (HMAC) only, which a public key cannot check: verify it with the subscription's whsec_ secret");
  }
}

/**
 * Checks a Standard Webhooks delivery (`webhook-id`, `webhook-timestamp` within 5 minutes, `webhook-signature`) and
 * returns its parsed JSON body. `key` is the subscription's `whsec_` secret for `v1` (HMAC) signatures, or for `v1a`
 * (ed25519) the tenant's public key: a `whpk_…` key, a JWK, or the JWKS document the fleet publishes. Throws
 * WebhookVerificationError otherwise; answer such a request with a 4xx. `Payload` is the caller's claim.
 */
export function verifyWebhook<Payload = StandardWebhookPayload>(key: string | WebhookPublicKey, body: WebhookBody, headers: WebhookHeaders): Payload {
  if (isPublicKey(key)) {
    const payload = toPayload(body);
    const signatureHeaders = signatureHeadersOf(headers);
    refuseOtherScheme(true, signatureHeaders['webhook-signature']);
    verifyV1a(key, Buffer.isBuffer(payload) ? payload : Buffer.from(payload), signatureHeaders);
    return parsedBody<Payload>(payload);
  }
  const secret = key;
  let webhook: Webhook;
  try {
    webhook = new Webhook(secret);
  } catch (error) {
    throw new WebhookVerificationError(`webhook secret unusable: ${(error as Error).message}`, { cause: error });
  }
  const signatureHeaders = signatureHeadersOf(headers);
  refuseOtherScheme(false, signatureHeaders['webhook-signature']);
  try {
    return webhook.verify(toPayload(body), signatureHeaders) as Payload;
  } catch (error) {
    if (error instanceof StandardWebhooksError) throw new WebhookVerificationError(`webhook rejected: ${error.message}`, { cause: error });
    if (error instanceof SyntaxError) throw new WebhookVerificationError('webhook body is signed but not JSON', { cause: error });
    throw error;
  }
}
