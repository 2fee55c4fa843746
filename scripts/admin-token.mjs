// The operator token `npm start` uses: kept in the data folder so that a HOOKFLEET_TOKEN a user exported, and the
// portal links it signed, keep working across restarts. A new one only when asked (`npm start -- --new-token`).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ADMIN_TOKEN_FILE = 'admin-token';

/**
 * HOOKFLEET_ADMIN_TOKEN when set (never written down); else the token kept in `dataDir`; else (or with `renew`) a new
 * one, written there readable by its owner only.
 * @param {{ dataDir: string, env?: NodeJS.ProcessEnv, renew?: boolean }} options
 * @returns {{ token: string, source: 'environment' | 'kept' | 'new', file: string }}
 */
export function adminToken({ dataDir, env = process.env, renew = false }) {
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  if (env.HOOKFLEET_ADMIN_TOKEN) return { token: env.HOOKFLEET_ADMIN_TOKEN, source: 'environment', file };
  if (!renew && existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept) return { token: kept, source: 'kept', file };
  }
  const token = `hfadm_${randomBytes(18).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, source: 'new', file };
}
