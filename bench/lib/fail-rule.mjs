// Which deliveries the receiver fails once in the retries scenario: decided by the webhook-id alone.

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * True for about `fraction` of ids: the last two characters read as a base-64 number (0..4095; delivery ids
 * end in base64url of a SHA-256, so they are uniform) below fraction × 4096. Any other id hashes its
 * character codes instead.
 */
export function shouldFailFirstAttempt(id, fraction) {
  if (!(fraction > 0)) return false;
  if (id.length < 2) return false;
  const high = BASE64URL.indexOf(id[id.length - 2]);
  const low = BASE64URL.indexOf(id[id.length - 1]);
  let bucket;
  if (high >= 0 && low >= 0) bucket = high * 64 + low;
  else {
    let hash = 0;
    for (let index = 0; index < id.length; index += 1) hash = (hash * 31 + id.charCodeAt(index)) >>> 0;
    bucket = hash % 4096;
  }
  return bucket < Math.round(fraction * 4096);
}
