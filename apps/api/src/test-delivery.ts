import { randomBytes } from 'node:crypto';
import { newId, Unprocessable, ValidationFailed, type StoredEvent, type Subscription, type TestDeliveryResult } from '@hookfleet/core';
import { HOUR, findProfile } from '@hookfleet/profiles';
import { buildRequest, judge, type Destination, type OutgoingRequest } from '@hookfleet/delivery';
import type { SigningKeyStore } from '@hookfleet/store';

/**
 * One signed delivery sent now and judged by the profile, through the delivery engine's own build, send and judge
 * steps (the subscription's destination: SSRF guard, timeout; a broker's confirmation) as every delivery; nothing is
 * settled or scheduled.
 */
export async function sendTestDelivery(
  destination: Destination,
  subscription: Subscription,
  input: { type?: string | undefined; data?: unknown },
  signingKeys: Pick<SigningKeyStore, 'ensure'>,
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
  let request: OutgoingRequest;
  try {
    const keys = subscription.signature === 'v1a' ? await signingKeys.ensure(subscription.tenant) : undefined;
    request = buildRequest(profile, { deliveryId, event, subscription, attempt: 1, signingKeys: keys }, now);
  } catch (error) {
    throw new Unprocessable('the test delivery could not be built', [{ path: '(subscription)', message: error instanceof Error ? error.message : String(error) }]);
  }
  const outcome = await destination.send(subscription, () => request);
  // A stalled endpoint (every slot held by requests that stopped answering) is a failed test, as an error.
  const sent = outcome.kind === 'stalled' ? { ...outcome, kind: 'error' as const } : outcome;
  const { verdict, error } = judge({ profile, subscription, attempt: 1, outcome: sent, at: now, eventReceivedAt: now.getTime(), retryDelayScale: 1, retentionMs: HOUR });
  return {
    ok: verdict.kind === 'delivered',
    status_code: sent.code,
    duration_ms: Math.round(sent.durationMs * 100) / 100,
    error,
  };
}
