import type { HookfleetClient, Operation } from '@hookfleet/client';

export interface WaitOptions {
  intervalMs?: number;
  /** Called with every poll's answer, the last (done or failed) included. */
  onUpdate?(operation: Operation): void;
  /** Called once if the operation has counted nothing after `noProgressHintMs`: no worker may have taken it. */
  onNoProgress?(operation: Operation): void;
  noProgressHintMs?: number;
}

export const DEFAULT_POLL_INTERVAL_MS = 250;
/** Counting a large window takes seconds, not this long: an operation still at 0 of 0 has likely not been started. */
export const NO_PROGRESS_HINT_MS = 15_000;

/** Polls GET /v1/operations/:id until the operation is no longer running. */
export async function waitForOperation(client: HookfleetClient, operationId: string, options: WaitOptions = {}): Promise<Operation> {
  const intervalMs = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const hintAt = Date.now() + (options.noProgressHintMs ?? NO_PROGRESS_HINT_MS);
  let hinted = false;
  for (;;) {
    const operation: Operation = await client.operations.get(operationId);
    options.onUpdate?.(operation);
    if (operation.status !== 'running') return operation;
    if (!hinted && operation.total === 0 && operation.done === 0 && Date.now() >= hintAt) {
      hinted = true;
      options.onNoProgress?.(operation);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
