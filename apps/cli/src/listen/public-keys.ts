import type { SigningKeySet } from '@hookfleet/client';

/**
 * A tenant's published keys as `whpk_…` keys, beside any `--secret`: a rotated-out key keeps signing alongside
 * the new one for 24 h, so the keys fetched when `listen` starts go on verifying through a rotation.
 */
export function publicKeysOf(keySet: SigningKeySet): string[] {
  return keySet.keys.map((key) => `whpk_${Buffer.from(key.x, 'base64url').toString('base64')}`);
}
