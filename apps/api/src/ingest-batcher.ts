import type { Queue } from 'bullmq';
import type { StoredEvent } from '@hookfleet/core';
import type { EventStore } from '@hookfleet/store';
import type { BatchHandOver, MatchJobData } from '@hookfleet/queue';

interface PendingEvent {
  event: StoredEvent;
  resolve: (isNew: boolean) => void;
  reject: (error: unknown) => void;
}

/** Flush at this many events even if the window has not closed (one matcher job per flush). */
const MAX_FLUSH_EVENTS = 500;

/**
 * Gathers events that arrive within one tick (single POSTs from many connections, or a batch) into one
 * Redis pipeline and one matcher job (docs/architecture.md, "Single POSTs share one pipeline"). A request is answered only after its
 * event is stored and its matcher job is in the queue: a 202 is never lost.
 */
export class IngestBatcher {
  private pending: PendingEvent[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  /**
   * `onUnconfirmed` hears a confirmation the store refused after the events were enqueued (they stay accepted);
   * `onWritten` hears a flush whose every write was taken (the process's `hookfleet_store_writable` goes back to 1);
   * `handOver` gives batching subscriptions their events at acceptance (packages/queue/src/hand-over.ts).
   */
  constructor(
    private readonly events: EventStore,
    private readonly queue: Queue<MatchJobData>,
    private readonly onUnconfirmed: (error: unknown) => void = () => undefined,
    private readonly onWritten: () => void = () => undefined,
    private readonly handOver?: BatchHandOver,
  ) {}

  submit(events: readonly StoredEvent[]): Promise<boolean[]> {
    const results = events.map(
      (event) =>
        new Promise<boolean>((resolve, reject) => {
          this.pending.push({ event, resolve, reject });
        }),
    );
    if (this.pending.length >= MAX_FLUSH_EVENTS) this.flushNow();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flushNow());
    }
    return Promise.all(results);
  }

  /** Waits for every flush in progress (graceful shutdown). */
  async drain(): Promise<void> {
    if (this.pending.length > 0) this.flushNow();
    await Promise.allSettled([...this.inFlight]);
  }

  private flushNow(): void {
    this.scheduled = false;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_FLUSH_EVENTS);
      const flush = this.flush(batch).finally(() => this.inFlight.delete(flush));
      this.inFlight.add(flush);
    }
  }

  private async flush(batch: PendingEvent[]): Promise<void> {
    try {
      // The same id twice in one flush: the later one is a duplicate of the first.
      const firstIndexById = new Map<string, number>();
      const unique: PendingEvent[] = [];
      const duplicateOf = batch.map((entry) => {
        const first = firstIndexById.get(entry.event.id);
        if (first !== undefined) return first;
        firstIndexById.set(entry.event.id, unique.length);
        unique.push(entry);
        return -1;
      });
      const uniqueEvents = unique.map((entry) => entry.event);
      const plan = await this.handOver?.plan(uniqueEvents);
      const acceptance = await this.events.accept(uniqueEvents, plan?.subscriptionIdsByEvent);
      const { isNew } = acceptance;
      const newIds = unique.filter((_, index) => isNew[index]).map((entry) => entry.event.id);
      let confirmed = true;
      if (newIds.length > 0) {
        // The batch jobs go first: once the matcher job is in, nothing else tells them to exist; both before the
        // confirm, so a crash in between has the producer's retry store and enqueue the flush again.
        const accepted = new Set(newIds);
        const handedOver = plan && this.handOver ? await this.handOver.enqueue(plan, (id) => accepted.has(id)) : [];
        // An event handed over to every subscription it matches needs no matcher (HandOverPlan.handedOverWhole).
        const toMatch = plan && plan.handedOverWhole.size > 0 ? newIds.filter((id) => !plan.handedOverWhole.has(id)) : newIds;
        if (toMatch.length > 0) await this.queue.add('match', handedOver.length > 0 ? { eventIds: toMatch, handedOver } : { eventIds: toMatch });
        // Enqueued: the events are accepted whatever follows. A confirmation the store refuses (out of memory) only
        // leaves their marker at "stored", so the same id sent again is enqueued again (the matcher is idempotent)
        // rather than answered as a duplicate.
        await this.events.confirmEnqueued(acceptance, newIds).catch((error: unknown) => {
          confirmed = false;
          this.onUnconfirmed(error);
        });
      }
      if (confirmed) this.onWritten();
      let uniqueIndex = 0;
      batch.forEach((entry, index) => {
        const first = duplicateOf[index] as number;
        if (first >= 0) entry.resolve(false);
        else entry.resolve(isNew[uniqueIndex++] as boolean);
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}
