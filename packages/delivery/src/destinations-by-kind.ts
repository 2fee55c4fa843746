import type { SlotPriority } from './semaphore.js';
import { destinationType, type DestinationType } from '@hookfleet/core';
import type { Destination, DestinationOutcome, DestinationTarget } from './destination.js';
import { HttpDestination } from './http-destination.js';
import { NatsDestination } from './nats-destination.js';
import { RabbitmqDestination, type BrokerDestinationOptions } from './rabbitmq-destination.js';
import type { DeliveryTransport, OutgoingRequest } from './transport.js';

/**
 * The engine's one destination: each subscription's request goes to the destination of its kind
 * (`destinationType`: `http` unless the subscription has another `destination`). A kind this process has no
 * destination for fails the attempt with a plain reason.
 */
export class DestinationsByKind implements Destination {
  readonly kind = 'by-kind';

  constructor(private readonly kinds: Partial<Record<DestinationType, Destination>>) {}

  send(target: DestinationTarget, build: () => OutgoingRequest, priority?: SlotPriority): Promise<DestinationOutcome> {
    const destination = this.kinds[destinationType(target)];
    if (!destination)
      return Promise.resolve({
        kind: 'error',
        code: null,
        pauseAskedMs: null,
        responseBody: '',
        error: `no ${destinationType(target)} destination in this worker`,
        durationMs: 0,
      });
    return destination.send(target, build, priority);
  }

  isCongested(target: DestinationTarget): boolean {
    return this.kinds[destinationType(target)]?.isCongested(target) ?? false;
  }

  firstAttemptsServed(target: DestinationTarget): Promise<void> {
    return this.kinds[destinationType(target)]?.firstAttemptsServed?.(target) ?? Promise.resolve();
  }

  roomForFirstAttempts(target: DestinationTarget, attempts: number): Promise<() => void> {
    return this.kinds[destinationType(target)]?.roomForFirstAttempts?.(target, attempts) ?? Promise.resolve(() => undefined);
  }
}

/** A broker connection unused this long is closed (docs/delivery.md, "Broker destinations"). */
export const BROKER_IDLE_MS = 60_000;

/**
 * A process's destinations, one per kind: HTTP through `transport`, the brokers with the transport's rules (its
 * timeout and per-origin cap, `options`' concurrency and address policy). close() closes the brokers' connections.
 */
export function destinationsFor(
  transport: DeliveryTransport,
  options: Omit<BrokerDestinationOptions, 'perBrokerConcurrency' | 'idleMs'> & { idleMs?: number },
) {
  const brokerOptions = { idleMs: BROKER_IDLE_MS, ...options, perBrokerConcurrency: transport.perOriginConcurrency };
  const rabbitmq = new RabbitmqDestination(brokerOptions);
  const nats = new NatsDestination(brokerOptions);
  return {
    destination: new DestinationsByKind({ http: new HttpDestination(transport), rabbitmq, nats }),
    async close(): Promise<void> {
      await Promise.all([rabbitmq.close(), nats.close()]);
    },
  };
}

export type ProcessDestinations = ReturnType<typeof destinationsFor>;
