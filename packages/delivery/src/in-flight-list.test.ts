import { describe, expect, it } from '@jest/globals';
import { InFlightList } from './in-flight-list.js';

interface Entry {
  name: string;
  listIndex: number;
}

const entry = (name: string): Entry => ({ name, listIndex: -1 });

function names(list: InFlightList<Entry>): string[] {
  const seen: string[] = [];
  list.forEachFromEnd((item) => seen.push(item.name));
  return seen.sort();
}

describe('InFlightList', () => {
  it('adds each entry once and removes any of them, the last taking the removed one’s place', () => {
    const list = new InFlightList<Entry>();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(entry) as [Entry, Entry, Entry, Entry];
    for (const item of [a, b, c, d, b]) list.add(item);
    expect(list.size).toBe(4);
    expect(list.remove(b)).toBe(true);
    expect(d.listIndex).toBe(1);
    expect(b.listIndex).toBe(-1);
    expect(names(list)).toEqual(['a', 'c', 'd']);
    expect(list.remove(b)).toBe(false);
    expect(list.remove(d)).toBe(true);
    expect(list.remove(a)).toBe(true);
    expect(names(list)).toEqual(['c']);
    expect(c.listIndex).toBe(0);
  });

  it('pops the entry added last, which can then be added again', () => {
    const list = new InFlightList<Entry>();
    const [a, b] = ['a', 'b'].map(entry) as [Entry, Entry];
    list.add(a);
    list.add(b);
    expect(list.pop()).toBe(b);
    expect(b.listIndex).toBe(-1);
    expect(list.remove(b)).toBe(false);
    list.add(b);
    expect(names(list)).toEqual(['a', 'b']);
    expect(list.pop()).toBe(b);
    expect(list.pop()).toBe(a);
    expect(list.pop()).toBeUndefined();
    expect(list.size).toBe(0);
  });

  it('does not remove an entry that is in another list', () => {
    const first = new InFlightList<Entry>();
    const second = new InFlightList<Entry>();
    const a = entry('a');
    const b = entry('b');
    first.add(a);
    second.add(b);
    expect(first.remove(b)).toBe(false);
    expect(second.size).toBe(1);
    expect(b.listIndex).toBe(0);
  });

  it('visits every entry once while the visitor removes the ones it is given', () => {
    const list = new InFlightList<Entry>();
    const items = Array.from({ length: 10 }, (_, index) => entry(String(index)));
    for (const item of items) list.add(item);
    const visited: string[] = [];
    list.forEachFromEnd((item) => {
      visited.push(item.name);
      if (Number(item.name) % 3 !== 0) list.remove(item);
    });
    expect(visited.sort()).toEqual(items.map((item) => item.name).sort());
    expect(names(list)).toEqual(['0', '3', '6', '9']);
    // Every index still points at its entry.
    list.forEachFromEnd((item) => expect(list.remove(item)).toBe(true));
    expect(list.size).toBe(0);
  });
});
