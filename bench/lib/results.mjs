// The results file (bench/results/latest.json) and its renderings: a Markdown table, a console table, an SVG chart.
// Pure functions: the runner gathers figures, these give them their one shape.
import { ratio, round } from './stats.mjs';

/** Scenario names exactly as issue 11's table spells them, in the order they run. */
export const SCENARIO_NAMES = Object.freeze([
  'fan-out 1',
  'fan-out 10',
  'fan-out 1,000, 4 KB payload',
  'latency',
  'single POST ingest',
  'growth',
  'retries',
]);

/** The fields of one scenario row, in the order latest.json lists them. */
export const ROW_FIELDS = Object.freeze([
  'name',
  'deliveries_per_s',
  'b1_per_s',
  'b2_per_s',
  'ratio_b1',
  'ratio_b2',
  'p50_ms',
  'p99_ms',
  'redis_bytes_per_pending',
  'worker_rss_mb',
]);

const MACHINE_FIELDS = Object.freeze(['cpus', 'cpu_model', 'node', 'redis']);

/**
 * One row of latest.json: every field present, null where a figure does not apply, ratios computed here.
 * @param {string} name one of SCENARIO_NAMES
 * @param {{ deliveriesPerS?: number | null, b1PerS?: number | null, b2PerS?: number | null, p50Ms?: number | null, p99Ms?: number | null, redisBytesPerPending?: number | null, workerRssMb?: number | null }} figures
 */
export function scenarioRow(name, figures) {
  if (!SCENARIO_NAMES.includes(name)) throw new Error(`unknown scenario ${JSON.stringify(name)}`);
  const deliveries = figures.deliveriesPerS ?? null;
  const b1 = figures.b1PerS ?? null;
  const b2 = figures.b2PerS ?? null;
  return {
    name,
    deliveries_per_s: round(deliveries, 0),
    b1_per_s: round(b1, 0),
    b2_per_s: round(b2, 0),
    // A scenario of several rounds gives the median of its rounds' own ratios (stats.mjs, inRunRatios).
    ratio_b1: round(figures.ratioB1 ?? ratio(deliveries, b1), 2),
    ratio_b2: round(figures.ratioB2 ?? ratio(deliveries, b2), 2),
    p50_ms: round(figures.p50Ms ?? null, 2),
    p99_ms: round(figures.p99Ms ?? null, 2),
    redis_bytes_per_pending: round(figures.redisBytesPerPending ?? null, 0),
    worker_rss_mb: round(figures.workerRssMb ?? null, 1),
  };
}

/**
 * The whole file; rows are put in SCENARIO_NAMES order whatever order they ran in.
 * @param {{ cpus: number, cpu_model: string, node: string, redis: string }} machine
 * @param {ReturnType<typeof scenarioRow>[]} rows
 */
export function buildResults(machine, rows) {
  const results = {
    machine: { cpus: machine.cpus, cpu_model: machine.cpu_model, node: machine.node, redis: machine.redis },
    scenarios: [...rows].sort((a, b) => SCENARIO_NAMES.indexOf(a.name) - SCENARIO_NAMES.indexOf(b.name)),
  };
  validateResults(results);
  return results;
}

/** Throws when a value does not have exactly the shape dashboards read (issue 11). */
export function validateResults(results) {
  const fail = (message) => {
    throw new Error(`results: ${message}`);
  };
  if (!results || typeof results !== 'object') fail('not an object');
  const topKeys = Object.keys(results).sort().join(',');
  if (topKeys !== 'machine,scenarios') fail(`top-level keys are ${topKeys}, expected machine,scenarios`);
  const machine = results.machine;
  if (Object.keys(machine).join(',') !== MACHINE_FIELDS.join(',')) fail(`machine keys are ${Object.keys(machine).join(',')}`);
  if (!Number.isInteger(machine.cpus) || machine.cpus < 1) fail('machine.cpus must be a positive integer');
  for (const field of ['cpu_model', 'node', 'redis']) if (typeof machine[field] !== 'string') fail(`machine.${field} must be a string`);
  if (!Array.isArray(results.scenarios)) fail('scenarios must be an array');
  const names = new Set();
  for (const row of results.scenarios) {
    if (Object.keys(row).join(',') !== ROW_FIELDS.join(',')) fail(`row keys are ${Object.keys(row).join(',')}`);
    if (!SCENARIO_NAMES.includes(row.name)) fail(`unknown scenario ${JSON.stringify(row.name)}`);
    if (names.has(row.name)) fail(`scenario ${row.name} twice`);
    names.add(row.name);
    for (const field of ROW_FIELDS.slice(1)) {
      const value = row[field];
      if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) fail(`${row.name}.${field} must be a number or null`);
    }
  }
  return results;
}

const COLUMNS = [
  ['scenario', (row) => row.name],
  ['deliveries/s', (row) => fmt(row.deliveries_per_s)],
  ['b1/s', (row) => fmt(row.b1_per_s)],
  ['b2/s', (row) => fmt(row.b2_per_s)],
  ['× b1', (row) => fmt(row.ratio_b1, 2)],
  ['× b2', (row) => fmt(row.ratio_b2, 2)],
  ['p50 ms', (row) => fmt(row.p50_ms, 1)],
  ['p99 ms', (row) => fmt(row.p99_ms, 1)],
  ['Redis B/pending', (row) => fmt(row.redis_bytes_per_pending)],
  ['worker RSS MB', (row) => fmt(row.worker_rss_mb, 0)],
];

function fmt(value, digits = 0) {
  if (value === null || value === undefined) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The results as a Markdown table (the body of bench/results/latest.md). */
export function markdownTable(results) {
  const header = `| ${COLUMNS.map(([title]) => title).join(' | ')} |`;
  const rule = `| ${COLUMNS.map((_, index) => (index === 0 ? '---' : '---:')).join(' | ')} |`;
  const lines = results.scenarios.map((row) => `| ${COLUMNS.map(([, cell]) => cell(row)).join(' | ')} |`);
  return [header, rule, ...lines].join('\n');
}

/** The results as aligned plain text, for the end of a run. */
export function consoleTable(results) {
  const cells = [COLUMNS.map(([title]) => title), ...results.scenarios.map((row) => COLUMNS.map(([, cell]) => cell(row)))];
  const widths = COLUMNS.map((_, column) => Math.max(...cells.map((line) => line[column].length)));
  return cells
    .map((line, index) => {
      const text = line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
      return index === 0 ? `${text}\n${widths.map((width) => '-'.repeat(width)).join('  ')}` : text;
    })
    .join('\n');
}

/**
 * bench/results/latest.md: the machine, the table, then free-form detail sections (targets, per-scenario notes).
 * @param {ReturnType<typeof buildResults>} results
 * @param {{ title: string, startedAt: string, mode: string, notes?: string[], sections?: Array<{ title: string, lines: string[] }> }} context
 */
export function renderMarkdown(results, context) {
  const { machine } = results;
  const parts = [
    `# ${context.title}`,
    '',
    `Run ${context.startedAt}, mode \`${context.mode}\`. Machine: ${machine.cpus} × ${machine.cpu_model}, Node ${machine.node}, Redis ${machine.redis}.`,
    '',
    markdownTable(results),
    '',
    'Deliveries/s are counted at the receiver; b1 (bare BullMQ + undici) and b2 (bare BullMQ + got) ran in the same run on the same receiver. "–": does not apply.',
  ];
  for (const note of context.notes ?? []) parts.push('', note);
  for (const section of context.sections ?? []) parts.push('', `## ${section.title}`, '', ...section.lines);
  return `${parts.join('\n')}\n`;
}

function escapeXml(text) {
  return String(text).replace(/[<>&"']/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char]);
}

/** A round axis maximum at or above `value` (1, 2, 2.5, 5 × 10^n). */
export function niceCeiling(value) {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

/**
 * A hand-written SVG: left, throughput per scenario (hookfleet, b1, b2 bars); right, p50/p99 latency.
 * @param {ReturnType<typeof buildResults>} results
 */
export function renderSvg(results) {
  const rows = results.scenarios;
  const throughputRows = rows.filter((row) => row.deliveries_per_s !== null || row.b1_per_s !== null);
  const latencyRows = rows.filter((row) => row.p50_ms !== null || row.p99_ms !== null);
  const width = 960;
  const panelTop = 60;
  const rowHeight = 46;
  const panelHeight = Math.max(throughputRows.length, latencyRows.length, 1) * rowHeight;
  const height = panelTop + panelHeight + 90;
  const labelWidth = 170;
  const panelWidth = 270;
  const leftX = labelWidth;
  const rightX = labelWidth + panelWidth + 60 + labelWidth;
  const colors = { hookfleet: '#1f77b4', b1: '#2ca02c', b2: '#ff7f0e', p50: '#9467bd', p99: '#d62728' };
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  const machine = results.machine;
  out.push(`<text x="12" y="20" font-size="15" font-weight="bold">hookfleet benchmark — ${escapeXml(`${machine.cpus} × ${machine.cpu_model}, Node ${machine.node}, Redis ${machine.redis}`)}</text>`);
  out.push(`<text x="${leftX}" y="${panelTop - 14}" font-weight="bold">throughput (deliveries/s at the receiver)</text>`);
  out.push(`<text x="${rightX}" y="${panelTop - 14}" font-weight="bold">latency (ms)</text>`);

  const throughputMax = niceCeiling(Math.max(1, ...throughputRows.flatMap((row) => [row.deliveries_per_s ?? 0, row.b1_per_s ?? 0, row.b2_per_s ?? 0])));
  drawAxis(out, leftX, panelTop, panelWidth, panelHeight, throughputMax);
  throughputRows.forEach((row, index) => {
    const y = panelTop + index * rowHeight;
    out.push(`<text x="${leftX - 8}" y="${y + rowHeight / 2 + 4}" text-anchor="end">${escapeXml(row.name)}</text>`);
    const bars = [
      ['hookfleet', row.deliveries_per_s],
      ['b1', row.b1_per_s],
      ['b2', row.b2_per_s],
    ];
    bars.forEach(([series, value], barIndex) => {
      if (value === null) return;
      const barWidth = (value / throughputMax) * panelWidth;
      const barY = y + 6 + barIndex * 12;
      out.push(`<rect x="${leftX}" y="${barY}" width="${barWidth.toFixed(1)}" height="10" fill="${colors[series]}"><title>${escapeXml(`${row.name} ${series}: ${value}/s`)}</title></rect>`);
      out.push(`<text x="${(leftX + barWidth + 4).toFixed(1)}" y="${barY + 9}" font-size="10">${fmt(value)}${series === 'hookfleet' && row.ratio_b1 !== null ? ` (${row.ratio_b1} × b1)` : ''}</text>`);
    });
  });

  const latencyMax = niceCeiling(Math.max(1, ...latencyRows.flatMap((row) => [row.p50_ms ?? 0, row.p99_ms ?? 0])));
  drawAxis(out, rightX, panelTop, panelWidth, panelHeight, latencyMax);
  latencyRows.forEach((row, index) => {
    const y = panelTop + index * rowHeight;
    out.push(`<text x="${rightX - 8}" y="${y + rowHeight / 2 + 4}" text-anchor="end">${escapeXml(row.name)}</text>`);
    [
      ['p50', row.p50_ms],
      ['p99', row.p99_ms],
    ].forEach(([series, value], barIndex) => {
      if (value === null) return;
      const barWidth = (value / latencyMax) * panelWidth;
      const barY = y + 8 + barIndex * 15;
      out.push(`<rect x="${rightX}" y="${barY}" width="${barWidth.toFixed(1)}" height="12" fill="${colors[series]}"><title>${escapeXml(`${row.name} ${series}: ${value} ms`)}</title></rect>`);
      out.push(`<text x="${(rightX + barWidth + 4).toFixed(1)}" y="${barY + 10}" font-size="10">${series} ${fmt(value, 1)}</text>`);
    });
  });

  const legendY = panelTop + panelHeight + 45;
  const legend = [
    ['hookfleet', 'hookfleet'],
    ['b1', 'b1: BullMQ + undici'],
    ['b2', 'b2: BullMQ + got'],
    ['p50', 'p50'],
    ['p99', 'p99'],
  ];
  let legendX = 12;
  for (const [series, label] of legend) {
    out.push(`<rect x="${legendX}" y="${legendY - 10}" width="12" height="12" fill="${colors[series]}"/>`);
    out.push(`<text x="${legendX + 16}" y="${legendY}">${escapeXml(label)}</text>`);
    legendX += 30 + label.length * 7;
  }
  out.push(`<text x="12" y="${legendY + 22}" font-size="11" fill="#555">latency: from 202 Accepted to the arrival at the receiver; single POST ingest: the request's round trip. Deliveries/s counted at the receiver.</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function drawAxis(out, x, y, width, height, max) {
  for (let step = 0; step <= 4; step += 1) {
    const gridX = x + (step / 4) * width;
    out.push(`<line x1="${gridX.toFixed(1)}" y1="${y}" x2="${gridX.toFixed(1)}" y2="${y + height}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${gridX.toFixed(1)}" y="${y + height + 16}" text-anchor="middle" font-size="10" fill="#555">${fmt((max * step) / 4)}</text>`);
  }
  out.push(`<line x1="${x}" y1="${y}" x2="${x}" y2="${y + height}" stroke="#333"/>`);
}
