import type { Destination, DestinationOutcome, DestinationTarget } from './destination.js';
import { parseRetryAfterMs } from '@hookfleet/core';
import { asksForPause } from './retry-after.js';
import type { SlotPriority } from './semaphore.js';
import type { DeliveryTransport, SendResult } from './transport.js';

/** A send result in the engine's words: a status code, and Retry-After read only where it asks for a pause. */
export function httpOutcome(result: SendResult, now = Date.now()): DestinationOutcome {
  const kind = result.kind === 'response' ? 'answered' : result.kind;
  const pauseAskedMs = asksForPause(result.statusCode) ? parseRetryAfterMs(result.headers['retry-after'], now) : null;
  return { kind, code: result.statusCode, pauseAskedMs, responseBody: result.responseBody, error: result.error, durationMs: result.durationMs };
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
