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

/**
 * Carries out what a profile's bookkeeping asked for: disable the subscription, or remove it. Parts of one subscription
 * run at once on every worker and each may ask (an outage, a 410 to every part): the disable is a compare-and-set on
 * the document still active (SubscriptionStore.update), and the removal counts only where it deleted the document, so
 * exactly one of them counts it and says so.
 */
export async function applySubscriptionEffects(
  { subscriptions, metrics, logger }: SubscriptionEffectParts,
  subscription: Subscription,
  effects: ReadonlyArray<BookkeepingEffect | undefined>,
): Promise<void> {
  const remove = effects.some((effect) => effect?.remove);
  const disable = effects.find((effect) => effect?.disable)?.disable;
  if (!remove && !disable) return;
  if (remove) {
    const current = await subscriptions.get(subscription.id);
    if (!current || !(await subscriptions.remove(current))) return;
    metrics.subscriptionsDisabled.inc({ profile: current.profile, reason: 'removed' });
    logger.warn({ subscription_id: current.id, profile: current.profile }, 'subscription removed by its profile');
    return;
  }
  const reason = disable ?? 'failing';
  const disabled = await subscriptions.update(subscription.id, (current) =>
    current.active ? { ...current, active: false, disabled_reason: reason, updated_at: new Date().toISOString() } : null,
  );
  if (!disabled) return;
  metrics.subscriptionsDisabled.inc({ profile: disabled.profile, reason });
  logger.warn({ subscription_id: disabled.id, profile: disabled.profile, reason }, 'subscription disabled');
}
