import type { PollMessage, SigningKeyPair, Subscription } from '@hookfleet/core';
import { buildRequest } from '@hookfleet/delivery';
import type { ProviderProfile } from '@hookfleet/profiles';
import { eventReceivedAtMs, type DeliveryStore, type PollLog } from '@hookfleet/store';
import type { Logger } from 'pino';
import type { AttemptItem } from './engine.js';

export interface PollAppendParts {
  pollLog: PollLog;
  deliveries: Pick<DeliveryStore, 'markDead'>;
  logger: Logger;
}

/**
 * The send step of a poll subscription (docs/delivery.md, "Pull mode"): nothing leaves; each delivery is built and
 * signed as an HTTP one would be and appended to the subscription's log, where it stays pending until the subscriber's
 * fetch passes it (the API records the attempt then). A request the profile cannot build ends dead, as it would over
 * HTTP. Appending again what is already waiting adds nothing, so a part that runs twice hands over each message once.
 */
export function createPollAppend({ pollLog, deliveries, logger }: PollAppendParts) {
  return async function appendToPollLog(
    subscription: Subscription,
    profile: ProviderProfile,
    items: readonly AttemptItem[],
    signingKeys?: readonly SigningKeyPair[],
  ): Promise<void> {
    const now = new Date();
    const messages: Array<{ message: PollMessage; eventReceivedAt: number }> = [];
    const unbuildable: Array<{ id: string; subscriptionId: string; attempts: number }> = [];
    for (const item of items) {
      try {
        const request = buildRequest(profile, { deliveryId: item.deliveryId, event: item.event, subscription, attempt: item.attempt, signingKeys }, now);
        const message = {
          id: item.deliveryId,
          event_id: item.event.id,
          type: item.event.type,
          timestamp: item.event.occurred_at,
          body: request.body,
          headers: request.headers,
        };
        messages.push({ message, eventReceivedAt: eventReceivedAtMs(item.event) });
      } catch (error) {
        unbuildable.push({ id: item.deliveryId, subscriptionId: subscription.id, attempts: item.attempt });
        logger.warn(
          { subscription_id: subscription.id, delivery_id: item.deliveryId, error: error instanceof Error ? error.message : String(error) },
          'delivery dead: request not built',
        );
      }
    }
    await pollLog.append(subscription.id, messages);
    await deliveries.markDead(unbuildable);
  };
}

export type PollAppend = ReturnType<typeof createPollAppend>;
