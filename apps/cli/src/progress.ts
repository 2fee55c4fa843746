import type { OutputStream } from './io.js';

export interface ProgressState {
  label: string;
  done: number;
  total: number;
}

const DEFAULT_BAR_WIDTH = 30;

/** `recover op_1 [███████░░░░░░░]  250/500  50%`; before the total is known, `… counting`. */
export function renderProgress(state: ProgressState, barWidth: number = DEFAULT_BAR_WIDTH): string {
  if (state.total <= 0) return `${state.label} [${'░'.repeat(barWidth)}]  counting…`;
  const ratio = Math.min(1, Math.max(0, state.done / state.total));
  const filled = Math.round(ratio * barWidth);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `${state.label} [${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}]  ${state.done}/${state.total} ${percent}`;
}

/**
 * A one-line progress bar redrawn in place. It draws only on a terminal, so a redirected stderr or a CI log gets
 * no carriage-return noise.
 */
export class ProgressBar {
  private drawn = false;

  constructor(private readonly stream: OutputStream) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(state: ProgressState): void {
    if (!this.enabled) return;
    const columns = this.stream.columns ?? 80;
    const barWidth = Math.max(10, Math.min(DEFAULT_BAR_WIDTH, columns - state.label.length - 24));
    this.stream.write(`\r\x1b[2K${renderProgress(state, barWidth)}`);
    this.drawn = true;
  }

  /** Clears the bar, so the final line stands alone. */
  finish(): void {
    if (!this.drawn) return;
    this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
