import type { SigningKeyPair, StoredEvent, Subscription } from '@hookfleet/core';
import type { ProviderProfile } from '@hookfleet/profiles';
import { copyHeaders } from './copy-headers.js';
import type { Destination } from './destination.js';
import type { SendOutcome } from './judge.js';
import type { OutgoingRequest } from './transport.js';

export interface AttemptRequest {
  deliveryId: string;
  event: StoredEvent;
  subscription: Subscription;
  /** 1 for the first attempt. */
  attempt: number;
  /** The tenant's key pairs, when the subscription signs `v1a` (the engine reads them through a cache). */
  signingKeys?: readonly SigningKeyPair[] | undefined;
}

/**
 * The build step: the profile's body and headers, signed at `now`, plus the `webhook-id` the pipeline adds — the
 * same delivery id on every attempt, so receivers drop duplicates. Throws when the profile cannot build it. The
 * subscription's own headers and timeout ride along (validated where they were stored: they never name a header the
 * delivery or the profile writes); a subscription without them costs nothing more.
 */
export function buildRequest(profile: Pick<ProviderProfile, 'buildRequest'>, request: AttemptRequest, now: Date): OutgoingRequest {
  // Named fields, not a spread of `request`: an object of one fixed shape, built per delivery at a fraction of the cost.
  const built = profile.buildRequest({
    deliveryId: request.deliveryId,
    event: request.event,
    subscription: request.subscription,
    attempt: request.attempt,
    now,
    signingKeys: request.signingKeys,
  });
  const { headers: custom, timeout_ms: timeoutMs } = request.subscription;
  const headers = copyHeaders(custom ? copyHeaders({}, custom) : {}, built.headers);
  headers['webhook-id'] = request.deliveryId;
  return timeoutMs ? { body: built.body, headers, timeoutMs } : { body: built.body, headers };
}

/**
 * Build → send for one attempt. The request is built when the destination has room (so its timestamp is when it
 * leaves); one that cannot be built comes back as `unbuildable` (judged dead at once), anything else the
 * destination throws is thrown. `sentAt`: when it left, the time the judge counts from.
 */
export async function buildAndSend(
  destination: Destination,
  profile: Pick<ProviderProfile, 'buildRequest'>,
  request: AttemptRequest,
): Promise<{ outcome: SendOutcome; sentAt: Date }> {
  let sentAt: Date | undefined;
  let unbuildable: unknown;
  try {
    const outcome = await destination.send(
      request.subscription,
      () => {
        sentAt = new Date();
        try {
          return buildRequest(profile, request, sentAt);
        } catch (error) {
          unbuildable = error;
          throw error;
        }
      },
      request.attempt > 1 ? 'retry' : 'first',
    );
    return { outcome, sentAt: sentAt ?? new Date() };
  } catch (error) {
    if (unbuildable === undefined) throw error;
    return { outcome: { kind: 'unbuildable', error: unbuildable instanceof Error ? unbuildable.message : String(unbuildable) }, sentAt: sentAt ?? new Date() };
  }
}
