/** FNV-1a, 32 bits: a fixed, dependency-free hash, so every process of every version agrees on it. */
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The partition of a subscription: a stable hash of its id, so all its deliveries (first attempts, retries,
 * operator retries, ordered deliveries) meet in one partition. Jump consistent hash (Lamping and Veach): when
 * the partition count grows from n to n + 1, only the subscriptions that move to the new partition change.
 */
export function partitionOf(subscriptionId: string, partitions: number): number {
  if (partitions <= 1) return 0;
  let state = fnv1a32(subscriptionId) || 1;
  let bucket = 0;
  let next = 0;
  while (next < partitions) {
    bucket = next;
    // xorshift32 draws the jump hash's random sequence from the id's hash.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    next = Math.floor((bucket + 1) * (2 ** 32 / (state + 1)));
  }
  return bucket;
}
