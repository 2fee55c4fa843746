import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Result } from 'ioredis';
import type { Keys } from './keys.js';
import type { RedisClient } from './redis.js';

/** How long the answer to a request with an idempotency key is kept: a retry within it gets that answer again. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * How long a request's claim of its key lives before it is answered: long past any management request, short
 * enough that a key whose API process died mid-request (or whose answer the store refused to keep) is free again
 * within a minute, not held for the day the answer would have been kept.
 */
export const IDEMPOTENCY_CLAIM_SECONDS = 60;

/** Where a request with an idempotency key stands. */
export type IdempotencyOutcome<Answer> =
  /** This request claimed the key: run it, then `finish` (its answer is kept) or `abandon` (the key is free again). */
  | { state: 'started'; claim: IdempotencyClaim }
  /** An earlier request with this key and the same method, path and body was answered: this is its answer. */
  | { state: 'done'; answer: Answer }
  /** An earlier request with this key is still running. */
  | { state: 'running' }
  /** The key was used for another request (another method, path or body). */
  | { state: 'mismatch' };

/** A claimed key, what finish and abandon take. */
export interface IdempotencyClaim {
  readonly redisKey: string;
  readonly value: string;
  readonly fingerprint: string;
  readonly secret: Buffer;
}

// Finish and abandon act only on the caller's own claim (or, for finish, a key whose claim ran out meanwhile and
// nobody took): a claim that ran out and was taken by a retry belongs to that retry. KEYS[1] the key; ARGV[1] the
// claim's value; ARGV[2] the answer's value and ARGV[3] its TTL (finish only).
const FINISH = `
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`;
const ABANDON = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetFinishIdempotent(key: string, claim: string, answer: string, ttlSeconds: number): Result<number, Context>;
    hookfleetAbandonIdempotent(key: string, claim: string): Result<number, Context>;
  }
}

const RUNNING = 'r';
const DONE = 'd';

/**
 * The answers of requests sent with an idempotency key (docs/api.md, "Errors and limits"), per caller scope, kept
 * IDEMPOTENCY_TTL_SECONDS. What is stored reveals neither the key nor the answer: the Redis key, the request's
 * fingerprint and the encryption key of the answer are all derived from the client's key (HKDF, salted with the
 * scope), and the answer is sealed with AES-256-GCM. An answer may hold a credential hookfleet otherwise keeps only
 * as a hash (a tenant's new API key): at rest it is readable only by whoever holds the idempotency key.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly ttlSeconds = IDEMPOTENCY_TTL_SECONDS,
  ) {
    if (!Object.hasOwn(redis, 'hookfleetFinishIdempotent')) {
      redis.defineCommand('hookfleetFinishIdempotent', { numberOfKeys: 1, lua: FINISH });
      redis.defineCommand('hookfleetAbandonIdempotent', { numberOfKeys: 1, lua: ABANDON });
    }
  }

  /**
   * Claims `key` for a request of `scope` (who calls: the operator, a tenant) described by `request` (its method,
   * path and body), or says what became of an earlier request with that key.
   */
  async start<Answer>(scope: string, key: string, request: string): Promise<IdempotencyOutcome<Answer>> {
    const material = Buffer.from(hkdfSync('sha256', key, scope, 'hookfleet idempotency key', 64));
    const secret = material.subarray(32);
    const redisKey = this.keys.idempotency(material.subarray(0, 32).toString('hex'));
    const fingerprint = createHmac('sha256', secret).update(request).digest('base64url');
    const value = `${RUNNING}:${randomBytes(9).toString('base64url')}:${fingerprint}`;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if ((await this.redis.set(redisKey, value, 'EX', IDEMPOTENCY_CLAIM_SECONDS, 'NX')) === 'OK') return { state: 'started', claim: { redisKey, value, fingerprint, secret } };
      const stored = await this.redis.get(redisKey);
      // Gone between the two commands (its claim ran out, or it was abandoned): claim it again.
      if (stored === null) continue;
      const [state, ...rest] = stored.split(':');
      const storedFingerprint = state === RUNNING ? rest[1] : rest[0];
      if (!storedFingerprint || !sameText(storedFingerprint, fingerprint)) return { state: 'mismatch' };
      if (state === RUNNING) return { state: 'running' };
      return { state: 'done', answer: JSON.parse(open(secret, rest[1] ?? '')) as Answer };
    }
    return { state: 'running' };
  }

  /** Keeps the answer of a claimed request for `ttlSeconds` (a day unless a provider's key says otherwise). */
  async finish(claim: IdempotencyClaim, answer: unknown, ttlSeconds = this.ttlSeconds): Promise<void> {
    const sealed = seal(claim.secret, JSON.stringify(answer));
    await this.redis.hookfleetFinishIdempotent(claim.redisKey, claim.value, `${DONE}:${claim.fingerprint}:${sealed}`, ttlSeconds);
  }

  /** Frees the key of a request that failed, so that the same key may try again. */
  async abandon(claim: IdempotencyClaim): Promise<void> {
    await this.redis.hookfleetAbandonIdempotent(claim.redisKey, claim.value);
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** AES-256-GCM: the nonce, the tag and the ciphertext, base64url, dot-separated. */
function seal(secret: Buffer, text: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secret, nonce);
  const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return [nonce, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.');
}

function open(secret: Buffer, sealed: string): string {
  const [nonce = '', tag = '', text = ''] = sealed.split('.');
  const decipher = createDecipheriv('aes-256-gcm', secret, Buffer.from(nonce, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(text, 'base64url')), decipher.final()]).toString('utf8');
}
