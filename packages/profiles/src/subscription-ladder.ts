import { ownLadderMs, type RetryOptions, type Subscription } from '@hookfleet/core';
import type { ProviderProfile } from './profile.js';

const ownLadders = new WeakMap<RetryOptions, readonly number[]>();

/**
 * The retry ladder a subscription's deliveries climb, unscaled: its own `retry` when it has one, its profile's
 * otherwise (compat routes never set `retry`, so compat subscriptions keep their provider's ladder). Attempts in all:
 * length + 1. Worked out once per stored `retry` (the subscription index keeps the object).
 */
export function retryLadderMs(profile: Pick<ProviderProfile, 'retryDelaysMs'>, subscription: Pick<Subscription, 'retry'>): readonly number[] {
  const retry = subscription.retry;
  if (!retry) return profile.retryDelaysMs;
  let ladder = ownLadders.get(retry);
  if (!ladder) ownLadders.set(retry, (ladder = ownLadderMs(retry)));
  return ladder;
}
