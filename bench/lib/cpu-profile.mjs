// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time per function and per package.

/**
 * @param {{ nodes: Array<{ id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }>, samples: number[], timeDeltas: number[], startTime: number, endTime: number }} profile
 * @returns {{ totalMs: number, functions: Array<{ name: string, where: string, selfMs: number, share: number }>, packages: Array<{ name: string, selfMs: number, share: number }> }}
 */
export function summarizeProfile(profile, top = 15) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map();
  profile.samples.forEach((nodeId, index) => {
    // V8 records the time since the previous sample with each sample: it is the time spent in that node.
    const delta = profile.timeDeltas[index] ?? 0;
    selfMicros.set(nodeId, (selfMicros.get(nodeId) ?? 0) + Math.max(0, delta));
  });
  let total = 0;
  for (const micros of selfMicros.values()) total += micros;
  const functions = new Map();
  const packages = new Map();
  for (const [nodeId, micros] of selfMicros) {
    const frame = byId.get(nodeId)?.callFrame;
    if (!frame) continue;
    const name = frame.functionName || '(anonymous)';
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${name}\u0000${where}`;
    functions.set(key, { name, where, micros: (functions.get(key)?.micros ?? 0) + micros });
    const pkg = packageOf(frame.url, name);
    packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
  }
  const share = (micros) => (total > 0 ? micros / total : 0);
  return {
    totalMs: total / 1000,
    functions: [...functions.values()]
      .sort((a, b) => b.micros - a.micros)
      .slice(0, top)
      .map((entry) => ({ name: entry.name, where: entry.where, selfMs: entry.micros / 1000, share: share(entry.micros) })),
    packages: [...packages.entries()].sort((a, b) => b[1] - a[1]).map(([name, micros]) => ({ name, selfMs: micros / 1000, share: share(micros) })),
  };
}

/** `file:///…/node_modules/bullmq/dist/esm/classes/worker.js` → `bullmq/dist/esm/classes/worker.js`. */
export function shortUrl(url) {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const marker = ['/apps/', '/packages/'].map((part) => url.lastIndexOf(part)).find((index) => index >= 0);
  if (marker !== undefined) return url.slice(marker + 1);
  return url.replace(/^file:\/\//, '');
}

/** The package a frame belongs to: an npm package, a hookfleet workspace, node's own code, or V8's buckets. */
export function packageOf(url, functionName = '') {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const workspace = /\/(apps|packages)\/([^/]+)\//.exec(url);
  if (workspace) return `hookfleet ${workspace[1]}/${workspace[2]}`;
  if (url.startsWith('node:')) return 'node (internal)';
  return url;
}

export function profileLines(title, summary) {
  const percent = (value) => `${(value * 100).toFixed(1)} %`;
  return [
    `**${title}** — ${summary.totalMs.toFixed(0)} ms sampled`,
    '',
    '| self time | function | where |',
    '| ---: | --- | --- |',
    ...summary.functions.map((entry) => `| ${percent(entry.share)} | \`${entry.name}\` | ${entry.where} |`),
    '',
    `By package: ${summary.packages
      .slice(0, 10)
      .map((entry) => `${entry.name} ${percent(entry.share)}`)
      .join(', ')}`,
  ];
}
