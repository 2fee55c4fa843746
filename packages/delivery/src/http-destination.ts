import type { Destination, DestinationOutcome, DestinationTarget } from './destination.js';
import { parseRetryAfterMs } from '@hookfleet/core';
import { asksForPause } from './retry-after.js';
import type { SlotPriority } from './semaphore.js';
import type { DeliveryTransport, SendResult } from './transport.js';

/** A send result in the engine's words: a status code, and Retry-After read only where it asks for a pause. */
export function httpOutcome(result: SendResult, now = Date.now()): DestinationOutcome {
  const kind = result.kind === 'response' ? 'answered' : result.kind;
  const pauseAskedMs = asksForPause(result.statusCode) ? parseRetryAfterMs(result.headers['retry-after'], now) : null;
  const error = result.error ?? redirectNotFollowed(result);
  return { kind, code: result.statusCode, pauseAskedMs, responseBody: result.responseBody, error, durationMs: result.durationMs };
}

/** The most of a Location header the attempt log keeps. */
const MAX_LOCATION_CHARS = 300;

/**
 * A redirect is never followed (docs/delivery.md, "The request"); a bare `HTTP 301` left the endpoint's operator
 * guessing why a working URL failed, so the attempt log says where the endpoint pointed. Null for anything else.
 */
function redirectNotFollowed(result: SendResult): string | null {
  const code = result.statusCode;
  if (code === null || code < 300 || code > 399) return null;
  const header = result.headers.location;
  const location = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!location) return null;
  // eslint-disable-next-line no-control-regex -- an endpoint's bytes, shown in the portal: no control characters.
  const shown = location.slice(0, MAX_LOCATION_CHARS).replace(/[\x00-\x1f\x7f]/g, '?');
  return `HTTP ${code}, a redirect to ${shown}${location.length > MAX_LOCATION_CHARS ? '…' : ''}: redirects are not followed, so the subscription's URL must be the final one`;
}

/** HTTP POST through the transport (undici, the SSRF guard, per-origin caps and stall detection). */
export class HttpDestination implements Destination {
  readonly kind = 'http';

  constructor(private readonly transport: DeliveryTransport) {}

  async send(target: DestinationTarget, build: Parameters<DeliveryTransport['send']>[1], priority?: SlotPriority): Promise<DestinationOutcome> {
    return httpOutcome(await this.transport.send(target.url, build, priority));
  }

  isCongested(target: DestinationTarget): boolean {
    return this.transport.isCongested(target.url);
  }

  firstAttemptsServed(target: DestinationTarget): Promise<void> {
    return this.transport.firstAttemptsServed(target.url);
  }

  roomForFirstAttempts(target: DestinationTarget, attempts: number): Promise<() => void> {
    return this.transport.roomForFirstAttempts(target.url, attempts);
  }
}
