import { Agent, request, errors } from 'undici';
import { TargetNotAllowed } from '@hookfleet/core';
import { assertLiteralTargetAllowed, guardedLookup } from './ssrf-guard.js';
import { KeyedSemaphore, Semaphore } from './semaphore.js';

/** Every delivery's User-Agent starts with hookfleet/ (CONTRACT.md, "Deliveries"). */
export const USER_AGENT = 'hookfleet/0.1 (+https://github.com/hookfleet)';

/** What an attempt's response body keeps for the attempt log. */
export const RESPONSE_BODY_LIMIT = 4096;

export interface TransportOptions {
  timeoutMs: number;
  /** Requests in flight per process. */
  concurrency: number;
  /** Requests in flight per endpoint origin, so one slow endpoint cannot take every slot. */
  perOriginConcurrency?: number;
  allowPrivateTargets: boolean;
  userAgent: string;
}

export type SendKind = 'response' | 'timeout' | 'error';

export interface SendResult {
  kind: SendKind;
  statusCode: number | null;
  headers: Record<string, string | string[] | undefined>;
  responseBody: string;
  error: string | null;
  durationMs: number;
}

/** undici with keep-alive per origin, a whole-request timeout, no redirects, and the SSRF guard at connect time. */
export class DeliveryTransport {
  private readonly agent: Agent;
  private readonly slots: Semaphore;
  private readonly originSlots: KeyedSemaphore;

  constructor(private readonly options: TransportOptions) {
    const perOrigin = options.perOriginConcurrency ?? Math.max(1, Math.min(64, Math.ceil(options.concurrency / 2)));
    this.agent = new Agent({
      connections: perOrigin,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: options.allowPrivateTargets ? {} : { lookup: guardedLookup as never },
    });
    this.slots = new Semaphore(options.concurrency);
    this.originSlots = new KeyedSemaphore(perOrigin);
  }

  async post(targetUrl: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    const url = new URL(targetUrl);
    const origin = url.origin;
    await this.originSlots.acquire(origin);
    await this.slots.acquire();
    const started = performance.now();
    try {
      if (!this.options.allowPrivateTargets) assertLiteralTargetAllowed(url);
      const response = await request(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'user-agent': this.options.userAgent, ...headers },
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const responseBody = await readLimited(response.body);
      return {
        kind: 'response',
        statusCode: response.statusCode,
        headers: response.headers,
        responseBody,
        error: null,
        durationMs: performance.now() - started,
      };
    } catch (error) {
      return { kind: isTimeout(error) ? 'timeout' : 'error', statusCode: null, headers: {}, responseBody: '', error: describe(error), durationMs: performance.now() - started };
    } finally {
      this.slots.release();
      this.originSlots.release(origin);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

async function readLimited(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_BODY_LIMIT) {
      // The rest is not read: a huge or endless answer costs no more than the limit.
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8');
}

function isTimeout(error: unknown): boolean {
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError || error instanceof errors.ConnectTimeoutError) return true;
  const name = (error as { name?: string } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

function describe(error: unknown): string {
  if (error instanceof TargetNotAllowed) return error.message;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof TargetNotAllowed) return cause.message;
  if (isTimeout(error)) return 'timed out';
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
