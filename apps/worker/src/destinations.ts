import type { HookfleetConfig } from '@hookfleet/core';
import { DestinationsByKind, HttpDestination, NatsDestination, RabbitmqDestination, type DeliveryTransport } from '@hookfleet/delivery';

/** A broker connection unused this long is closed (docs/delivery.md, "Broker destinations"). */
export const BROKER_IDLE_MS = 60_000;

/**
 * The worker's destinations, one per kind, behind the engine's one Destination: HTTP through the transport, and
 * the brokers with the transport's rules (timeout, process and per-destination caps, private targets).
 */
export function createDestinations(config: Pick<HookfleetConfig, 'deliveryTimeoutMs' | 'deliveryConcurrency' | 'allowPrivateTargets'>, transport: DeliveryTransport) {
  const brokerOptions = {
    timeoutMs: config.deliveryTimeoutMs,
    concurrency: config.deliveryConcurrency,
    perBrokerConcurrency: transport.perOriginConcurrency,
    allowPrivateTargets: config.allowPrivateTargets,
    idleMs: BROKER_IDLE_MS,
  };
  const rabbitmq = new RabbitmqDestination(brokerOptions);
  const nats = new NatsDestination(brokerOptions);
  return {
    destination: new DestinationsByKind({ http: new HttpDestination(transport), rabbitmq, nats }),
    async close(): Promise<void> {
      await Promise.all([rabbitmq.close(), nats.close()]);
    },
  };
}

export type WorkerDestinations = ReturnType<typeof createDestinations>;
