import type { Subscription } from '@hookfleet/core';
import type { BookkeepingEffect } from '@hookfleet/profiles';
import type { WorkerContext } from './context.js';

/** Carries out what a profile's bookkeeping asked for: disable the subscription, or remove it. */
export async function applySubscriptionEffects(
  context: WorkerContext,
  subscription: Subscription,
  effects: ReadonlyArray<BookkeepingEffect | undefined>,
): Promise<void> {
  const remove = effects.some((effect) => effect?.remove);
  const disable = effects.find((effect) => effect?.disable)?.disable;
  if (!remove && !disable) return;
  const current = await context.subscriptions.get(subscription.id);
  if (!current) return;
  if (remove) {
    await context.subscriptions.remove(current);
    context.metrics.subscriptionsDisabled.inc({ profile: current.profile, reason: 'removed' });
    context.logger.warn({ subscription_id: current.id, profile: current.profile }, 'subscription removed by its profile');
    return;
  }
  if (!current.active) return;
  await context.subscriptions.save({ ...current, active: false, disabled_reason: disable ?? 'failing', updated_at: new Date().toISOString() });
  context.metrics.subscriptionsDisabled.inc({ profile: current.profile, reason: disable ?? 'failing' });
  context.logger.warn({ subscription_id: current.id, profile: current.profile, reason: disable }, 'subscription disabled');
}
