import type { RedisClient } from '@hookfleet/store';
import { TooManyRequests } from '../abuse-limits.js';

/** How long a caller turned away for lack of waiter slots should wait before it asks again. */
const FULL_RETRY_AFTER_SECONDS = 1;

interface Waiter {
  wake(): void;
}

/** The waiters on one log's channel, and the SUBSCRIBE every one of them waits for before its first read. */
interface Channel {
  waiters: Set<Waiter>;
  subscribed: Promise<unknown>;
}

/**
 * Long-polls waiting for new messages in poll subscriptions' logs (docs/api.md, "Pull mode"): one Redis pub/sub
 * connection per API process, subscribed to the channels of the logs someone waits on, told by the worker's append.
 * The number of waiters is bounded (each holds a request open): one over the bound is a 429 with Retry-After.
 */
export class PollWaiters {
  private subscriber: RedisClient | null = null;
  private readonly waiting = new Map<string, Channel>();
  private count = 0;
  private closed = false;

  constructor(private readonly redis: RedisClient, private readonly maxWaiters: number) {}

  /**
   * Answers `read()` once it finds something, or its last try when `waitMs` has passed, the request went away
   * (`signal`) or the process stops. `read` runs once more after the subscription is in place, so a message
   * appended between the caller's first look and the wait is not missed.
   */
  async waitFor<T extends readonly unknown[]>(channel: string, waitMs: number, read: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.closed) return read();
    if (this.count >= this.maxWaiters) throw new TooManyRequests(`too many long-polls waiting in this process (${this.maxWaiters}); ask again`, FULL_RETRY_AFTER_SECONDS);
    this.count += 1;
    let wake: () => void = () => undefined;
    let woken = new Promise<void>((resolve) => (wake = resolve));
    const waiter: Waiter = { wake: () => wake() };
    // The timer alone says when the time is up: a deadline read from the clock after the (awaited) subscribe would lie
    // later than the timer, and a wait woken by its timer before that deadline would then wait for nothing, forever.
    let timeUp = false;
    const timer = setTimeout(() => {
      timeUp = true;
      waiter.wake();
    }, waitMs);
    const onAbort = () => waiter.wake();
    signal?.addEventListener('abort', onAbort);
    let joined: Channel | undefined;
    try {
      joined = this.join(channel, waiter);
      // Not past its time either: a SUBSCRIBE waits while ioredis reconnects, and a wait ends at its time regardless.
      await Promise.race([joined.subscribed, woken]);
      for (;;) {
        const found = await read();
        if (found.length > 0 || timeUp || this.closed || signal?.aborted) return found;
        await woken;
        woken = new Promise<void>((resolve) => (wake = resolve));
        if (timeUp || this.closed || signal?.aborted) return read();
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      this.count -= 1;
      if (joined) await this.leave(channel, joined, waiter);
    }
  }

  /** Long-polls waiting now (for tests and the operator). */
  get size(): number {
    return this.count;
  }

  /** Answers every waiter with what it finds now and closes the pub/sub connection. */
  async close(): Promise<void> {
    this.closed = true;
    for (const { waiters } of this.waiting.values()) for (const waiter of waiters) waiter.wake();
    const subscriber = this.subscriber;
    this.subscriber = null;
    subscriber?.disconnect();
  }

  /**
   * Every waiter on a channel, not only the one that subscribed it, waits for the SUBSCRIBE before its first read: a
   * waiter reading before it would miss a message appended in between (its publish reaches nobody) and wait out its
   * whole time. A SUBSCRIBE that fails forgets the channel, so the next waiter subscribes afresh instead of joining
   * waiters nobody tells.
   */
  private join(channelName: string, waiter: Waiter): Channel {
    let channel = this.waiting.get(channelName);
    if (!channel) {
      const joined: Channel = { waiters: new Set(), subscribed: this.connection().subscribe(channelName) };
      joined.subscribed.catch(() => {
        if (this.waiting.get(channelName) === joined) this.waiting.delete(channelName);
      });
      this.waiting.set(channelName, joined);
      channel = joined;
    }
    channel.waiters.add(waiter);
    return channel;
  }

  private async leave(channelName: string, channel: Channel, waiter: Waiter): Promise<void> {
    channel.waiters.delete(waiter);
    if (channel.waiters.size > 0 || this.waiting.get(channelName) !== channel) return;
    this.waiting.delete(channelName);
    // The page is answered whatever becomes of the UNSUBSCRIBE: left subscribed, the channel only wakes nobody.
    if (this.subscriber && !this.closed) await this.subscriber.unsubscribe(channelName).catch(() => undefined);
  }

  private connection(): RedisClient {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.redis.duplicate();
    subscriber.on('message', (channel: string) => {
      for (const waiter of this.waiting.get(channel)?.waiters ?? []) waiter.wake();
    });
    // A lost connection is reconnected by ioredis (and resubscribed); waiters still end at their deadline meanwhile.
    subscriber.on('error', () => undefined);
    this.subscriber = subscriber;
    return subscriber;
  }
}
