import type { HookfleetConfig } from '@hookfleet/core';
import { destinationsFor, type DeliveryTransport, type ProcessDestinations } from '@hookfleet/delivery';

/** The worker's destinations, one per kind, behind the engine's one Destination (HTTP through the transport, the brokers). */
export function createDestinations(
  config: Pick<HookfleetConfig, 'deliveryTimeoutMs' | 'deliveryConcurrency' | 'allowPrivateTargets'>,
  transport: DeliveryTransport,
): ProcessDestinations {
  return destinationsFor(transport, {
    timeoutMs: config.deliveryTimeoutMs,
    concurrency: config.deliveryConcurrency,
    allowPrivateTargets: config.allowPrivateTargets,
  });
}

export type WorkerDestinations = ProcessDestinations;
