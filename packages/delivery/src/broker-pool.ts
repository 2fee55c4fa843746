/** How a pool opens and closes one broker connection (a RabbitMQ connection and confirm channel, a NATS connection). */
export interface BrokerConnector<C> {
  open(key: string): Promise<C>;
  close(connection: C): Promise<void>;
  /** False once the connection can carry nothing more (the broker or the way to it closed it while it sat pooled). */
  isOpen(connection: C): boolean;
}

interface Entry<C> {
  opening: Promise<C>;
  /** The connection, once `opening` resolved. */
  opened?: C;
  inFlight: number;
  lastUsedAt: number;
}

/**
 * One connection per broker (key: its URL or server list), shared by every delivery to it, opened on first use and
 * closed once idle for `idleMs` or when the worker stops. A connection that broke is dropped (`discard`), so the
 * next attempt opens a fresh one: a broker that was down is used again as soon as it answers.
 */
export class BrokerPool<C> {
  private readonly entries = new Map<string, Entry<C>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly connector: BrokerConnector<C>,
    readonly idleMs: number,
    /** A connection not open within this is given up (and closed should it open later): a silent host cannot hold its key. */
    readonly openTimeoutMs: number,
  ) {
    this.sweeper = setInterval(() => this.closeIdle(Date.now()), Math.max(10, Math.floor(idleMs / 2)));
    this.sweeper.unref();
  }

  /**
   * Runs `use` with this broker's connection; a connection that cannot be opened is not kept (the error is thrown).
   * A pooled connection that closed since its last use (the broker restarted, the way to it was cut) is dropped and a
   * fresh one opened: it would fail the attempt without the broker ever seeing it.
   */
  async with<T>(key: string, use: (connection: C) => Promise<T>): Promise<T> {
    let entry = this.entries.get(key);
    if (entry?.opened !== undefined && !this.connector.isOpen(entry.opened)) {
      this.entries.delete(key);
      this.connector.close(entry.opened).catch(() => undefined);
      entry = undefined;
    }
    if (!entry) {
      const opening = this.openWithin(key);
      const created: Entry<C> = { opening, inFlight: 0, lastUsedAt: Date.now() };
      entry = created;
      this.entries.set(key, created);
      opening.then(
        (connection) => {
          created.opened = connection;
        },
        () => {
          if (this.entries.get(key) === created) this.entries.delete(key);
        },
      );
    }
    entry.inFlight += 1;
    try {
      return await use(await entry.opening);
    } finally {
      entry.inFlight -= 1;
      entry.lastUsedAt = Date.now();
    }
  }

  private openWithin(key: string): Promise<C> {
    const opening = this.connector.open(key);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(Object.assign(new Error('timed out connecting to the broker'), { name: 'TimeoutError' }));
        opening.then((late) => this.connector.close(late)).catch(() => undefined);
      }, this.openTimeoutMs);
      timer.unref();
    });
    return Promise.race([opening, gaveUp]).finally(() => clearTimeout(timer));
  }

  /** Drops this broker's connection (it broke or hangs) and closes it; the next use opens a new one. */
  discard(key: string, connection: C): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    void entry.opening.then(
      (current) => {
        if (current !== connection) return;
        if (this.entries.get(key) === entry) this.entries.delete(key);
        this.connector.close(current).catch(() => undefined);
      },
      () => undefined,
    );
  }

  /** Connections open or opening now. */
  get size(): number {
    return this.entries.size;
  }

  private closeIdle(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.inFlight > 0 || now - entry.lastUsedAt < this.idleMs) continue;
      this.entries.delete(key);
      entry.opening.then((connection) => this.connector.close(connection)).catch(() => undefined);
    }
  }

  /** Closes every connection (worker shutdown). */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => entry.opening.then((connection) => this.connector.close(connection)).catch(() => undefined)));
  }
}
