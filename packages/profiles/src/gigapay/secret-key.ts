import { randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A 32-character random secret_key (160 bits, lower-case base32, like `vksnrsc6tamq73tc26rzrnzf33a4pgdv`). */
export function generateGigapaySecretKey(): string {
  const bytes = randomBytes(20);
  let bits = 0;
  let value = 0;
  let key = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      key += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return key;
}
