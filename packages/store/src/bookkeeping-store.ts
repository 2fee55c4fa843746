import type { ChainableCommander } from 'ioredis';
import type { BookkeepingEffect } from '@hookfleet/profiles';
import type { Keys } from './keys.js';

/** Applies profile bookkeeping (set and increment fields) to a subscription's state hash. */
export function queueBookkeeping(pipeline: ChainableCommander, keys: Keys, subscriptionId: string, effect: BookkeepingEffect): void {
  const key = keys.subscriptionState(subscriptionId);
  if (effect.set && Object.keys(effect.set).length > 0) {
    pipeline.hset(key, Object.fromEntries(Object.entries(effect.set).map(([field, value]) => [field, value === null ? '' : String(value)])));
  }
  for (const [field, amount] of Object.entries(effect.increment ?? {})) pipeline.hincrby(key, field, amount);
}

/** One write per subscription and batch: sets in order (the last wins), increments summed. */
export function mergeBookkeeping(merged: Map<string, BookkeepingEffect>, subscriptionId: string, effect: BookkeepingEffect): void {
  const current = merged.get(subscriptionId) ?? {};
  const increment = { ...current.increment };
  for (const [field, amount] of Object.entries(effect.increment ?? {})) increment[field] = (increment[field] ?? 0) + amount;
  merged.set(subscriptionId, { set: { ...current.set, ...effect.set }, increment });
}
