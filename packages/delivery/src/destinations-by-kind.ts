import { destinationType, type DestinationType } from '@hookfleet/core';
import type { Destination, DestinationOutcome, DestinationTarget } from './destination.js';
import type { OutgoingRequest } from './transport.js';

/**
 * The engine's one destination: each subscription's request goes to the destination of its kind
 * (`destinationType`: `http` unless the subscription has another `destination`). A kind this process has no
 * destination for fails the attempt with a plain reason.
 */
export class DestinationsByKind implements Destination {
  readonly kind = 'by-kind';

  constructor(private readonly kinds: Partial<Record<DestinationType, Destination>>) {}

  send(target: DestinationTarget, build: () => OutgoingRequest): Promise<DestinationOutcome> {
    const destination = this.kinds[destinationType(target)];
    if (!destination) return Promise.resolve({ kind: 'error', code: null, pauseAskedMs: null, responseBody: '', error: `no ${destinationType(target)} destination in this worker`, durationMs: 0 });
    return destination.send(target, build);
  }

  isCongested(target: DestinationTarget): boolean {
    return this.kinds[destinationType(target)]?.isCongested(target) ?? false;
  }
}
