import { describeFailure, isTimeout } from './failure-message.js';
import { parseHeaderBlock } from './http1-response.js';

/** `stalled`: not sent — the endpoint's slots are full and none of its requests ended for a while. */
export type SendKind = 'response' | 'timeout' | 'error' | 'stalled';

/** How one request through the transport (transport.ts) ended. */
export interface SendResult {
  kind: SendKind;
  statusCode: number | null;
  headers: Record<string, string | string[] | undefined>;
  responseBody: string;
  error: string | null;
  durationMs: number;
}

/**
 * A response's result; its headers are parsed from the header block only if someone reads them (most never do). A class,
 * not an object literal with a getter: a literal's own accessor made each result a slow dictionary-mode object (1 µs a
 * delivery in the worker's profile).
 */
export class ResponseResult implements SendResult {
  readonly kind = 'response';
  readonly error = null;
  private parsedHeaders: Record<string, string | string[]> | undefined;

  constructor(
    readonly statusCode: number,
    /** The response's header block as it came (http1-response.ts). */
    private readonly head: string,
    readonly responseBody: string,
    readonly durationMs: number,
  ) {}

  get headers(): Record<string, string | string[]> {
    this.parsedHeaders ??= parseHeaderBlock(this.head);
    return this.parsedHeaders;
  }
}

/** A request that got no response: a timeout, or the error that ended it, described for the attempt log. */
export function failureResult(error: unknown, origin: string, durationMs: number): SendResult {
  return { kind: isTimeout(error) ? 'timeout' : 'error', statusCode: null, headers: {}, responseBody: '', error: describeFailure(error, origin), durationMs };
}

/** Not sent: the endpoint stalled (its jobs step aside). */
export function stalledResult(): SendResult {
  return { kind: 'stalled', statusCode: null, headers: {}, responseBody: '', error: 'endpoint stalled', durationMs: 0 };
}
