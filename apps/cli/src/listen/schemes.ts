import { standardScheme, type SignatureScheme } from './signature-schemes.js';

/**
 * Every signature `hookfleet listen` checks, in the order it looks for their headers. A profile that signs adds
 * its scheme here, built from the profile's own signing function so the two cannot drift.
 */
export const signatureSchemes: readonly SignatureScheme[] = [standardScheme];
