import { timeZoneName } from '../format.js';
import type { HourlyAttempts } from '../types.js';

const WIDTH = 480;
const HEIGHT = 120;
const OUTCOMES = [
  { key: 'success', label: 'Succeeded' },
  { key: 'failure', label: 'Failed (HTTP error)' },
  { key: 'error', label: 'No answer (timeout, refused)' },
] as const;

function hourLabel(iso: string): string {
  return `${String(new Date(iso).getHours()).padStart(2, '0')}:00`;
}

/** Attempts per hour by outcome, stacked; inline SVG, so the page loads nothing else. */
export function AttemptsChart({ hourly }: { hourly: HourlyAttempts[] }) {
  const totals = hourly.map((hour) => hour.success + hour.failure + hour.error);
  const max = Math.max(1, ...totals);
  const slot = WIDTH / Math.max(1, hourly.length);
  const barWidth = Math.max(2, slot - 3);
  const plotHeight = HEIGHT - 1;
  const summary = `Attempts per hour over the last ${hourly.length} hours: ${totals.reduce((a, b) => a + b, 0)} in all, at most ${max} in one hour.`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} preserveAspectRatio="none">
        <line x1="0" y1={plotHeight} x2={WIDTH} y2={plotHeight} class="chart-axis" />
        {hourly.map((hour, index) => {
          let top = plotHeight;
          return (
            <g key={hour.hour}>
              <title>{`${hourLabel(hour.hour)}: ${hour.success} succeeded, ${hour.failure} failed, ${hour.error} without answer`}</title>
              {OUTCOMES.map(({ key }) => {
                const height = (hour[key] / max) * (plotHeight - 4);
                top -= height;
                return height > 0 ? <rect key={key} x={index * slot + 1.5} y={top} width={barWidth} height={height} class={`bar bar-${key}`} /> : null;
              })}
            </g>
          );
        })}
      </svg>
      {/* Hour labels in HTML, so they keep their size however wide the chart is drawn. */}
      <div class="chart-hours" aria-hidden="true">
        {hourly
          .filter((_, index) => index % 6 === 0)
          .map((hour) => (
            <span key={hour.hour}>{hourLabel(hour.hour)}</span>
          ))}
      </div>
      <figcaption class="legend">
        {OUTCOMES.map(({ key, label }) => (
          <span key={key} class="legend-item">
            <span class={`swatch bar-${key}`} aria-hidden="true" />
            {label}
          </span>
        ))}
        <span class="legend-item muted">
          max {max} per hour, hours in {timeZoneName()}
        </span>
      </figcaption>
    </figure>
  );
}
