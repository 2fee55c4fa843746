import { eventIdOf, OrderedBacklog, type BacklogEntry } from './ordered-backlog.js';

export interface WaitingEntry extends BacklogEntry {
  /** The backlog member (`<counter>:<event id>`), what remove takes. */
  member: string;
}

/**
 * The deliveries a batching subscription has waiting for their batch (docs/delivery.md, "Batches"), oldest first,
 * and the turn that lets one job at a time cut batches from them: the ordered backlog's shape and scripts under a
 * key of its own. Members leave only after their batch's attempt is settled, so a crash sends the batch again.
 */
export class BatchBacklog extends OrderedBacklog {
  protected override backlogKey(subscriptionId: string): string {
    return this.keys.batchBacklog(subscriptionId);
  }

  /** Up to `count` of the oldest waiting entries. */
  async oldest(subscriptionId: string, count: number): Promise<WaitingEntry[]> {
    const flat = await this.redis.zrange(this.backlogKey(subscriptionId), 0, count - 1, 'WITHSCORES');
    const entries: WaitingEntry[] = [];
    for (let index = 0; index < flat.length; index += 2) {
      const member = flat[index] as string;
      entries.push({ member, eventId: eventIdOf(member), receivedAt: Number(flat[index + 1]) });
    }
    return entries;
  }

  async removeMembers(subscriptionId: string, members: readonly string[]): Promise<void> {
    if (members.length > 0) await this.redis.zrem(this.backlogKey(subscriptionId), ...members);
  }
}
