import { hash } from 'node:crypto';
import type { SigningKeyPair, StoredEvent, Subscription } from '@hookfleet/core';
import type { ProviderProfile } from '@hookfleet/profiles';
import type { Destination } from './destination.js';
import type { SendOutcome } from './judge.js';
import type { OutgoingRequest } from './transport.js';

export interface BatchMember {
  deliveryId: string;
  event: StoredEvent;
  /** 1 for the first attempt. */
  attempt: number;
}

/**
 * A batch's webhook-id: derived from its members, so a batch sent again whole (a retry, or a re-run after a crash)
 * carries the same id and a receiver can drop the copy it already has.
 */
export function batchIdOf(members: readonly Pick<BatchMember, 'deliveryId'>[]): string {
  // One hash of the ids joined, each ended by a NUL: the same bytes, so the same id, as the two updates a member
  // this took before (one of the batch path's larger costs a member: bench/README.md, the twenty-ninth round).
  let joined = '';
  for (const { deliveryId } of members) joined += `${deliveryId}\0`;
  return `batch_${hash('sha256', joined, 'base64url').slice(0, 24)}`;
}

/**
 * The build step of a batch (docs/delivery.md, "Batches"): a JSON array of the members' own bodies, each with its
 * delivery id as `id` (its webhook-id when sent alone), signed once over the whole array with the batch's id. The
 * members' bodies are spliced, not parsed again. Throws when the profile cannot sign a batch or build a member.
 */
export function buildBatchRequest(
  profile: Pick<ProviderProfile, 'buildRequest' | 'signBody' | 'name'>,
  subscription: Subscription,
  members: readonly BatchMember[],
  batchId: string,
  now: Date,
  signingKeys?: readonly SigningKeyPair[],
): OutgoingRequest {
  if (!profile.signBody) throw new Error(`profile ${profile.name} cannot sign a batch`);
  // The batch is signed as a whole: a member built without secrets skips a signature that would be thrown away.
  const unsigned: Subscription = { ...subscription, secret: null, previous_secrets: [], signature: 'v1' };
  const elements = members.map(({ deliveryId, event, attempt }) => {
    const { body } = profile.buildRequest({ deliveryId, event, subscription: unsigned, attempt, now });
    if (!body.startsWith('{') || body === '{}') throw new Error(`profile ${profile.name} built a body a batch cannot carry`);
    return `{"id":${JSON.stringify(deliveryId)},${body.slice(1)}`;
  });
  const body = `[${elements.join(',')}]`;
  const signed = profile.signBody({ id: batchId, subscription, now, body, signingKeys });
  const custom = subscription.headers;
  const headers = custom ? { ...custom, ...signed, 'webhook-id': batchId } : { ...signed, 'webhook-id': batchId };
  return subscription.timeout_ms ? { body, headers, timeoutMs: subscription.timeout_ms } : { body, headers };
}

/**
 * Build → send for one batch, like buildAndSend for one delivery: built once the destination has room, an unbuildable
 * batch comes back as `unbuildable`, anything else the destination throws is thrown.
 */
export async function buildAndSendBatch(
  destination: Destination,
  profile: Pick<ProviderProfile, 'buildRequest' | 'signBody' | 'name'>,
  subscription: Subscription,
  members: readonly BatchMember[],
  signingKeys?: readonly SigningKeyPair[],
): Promise<{ outcome: SendOutcome; sentAt: Date; batchId: string }> {
  const batchId = batchIdOf(members);
  let sentAt: Date | undefined;
  let unbuildable: unknown;
  try {
    const outcome = await destination.send(
      subscription,
      () => {
        sentAt = new Date();
        try {
          return buildBatchRequest(profile, subscription, members, batchId, sentAt, signingKeys);
        } catch (error) {
          unbuildable = error;
          throw error;
        }
      },
      // A batch holding any first attempt goes with the first attempts.
      members.some((member) => member.attempt === 1) ? 'first' : 'retry',
    );
    return { outcome, sentAt: sentAt ?? new Date(), batchId };
  } catch (error) {
    if (unbuildable === undefined) throw error;
    return {
      outcome: { kind: 'unbuildable', error: unbuildable instanceof Error ? unbuildable.message : String(unbuildable) },
      sentAt: sentAt ?? new Date(),
      batchId,
    };
  }
}
