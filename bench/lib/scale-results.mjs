// The scale curve's results (bench/results/scale.json) and renderings: Markdown and an SVG chart. Pure functions:
// the scale scenario gathers the figures, these give them their one shape.
import { cpuFigures, median, ratio, round } from './stats.mjs';
import { niceCeiling } from './results.mjs';
import { parseInfo } from './redis-info.mjs';

/** The grid the scale scenario measures: worker processes × delivery-queue partitions (--scale-workers takes others). */
export const SCALE_WORKERS = Object.freeze([1, 2, 4]);
export const SCALE_PARTITIONS = Object.freeze([1, 2, 4]);
/** Issue 16's scale ratio compares this many worker processes with one (or the most measured, when fewer). */
export const SCALE_RATIO_WORKERS = 4;

/** CPU seconds a Redis server has used (user + system, INFO cpu). */
export function redisCpuSeconds(infoText) {
  const fields = parseInfo(infoText);
  return Number(fields.used_cpu_sys ?? 0) + Number(fields.used_cpu_user ?? 0);
}

/**
 * One measured point of the curve.
 * @param {{ partitions: number, workers: number, deliveriesPerS: number | null, seconds: number, deliveries: number, shards: Array<{ node: string, cpuSeconds: number }>, accounting: { expected: number, missing: number, duplicates: number, unexpected: number }, cpuMsPerThousand: Record<string, number>, sleepsPerDelivery?: { workers: number, receiver: number } }} figures
 */
export function scalePoint(figures) {
  return {
    partitions: figures.partitions,
    workers: figures.workers,
    deliveries_per_s: round(figures.deliveriesPerS, 0),
    seconds: round(figures.seconds, 2),
    // The share of one core each Redis shard used over the measured window: near 1.0, that shard is the limit.
    // CPU per 1,000 deliveries is what survives a noisy machine: one core over it is the shard's ceiling.
    redis_shards: figures.shards.map((shard) => ({
      node: shard.node,
      cpu_seconds: round(shard.cpuSeconds, 3),
      cpu_share: round(figures.seconds > 0 ? shard.cpuSeconds / figures.seconds : null, 3),
      cpu_ms_per_1000_deliveries: round(figures.deliveries > 0 ? (shard.cpuSeconds * 1e6) / figures.deliveries : null, 1),
    })),
    cpu_ms_per_1000_deliveries: Object.fromEntries(Object.entries(figures.cpuMsPerThousand).map(([name, value]) => [name, round(value, 0)])),
    // Voluntary context switches of the main threads a delivery (every worker's together; the receiver's, whose work
    // a delivery never changes, as a control): how little each wakeup finds to do.
    main_thread_sleeps_per_delivery: {
      workers: round(figures.sleepsPerDelivery?.workers ?? null, 3),
      receiver: round(figures.sleepsPerDelivery?.receiver ?? null, 3),
    },
    accounting: figures.accounting,
  };
}

/**
 * The round with the median deliveries/s stands for the point; every round's rate and workers' CPU per 1,000
 * deliveries are kept beside it, in the order of the rounds (the scale ratio pairs them round by round).
 */
export function medianRound(points) {
  const sorted = [...points].sort((a, b) => (a.deliveries_per_s ?? 0) - (b.deliveries_per_s ?? 0));
  const chosen = sorted[(sorted.length - 1) >> 1];
  return {
    ...chosen,
    rounds_per_s: points.map((point) => point.deliveries_per_s),
    rounds_workers_cpu_ms_per_1000: points.map((point) => point.cpu_ms_per_1000_deliveries.workers ?? null),
  };
}

/**
 * What the curve says about where the ceiling is: Redis CPU per 1,000 deliveries (every shard together, and the
 * busiest one) and worker CPU per 1,000 deliveries, over every measured point of a series.
 */
export function seriesCosts(series) {
  const points = series.points;
  if (points.length === 0) return null;
  const range = (values) => ({ min: round(Math.min(...values), 1), max: round(Math.max(...values), 1) });
  const total = points.map((point) => point.redis_shards.reduce((sum, shard) => sum + (shard.cpu_ms_per_1000_deliveries ?? 0), 0));
  const busiest = points.map((point) => Math.max(...point.redis_shards.map((shard) => shard.cpu_ms_per_1000_deliveries ?? 0)));
  const workers = points.map((point) => point.cpu_ms_per_1000_deliveries.workers ?? 0);
  return { redis_ms_per_1000: range(total), busiest_shard_ms_per_1000: range(busiest), worker_ms_per_1000: range(workers) };
}

/**
 * The scale ratio: worker CPU per delivery with `workers` worker processes (by default SCALE_RATIO_WORKERS, or the
 * most measured when the grid stops below it) against one, per partition count — 1.0 when a delivery costs the same
 * whatever the number of workers. Null where a point is missing. With
 * several rounds, the median of each round's own ratio (the two points of a round ran in the same pass of the grid,
 * minutes apart; the points' median rounds may be of different passes); with one, the points' own figures.
 * @returns {Array<{ partitions: number, workers: number, ratio: number | null }>}
 */
export function workerCpuScaleRatios(series, workers = SCALE_RATIO_WORKERS) {
  const workerCounts = [...new Set(series.points.map((point) => point.workers))].sort((a, b) => a - b);
  const fewest = workerCounts[0];
  const most = workerCounts.includes(workers) ? workers : workerCounts.at(-1);
  if (fewest === undefined || most === undefined || fewest === most) return [];
  const partitions = [...new Set(series.points.map((point) => point.partitions))].sort((a, b) => a - b);
  const pointOf = (workers, partitionCount) => series.points.find((point) => point.workers === workers && point.partitions === partitionCount);
  const ownCpu = (point) => point?.cpu_ms_per_1000_deliveries.workers ?? null;
  return partitions.map((partitionCount) => {
    const onePoint = pointOf(fewest, partitionCount);
    const manyPoint = pointOf(most, partitionCount);
    const one = onePoint?.rounds_workers_cpu_ms_per_1000;
    const many = manyPoint?.rounds_workers_cpu_ms_per_1000;
    // Rounds that cannot be paired (a run of one round, or results written before rounds were kept): the points' own figures.
    const paired = one && many && one.length === many.length ? one.map((cpu, index) => ratio(many[index], cpu)) : [ratio(ownCpu(manyPoint), ownCpu(onePoint))];
    return { partitions: partitionCount, workers: most, ratio: round(median(paired.filter((value) => value !== null)), 2) };
  });
}

/**
 * @param {{ machine: object, startedAt: string, mode: string, events: number, fanOut: number, series: Array<{ redis: string, shards: number | null, status: string, points: ReturnType<typeof scalePoint>[] }> }} input
 */
export function buildScaleResults(input) {
  return { machine: input.machine, run: input.startedAt, mode: input.mode, events: input.events, fan_out: input.fanOut, series: input.series };
}

const fmt = (value, digits = 0) => (value === null || value === undefined ? '–' : Number(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const percent = (share) => (share === null || share === undefined ? '–' : `${Math.round(share * 100)} %`);
const seriesTitle = (series) => (series.redis !== 'cluster' ? 'single Redis' : series.shards ? `Redis Cluster (${series.shards} masters)` : 'Redis Cluster');
const busiest = (point) => point.redis_shards.reduce((max, shard) => Math.max(max, shard.cpu_share ?? 0), 0);

/** Markdown lines: per series, the deliveries/s grid with the busiest shard's CPU, then every shard of every point. */
export function scaleMarkdownLines(results) {
  const lines = [
    `fan-out ${results.fan_out}: ${fmt(results.events)} events × ${results.fan_out} subscriptions (${fmt(results.events * results.fan_out)} deliveries) per point, through the batch API; one API process; each worker process with every role and DELIVERY_CONCURRENCY=200. deliveries/s from the first POST to the last first attempt at the receiver. Redis CPU: used_cpu_user + used_cpu_sys (INFO cpu) of each master over the same window, as a share of one core.`,
  ];
  for (const series of results.series) {
    lines.push('', `### ${seriesTitle(series)}`, '');
    if (series.status !== 'ok') {
      lines.push(series.status);
      continue;
    }
    const workers = [...new Set(series.points.map((point) => point.workers))].sort((a, b) => a - b);
    const partitions = [...new Set(series.points.map((point) => point.partitions))].sort((a, b) => a - b);
    lines.push(`| partitions | ${workers.map((count) => `${count} worker${count > 1 ? 's' : ''}`).join(' | ')} |`, `| ---: | ${workers.map(() => '---:').join(' | ')} |`);
    for (const partitionCount of partitions) {
      const cells = workers.map((count) => {
        const point = series.points.find((entry) => entry.workers === count && entry.partitions === partitionCount);
        return point ? `${fmt(point.deliveries_per_s)}/s (Redis ${percent(busiest(point))})` : '–';
      });
      lines.push(`| ${partitionCount} | ${cells.join(' | ')} |`);
    }
    const costs = seriesCosts(series);
    if (costs) {
      const ceiling = Math.round(1e6 / Math.max(costs.busiest_shard_ms_per_1000.max, 1e-9));
      const ratioText = (ratios) => ratios.map(({ partitions: count, workers: most, ratio }) => `${count} partition${count > 1 ? 's' : ''}: ${most} workers ${ratio === null ? '–' : `${fmt(ratio, 2)} ×`}`).join('; ');
      const mostWorkers = Math.max(...series.points.map((point) => point.workers));
      lines.push(
        '',
        `Scale ratio (worker CPU per delivery at ${SCALE_RATIO_WORKERS} workers, or the most measured, against one, the median of the rounds' own ratios; target within 1.2 ×): ${ratioText(workerCpuScaleRatios(series))}.`,
        // A grid past the target's count (a machine with a core per process) also says how the curve goes on.
        ...(mostWorkers > SCALE_RATIO_WORKERS ? ['', `The same at the most workers measured: ${ratioText(workerCpuScaleRatios(series, mostWorkers))}.`] : []),
        '',
        `Costs over every point: Redis ${fmt(costs.redis_ms_per_1000.min, 1)}–${fmt(costs.redis_ms_per_1000.max, 1)} CPU ms per 1,000 deliveries (all masters together; the busiest master ${fmt(costs.busiest_shard_ms_per_1000.min, 1)}–${fmt(costs.busiest_shard_ms_per_1000.max, 1)}), worker processes ${fmt(costs.worker_ms_per_1000.min)}–${fmt(costs.worker_ms_per_1000.max)}. At the busiest master's highest cost, one core of it carries about ${fmt(ceiling)} deliveries/s.`,
      );
    }
    lines.push('', 'Per point (the round with the median deliveries/s): every round, Redis CPU of each master (share of a core, ms per 1,000 deliveries), CPU ms per 1,000 deliveries by process, the main threads’ sleeps (voluntary context switches) a delivery, delivery check.', '');
    lines.push('| partitions | workers | deliveries/s | rounds | Redis CPU by master | CPU ms / 1,000 deliveries | main-thread sleeps / delivery | missing / duplicates / unexpected |', '| ---: | ---: | ---: | --- | --- | --- | --- | --- |');
    for (const point of series.points) {
      const shards = point.redis_shards.map((shard) => `${shard.node} ${percent(shard.cpu_share)} (${fmt(shard.cpu_ms_per_1000_deliveries, 1)} ms)`).join(', ');
      const cpu = cpuFigures(point.cpu_ms_per_1000_deliveries, fmt);
      const rounds = (point.rounds_per_s ?? [point.deliveries_per_s]).map((value) => fmt(value)).join(', ');
      const { missing, duplicates, unexpected } = point.accounting;
      const sleeps = point.main_thread_sleeps_per_delivery;
      const sleepText = sleeps ? `workers ${fmt(sleeps.workers, 3)}, receiver ${fmt(sleeps.receiver, 3)}` : '–';
      lines.push(`| ${point.partitions} | ${point.workers} | ${fmt(point.deliveries_per_s)} | ${rounds} | ${shards} | ${cpu} | ${sleepText} | ${missing} / ${duplicates} / ${unexpected} |`);
    }
  }
  return lines;
}

function escapeXml(text) {
  return String(text).replace(/[<>&"']/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char]);
}

const PARTITION_COLORS = ['#1f77b4', '#2ca02c', '#d62728', '#9467bd', '#ff7f0e'];

/**
 * The curve as a hand-written SVG: one column per series (single Redis, cluster); above, deliveries/s against
 * worker processes, one line per partition count; below, the busiest Redis shard's CPU share on the same axes.
 */
export function renderScaleSvg(results) {
  const panelWidth = 360;
  const panelHeight = 190;
  const left = 70;
  const gap = 90;
  const top = 70;
  const width = left + results.series.length * (panelWidth + gap);
  const height = top + 2 * (panelHeight + 70) + 40;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  const machine = results.machine;
  out.push(`<text x="12" y="22" font-size="15" font-weight="bold">hookfleet scale curve — fan-out ${results.fan_out}, ${escapeXml(`${machine.cpus} × ${machine.cpu_model}, Node ${machine.node}, Redis ${machine.redis}`)}</text>`);
  out.push(`<text x="12" y="40" font-size="11" fill="#555">x: worker processes; one line per partition count (HOOKFLEET_PARTITIONS). Redis CPU: the busiest master, share of one core.</text>`);
  const allPoints = results.series.flatMap((series) => series.points);
  const rateMax = niceCeiling(Math.max(1, ...allPoints.map((point) => point.deliveries_per_s ?? 0)));
  const workers = [...new Set(allPoints.map((point) => point.workers))].sort((a, b) => a - b);
  const partitions = [...new Set(allPoints.map((point) => point.partitions))].sort((a, b) => a - b);
  results.series.forEach((series, column) => {
    const x0 = left + column * (panelWidth + gap);
    const title = seriesTitle(series);
    const panels = [
      { y0: top, label: `${title}: deliveries/s`, max: rateMax, value: (point) => point.deliveries_per_s ?? 0, tick: (value) => fmt(value) },
      { y0: top + panelHeight + 70, label: `${title}: busiest Redis shard CPU`, max: 1, value: (point) => busiest(point), tick: (value) => percent(value) },
    ];
    for (const panel of panels) {
      out.push(`<text x="${x0}" y="${panel.y0 - 10}" font-weight="bold">${escapeXml(panel.label)}</text>`);
      for (let step = 0; step <= 4; step += 1) {
        const y = panel.y0 + panelHeight - (step / 4) * panelHeight;
        out.push(`<line x1="${x0}" y1="${y.toFixed(1)}" x2="${x0 + panelWidth}" y2="${y.toFixed(1)}" stroke="#e0e0e0"/>`);
        out.push(`<text x="${x0 - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="10" fill="#555">${panel.tick((panel.max * step) / 4)}</text>`);
      }
      const xOf = (count) => x0 + (workers.length <= 1 ? panelWidth / 2 : (workers.indexOf(count) / (workers.length - 1)) * panelWidth);
      for (const count of workers) out.push(`<text x="${xOf(count).toFixed(1)}" y="${panel.y0 + panelHeight + 16}" text-anchor="middle" font-size="10" fill="#555">${count} worker${count > 1 ? 's' : ''}</text>`);
      if (series.status !== 'ok') {
        out.push(`<text x="${x0 + panelWidth / 2}" y="${panel.y0 + panelHeight / 2}" text-anchor="middle" fill="#888">${escapeXml(series.status)}</text>`);
        continue;
      }
      partitions.forEach((partitionCount, index) => {
        const color = PARTITION_COLORS[index % PARTITION_COLORS.length];
        const points = series.points.filter((point) => point.partitions === partitionCount).sort((a, b) => a.workers - b.workers);
        const coords = points.map((point) => [xOf(point.workers), panel.y0 + panelHeight - (Math.min(panel.value(point), panel.max) / panel.max) * panelHeight]);
        if (coords.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${coords.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`);
        coords.forEach(([x, y], pointIndex) => {
          const point = points[pointIndex];
          out.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${color}"><title>${escapeXml(`${partitionCount} partitions, ${point.workers} workers: ${fmt(point.deliveries_per_s)}/s, busiest shard ${percent(busiest(point))}`)}</title></circle>`);
        });
      });
    }
  });
  let legendX = 12;
  const legendY = height - 16;
  partitions.forEach((partitionCount, index) => {
    const label = `${partitionCount} partition${partitionCount > 1 ? 's' : ''}`;
    out.push(`<rect x="${legendX}" y="${legendY - 10}" width="12" height="12" fill="${PARTITION_COLORS[index % PARTITION_COLORS.length]}"/>`);
    out.push(`<text x="${legendX + 16}" y="${legendY}">${label}</text>`);
    legendX += 40 + label.length * 7;
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
