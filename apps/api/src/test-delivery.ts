import { randomBytes } from 'node:crypto';
import { newId, Unprocessable, ValidationFailed, type StoredEvent, type Subscription } from '@hookfleet/core';
import { findProfile } from '@hookfleet/profiles';
import { classifyAttempt, type DeliveryTransport } from '@hookfleet/delivery';

export interface TestDeliveryResult {
  ok: boolean;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

/**
 * One signed delivery sent now and judged by the profile, through the same transport (SSRF guard, timeout)
 * as every delivery; nothing is recorded.
 */
export async function sendTestDelivery(
  transport: DeliveryTransport,
  subscription: Subscription,
  input: { type?: string | undefined; data?: unknown },
): Promise<TestDeliveryResult> {
  const profile = findProfile(subscription.profile);
  if (!profile) throw new ValidationFailed('unknown profile', [{ path: 'profile', message: subscription.profile }]);
  const type = input.type ?? (profile.openCatalogue ? 'webhook.test' : (profile.events[0]?.type ?? 'webhook.test'));
  if (!profile.isKnownEventType(type)) throw new ValidationFailed('invalid event type', [{ path: 'type', message: `${type} is not an event of profile ${profile.name}` }]);
  const now = new Date();
  const event: StoredEvent = {
    id: newId('evt'),
    tenant: subscription.tenant,
    profile: profile.name,
    type,
    data: input.data ?? { test: true, message: 'a test delivery from hookfleet' },
    occurred_at: now.toISOString(),
    received_at: now.toISOString(),
    actor: null,
    fields_changed: null,
    visible_to: null,
  };
  const deliveryId = `dlv_test_${randomBytes(9).toString('base64url')}`;
  // A secret stored before secrets were checked where they enter cannot sign: a clear 422 names it, not a 500.
  const secretProblem = subscription.secret ? (profile.secretProblem?.(subscription.secret) ?? null) : null;
  if (secretProblem) throw new Unprocessable('the subscription cannot be signed', [{ path: 'secret', message: `${secretProblem}; rotate the secret` }]);
  let request: ReturnType<typeof profile.buildRequest>;
  try {
    request = profile.buildRequest({ deliveryId, event, subscription, attempt: 1, now });
  } catch (error) {
    throw new Unprocessable('the test delivery could not be built', [{ path: '(subscription)', message: error instanceof Error ? error.message : String(error) }]);
  }
  const result = await transport.post(subscription.url, request.body, { ...request.headers, 'webhook-id': deliveryId });
  const outcome = classifyAttempt(result, profile.isSuccess);
  return {
    ok: outcome === 'success',
    status_code: result.statusCode,
    duration_ms: Math.round(result.durationMs * 100) / 100,
    error: outcome === 'success' ? null : (result.error ?? `HTTP ${result.statusCode}`),
  };
}
