import type { Subscription } from '@hookfleet/core';
import type { BookkeepingEffect } from '@hookfleet/profiles';
import type { HookfleetMetrics } from '@hookfleet/metrics';
import type { SubscriptionStore } from '@hookfleet/store';
import type { Logger } from 'pino';

export interface SubscriptionEffectParts {
  subscriptions: SubscriptionStore;
  metrics: HookfleetMetrics;
  logger: Logger;
}

/** Carries out what a profile's bookkeeping asked for: disable the subscription, or remove it. */
export async function applySubscriptionEffects(
  { subscriptions, metrics, logger }: SubscriptionEffectParts,
  subscription: Subscription,
  effects: ReadonlyArray<BookkeepingEffect | undefined>,
): Promise<void> {
  const remove = effects.some((effect) => effect?.remove);
  const disable = effects.find((effect) => effect?.disable)?.disable;
  if (!remove && !disable) return;
  const current = await subscriptions.get(subscription.id);
  if (!current) return;
  if (remove) {
    await subscriptions.remove(current);
    metrics.subscriptionsDisabled.inc({ profile: current.profile, reason: 'removed' });
    logger.warn({ subscription_id: current.id, profile: current.profile }, 'subscription removed by its profile');
    return;
  }
  if (!current.active) return;
  await subscriptions.save({ ...current, active: false, disabled_reason: disable ?? 'failing', updated_at: new Date().toISOString() });
  metrics.subscriptionsDisabled.inc({ profile: current.profile, reason: disable ?? 'failing' });
  logger.warn({ subscription_id: current.id, profile: current.profile, reason: disable }, 'subscription disabled');
}
