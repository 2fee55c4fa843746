import { signatureSchemes, type SignatureScheme } from '@hookfleet/core';
import type { ParsedInput } from '../command.js';
import { UsageError } from '../errors.js';

export const signatureOption = {
  type: 'string',
  value: 'scheme',
  description: 'v1 (HMAC with the secret, the default) or v1a (ed25519 with the tenant\'s key pair; `signing-keys show` prints the public keys)',
} as const;

/** `--signature v1|v1a` as a subscription field; absent when the flag is. */
export function parseSignatureScheme(input: ParsedInput): { signature?: SignatureScheme } {
  const text = input.string('signature');
  if (text === undefined) return {};
  if (!(signatureSchemes as readonly string[]).includes(text)) throw new UsageError(`--signature must be ${signatureSchemes.join(' or ')}, got "${text}"`);
  return { signature: text as SignatureScheme };
}
