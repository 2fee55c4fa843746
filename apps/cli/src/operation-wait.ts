import type { HookfleetClient, Operation } from '@hookfleet/client';

export interface WaitOptions {
  intervalMs?: number;
  /** Called with every poll's answer, the last (done or failed) included. */
  onUpdate?(operation: Operation): void;
}

export const DEFAULT_POLL_INTERVAL_MS = 250;

/** Polls GET /v1/operations/:id until the operation is no longer running. */
export async function waitForOperation(client: HookfleetClient, operationId: string, options: WaitOptions = {}): Promise<Operation> {
  const intervalMs = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  for (;;) {
    const operation: Operation = await client.operations.get(operationId);
    options.onUpdate?.(operation);
    if (operation.status !== 'running') return operation;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
