import { z } from 'zod';

/**
 * The Standard Webhooks signature schemes a subscription may choose (docs/delivery.md, "Asymmetric signatures"):
 * `v1` HMAC-SHA256 keyed by the subscription's secret, `v1a` ed25519 signed by its tenant's current key pair.
 */
export const signatureSchemes = ['v1', 'v1a'] as const;
export const signatureSchemeSchema = z.enum(signatureSchemes);
export type SignatureScheme = z.infer<typeof signatureSchemeSchema>;

/**
 * One ed25519 key pair of a tenant as stored, in the Standard Webhooks formats: `whsk_` then the base64 of the raw
 * 32-byte private key (a secret: never logged, never answered), `whpk_` then the base64 of the raw public key.
 */
export interface SigningKeyPair {
  /** The key's id: the RFC 7638 thumbprint of its public JWK, sent in `webhook-key-id`. */
  kid: string;
  secret_key: string;
  public_key: string;
  created_at: string;
  /** null for the current key; a replaced key signs alongside and stays published until then. */
  expires_at: string | null;
}

/** A published public key: the JWK members of an Ed25519 key, with where it stands in the rotation. */
export const publicSigningKeySchema = z.object({
  kid: z.string(),
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  /** base64url of the raw 32-byte public key. */
  x: z.string(),
  status: z.enum(['current', 'previous']),
  expires_at: z.string().optional(),
});
export type PublicSigningKey = z.infer<typeof publicSigningKeySchema>;

/** `GET /v1/tenants/:id/signing-keys` and `/.well-known/hookfleet/:tenant/jwks.json`: a JWKS document. */
export const signingKeySetSchema = z.object({ keys: z.array(publicSigningKeySchema) });
export type SigningKeySet = z.infer<typeof signingKeySetSchema>;
