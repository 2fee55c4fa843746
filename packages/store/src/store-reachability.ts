import { ReplyError, type Cluster, type Redis } from 'ioredis';
import { isCluster, type RedisClient } from './redis.js';

/**
 * One PING, watched to its end: `reached` is false for a connection that failed, true for any answer, error or not.
 * Unanswered past `dueBy`, the node counts as out of reach.
 */
interface WatchedPing {
  dueBy: number;
  settled: boolean;
  reached: boolean;
}

/** Whether a PING shows the node reached now: answered, or not yet due. */
function answered(ping: WatchedPing | undefined, now: number): boolean {
  if (ping === undefined) return true;
  if (ping.settled) return ping.reached;
  return now <= ping.dueBy;
}

/** The node key ("host:port", as ioredis writes `Cluster.slots`) of each master named in the slot map; null for a slot no master serves. */
function slotMasters(cluster: Cluster): Set<string> | null {
  const masters = new Set<string>();
  for (let slot = 0; slot < 16384; slot += 1) {
    const master = cluster.slots[slot]?.[0];
    if (!master) return null;
    masters.add(master);
  }
  return masters;
}

/** A cluster's connection to each master in its pool, by node key. */
function masterConnections(cluster: Cluster): Map<string, Redis> {
  return new Map(cluster.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]));
}

/** Reads the slot map again (one CLUSTER SLOTS), which also puts a master back in the pool; never rejects. */
function refreshSlots(cluster: Cluster): Promise<void> {
  return new Promise((resolve) => cluster.refreshSlotsCache(() => resolve()));
}

/**
 * Whether this process reaches Redis, read when /metrics is scraped: its store connection is ready (ioredis leaves
 * `ready` at once when the connection is refused or lost, and comes back to it on reconnecting) and the readiness
 * probe's last PING is answered or younger than the probe waits for one (a Redis that hangs, or a network that drops
 * packets, keeps the connection `ready` and answers nothing). An error reply is an answer: Redis was reached. The PING
 * is watched to its end, not to the probe's timeout, so a late answer shows at the next scrape without another probe.
 * While that PING waits a probe sends no other but is given its answer, so a Redis that did not answer stays out of
 * reach until it does (a fresh PING is not a reason to say 1 for the probe's wait) and a hung Redis collects no
 * PINGs. A PING whose connection failed says no more than the connection does: ioredis is `ready` again only once
 * Redis has answered its ready check on the new connection.
 *
 * On a cluster that is not enough: with one master down the cluster connection stays `ready` and its PING goes to a
 * node that answers, while every command on that master's slots fails. So each probe also PINGs every master the slot
 * map names, on the cluster's own connection to it, and the store is out of reach while a slot has no master or any
 * master has not answered: its connection failed, or its PING waits past the probe's wait. ioredis drops a lost
 * master's connection from its pool while the slot map still names it; such a master counts as not answering until a
 * re-read slot map brings its connection back and it answers. A master that did not answer stays out of reach from
 * the next probe's PING on, until that one is answered (a fresh PING is not a reason to say 1 for the probe's wait),
 * and a master whose PING still waits gets no other, so a hung master collects none.
 */
export class StoreReachability {
  /** The store connection's last PING, and its answer while it waits (the one the next probes wait for too). */
  private lastPing: WatchedPing | undefined;
  private waitingAnswer: Promise<string> | undefined;
  /** On a cluster: each master's last PING, by node key (masters no longer in the slot map are forgotten). */
  private masterPings = new Map<string, WatchedPing>();
  /** On a cluster: the last probe found a slot that no master serves. */
  private slotsUncovered = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly answerWithinMs: number,
  ) {}

  /** The readiness probe's PING (on a cluster, to one node: /readyz says whether the cluster answers at all). */
  async ping(): Promise<string> {
    if (isCluster(this.redis)) this.pingMasters(this.redis);
    if (this.waitingAnswer) return await this.waitingAnswer;
    const ping: WatchedPing = { dueBy: performance.now() + this.answerWithinMs, settled: false, reached: false };
    const answer = this.redis.ping();
    this.lastPing = ping;
    this.waitingAnswer = answer;
    // Watched before the caller awaits it, so whoever sees the answer also sees the PING settled.
    void answer.then(
      () => this.settle(ping, true),
      (error: unknown) => this.settle(ping, error instanceof ReplyError),
    );
    return await answer;
  }

  isReachable(now = performance.now()): boolean {
    if (this.redis.status !== 'ready') return false;
    if (!answered(this.lastPing, now) || this.slotsUncovered) return false;
    for (const ping of this.masterPings.values()) if (!answered(ping, now)) return false;
    return true;
  }

  private settle(ping: WatchedPing, reached: boolean): void {
    ping.settled = true;
    ping.reached = reached;
    this.waitingAnswer = undefined;
    // Its connection failed: `ready` says whether Redis is reached, now and once ioredis has connected again.
    if (!reached && this.lastPing === ping) this.lastPing = undefined;
  }

  /** Starts a PING to each master of the slot map, not awaited: /readyz waits for its own PING only. */
  private pingMasters(cluster: Cluster): void {
    const now = performance.now();
    const masters = slotMasters(cluster);
    // Before the first slot map the cluster is not `ready`, which says so already.
    this.slotsUncovered = masters === null && cluster.status === 'ready';
    const pings = new Map<string, WatchedPing>();
    for (const master of masters ?? []) {
      const last = this.masterPings.get(master);
      if (last && !last.settled) pings.set(master, last);
      else pings.set(master, this.pingMaster(cluster, master, last === undefined || answered(last, now) ? now + this.answerWithinMs : now));
    }
    this.masterPings = pings;
  }

  private pingMaster(cluster: Cluster, master: string, dueBy: number): WatchedPing {
    const ping: WatchedPing = { dueBy, settled: false, reached: false };
    const send = async (): Promise<void> => {
      let connection = masterConnections(cluster).get(master);
      if (!connection) {
        await refreshSlots(cluster);
        connection = masterConnections(cluster).get(master);
      }
      if (!connection) return;
      try {
        await connection.ping();
        ping.reached = true;
      } catch (error) {
        ping.reached = error instanceof ReplyError;
      }
    };
    void send().finally(() => {
      ping.settled = true;
    });
    return ping;
  }
}
