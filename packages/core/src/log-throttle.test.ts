import { describe, expect, it } from '@jest/globals';
import { createLogThrottle, errorLineKey } from './log-throttle.js';

describe('the log throttle', () => {
  function setup(intervalMs = 1000) {
    let clock = 0;
    const written: Array<{ line: string; repeated: number }> = [];
    const throttle = createLogThrottle(intervalMs, () => clock);
    const say = (key: string, line = key) => throttle(key, (repeated) => written.push({ line, repeated }));
    return { say, throttle, written, advance: (ms: number) => (clock += ms) };
  }

  it('writes the first of a burst at once and counts the rest', () => {
    const { say, written } = setup();
    for (let index = 0; index < 10_000; index += 1) say('OOM');
    expect(written).toEqual([{ line: 'OOM', repeated: 0 }]);
  });

  it('writes the line again after the interval, with how many were held back', () => {
    const { say, written, advance } = setup();
    say('OOM');
    say('OOM');
    say('OOM');
    advance(999);
    say('OOM');
    advance(1);
    say('OOM', 'OOM again');
    expect(written).toEqual([
      { line: 'OOM', repeated: 0 },
      { line: 'OOM again', repeated: 3 },
    ]);
  });

  it('follows each distinct line on its own', () => {
    const { say, written } = setup();
    say('a');
    say('b');
    say('a');
    say('b');
    expect(written.map((entry) => entry.line)).toEqual(['a', 'b']);
  });

  it('flushes the held-back count of a line whose interval ended, with its latest occurrence, once', () => {
    const { say, throttle, written, advance } = setup();
    say('OOM', 'first');
    say('OOM', 'second');
    say('OOM', 'third');
    throttle.flush();
    expect(written).toHaveLength(1);
    advance(1000);
    throttle.flush();
    throttle.flush();
    expect(written).toEqual([
      { line: 'first', repeated: 0 },
      { line: 'third', repeated: 2 },
    ]);
    // After a flush the line starts over: the next occurrence is written at once.
    say('OOM', 'fourth');
    expect(written.at(-1)).toEqual({ line: 'fourth', repeated: 0 });
  });

  it('bounds the lines it follows, writing the held-back count of one it forgets', () => {
    const { say, written } = setup();
    say('line-0');
    say('line-0');
    for (let index = 1; index <= 1_000; index += 1) say(`line-${index}`);
    expect(written).toContainEqual({ line: 'line-0', repeated: 1 });
    expect(written).toHaveLength(1_002);
  });
});

describe('errorLineKey', () => {
  it.each([
    [new Error('Missing lock for job 1234. moveToFinished'), new Error('Missing lock for job 98. moveToFinished'), true],
    [new Error("OOM command not allowed when used memory > 'maxmemory'."), new Error("OOM command not allowed when used memory > 'maxmemory'."), true],
    [new Error('connect ECONNREFUSED 127.0.0.1:6379'), new Error('connect ECONNREFUSED 127.0.0.1:6380'), true],
    [new Error('OOM command not allowed'), new Error('READONLY You can not write against a read only replica.'), false],
    [new TypeError('x'), new RangeError('x'), false],
  ])('%s and %s are the same line: %s', (first, second, same) => {
    expect(errorLineKey(first) === errorLineKey(second)).toBe(same);
  });
});
