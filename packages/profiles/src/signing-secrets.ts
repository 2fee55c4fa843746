import type { Subscription } from '@hookfleet/core';

/** The current secret first, then every replaced one whose grace period has not ended. */
export function signingSecrets(subscription: Pick<Subscription, 'secret' | 'previous_secrets'>, now: Date): string[] {
  const secrets = subscription.secret ? [subscription.secret] : [];
  for (const previous of subscription.previous_secrets ?? []) {
    if (Date.parse(previous.expires_at) > now.getTime() && !secrets.includes(previous.secret)) secrets.push(previous.secret);
  }
  return secrets;
}

/** How long a replaced secret keeps signing. */
export const SECRET_GRACE_MS = 24 * 3600 * 1000;

/** The subscription's secrets after replacing the current one: the old one stays valid for the grace period. */
export function rotateSecret(subscription: Pick<Subscription, 'secret' | 'previous_secrets'>, nextSecret: string, now: Date): Pick<Subscription, 'secret' | 'previous_secrets'> {
  const stillValid = (subscription.previous_secrets ?? []).filter((previous) => Date.parse(previous.expires_at) > now.getTime());
  if (!subscription.secret || subscription.secret === nextSecret) return { secret: nextSecret, previous_secrets: stillValid };
  return { secret: nextSecret, previous_secrets: [{ secret: subscription.secret, expires_at: new Date(now.getTime() + SECRET_GRACE_MS).toISOString() }, ...stillValid].slice(0, 5) };
}
