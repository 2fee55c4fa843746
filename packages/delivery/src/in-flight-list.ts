/** Something an InFlightList holds: its place there, -1 while it is in none (the list alone writes it). */
export interface Listed {
  listIndex: number;
}

/**
 * The requests in flight, added and removed at the pace of requests (tens of thousands a second), held in an array
 * whose entries know their place: a removed one's place is taken by the last. Not a Set: V8 drops a Set's deleted
 * entries only by rebuilding its table, allocates the new table in the generation of the old one (the old generation,
 * for a Set that lives as long as the worker), and leaves the obsolete table holding every entry that was there at
 * the rebuild until the next full collection. Every request in flight at a rebuild, one every few hundred additions,
 * stayed reachable through young collections and was promoted with all it held (its headers, body, raw response
 * headers and the transport's frame): about 4 KB a delivery, 190 MB over the benchmark's fan-out 10 drive, where
 * this list leaves 73 (bench/README.md, "The round on what a finished request keeps alive").
 */
export class InFlightList<T extends Listed> {
  private readonly entries: T[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** Adds `entry` unless it is in the list already. */
  add(entry: T): void {
    if (entry.listIndex >= 0) return;
    entry.listIndex = this.entries.length;
    this.entries.push(entry);
  }

  /** Removes `entry`; false when it was not in this list. */
  remove(entry: T): boolean {
    const index = entry.listIndex;
    if (index < 0 || this.entries[index] !== entry) return false;
    entry.listIndex = -1;
    const last = this.entries.pop() as T;
    if (last !== entry) {
      this.entries[index] = last;
      last.listIndex = index;
    }
    return true;
  }

  /** Removes and returns the entry added last (of those still in), or undefined when empty. */
  pop(): T | undefined {
    const entry = this.entries.pop();
    if (entry) entry.listIndex = -1;
    return entry;
  }

  /**
   * Visits every entry, the last first. `visit` may remove the entry it is given (the one that takes its place came
   * from the end, visited already); entries added meanwhile are not visited.
   */
  forEachFromEnd(visit: (entry: T) => void): void {
    for (let index = this.entries.length - 1; index >= 0; index -= 1) {
      const entry = this.entries[index];
      if (entry) visit(entry);
    }
  }
}
