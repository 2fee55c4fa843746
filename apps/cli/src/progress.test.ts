import { describe, expect, it } from '@jest/globals';
import { ProgressBar, renderProgress } from './progress.js';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, columns: 100, write: (text: string) => writes.push(text) };
}

describe('renderProgress', () => {
  it.each([
    [0, 500, '[░░░░░░░░░░]  0/500   0%'],
    [250, 500, '[█████░░░░░]  250/500  50%'],
    [500, 500, '[██████████]  500/500 100%'],
    [7, 3, '[██████████]  7/3 100%'],
  ])('draws %d of %d', (done, total, expected) => {
    expect(renderProgress({ label: 'recover op_1', done, total }, 10)).toBe(`recover op_1 ${expected}`);
  });

  it('says it is counting while the total is unknown', () => {
    expect(renderProgress({ label: 'replay op_2', done: 0, total: 0 }, 4)).toBe('replay op_2 [░░░░]  counting…');
  });
});

describe('ProgressBar', () => {
  it('redraws in place on a terminal and clears itself at the end', () => {
    const tty = stream(true);
    const bar = new ProgressBar(tty);
    bar.update({ label: 'recover op_1', done: 1, total: 2 });
    bar.update({ label: 'recover op_1', done: 2, total: 2 });
    bar.finish();
    expect(tty.writes).toHaveLength(3);
    const clearLine = '\r\u001b[2K';
    expect(tty.writes[0]?.startsWith(clearLine)).toBe(true);
    expect(tty.writes[0]?.slice(clearLine.length)).toMatch(/^recover op_1 \[█+░+\] {2}1\/2 {2}50%$/);
    expect(tty.writes[2]).toBe('\r\x1b[2K');
  });

  it('writes nothing when stderr is not a terminal', () => {
    const pipe = stream(false);
    const bar = new ProgressBar(pipe);
    bar.update({ label: 'recover op_1', done: 1, total: 2 });
    bar.finish();
    expect(pipe.writes).toEqual([]);
  });
});
