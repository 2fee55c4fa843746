import { describe, expect, it } from '@jest/globals';
import { TurnGate } from './turn-gate.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TurnGate', () => {
  it('lets every waiter of a turn go together at its end, in the order they came', async () => {
    const gate = new TurnGate();
    const order: string[] = [];
    void gate.wait().then(() => order.push('first'));
    void gate.wait().then(() => order.push('second'));
    // Microtasks and nextTicks of the same turn run first: the gate holds its waiters past them.
    await Promise.resolve();
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(order).toEqual([]);
    await nextTurn();
    expect(order).toEqual(['first', 'second']);
  });

  it('holds a wait begun while a turn is let go until the next turn', async () => {
    const gate = new TurnGate();
    const order: string[] = [];
    let later: Promise<void> | undefined;
    void gate.wait().then(() => {
      order.push('this turn');
      later = gate.wait().then(() => {
        order.push('next turn');
      });
    });
    await nextTurn();
    expect(order).toEqual(['this turn']);
    await later;
    expect(order).toEqual(['this turn', 'next turn']);
  });

  it('gives the waiters of one turn one promise', () => {
    const gate = new TurnGate();
    expect(gate.wait()).toBe(gate.wait());
  });
});
