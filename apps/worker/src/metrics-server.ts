import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { LISTEN_ADDRESS } from '@hookfleet/core';
import type { ReadinessProbe } from '@hookfleet/queue';

export interface MetricsServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/**
 * The worker's /metrics, /healthz and /readyz on METRICS_PORT. /readyz answers the probe's whole result, as the API's
 * does (apps/api/src/routes/health.ts), so an operator sees which check failed.
 */
export async function startMetricsServer(port: number, registry: Registry, isReady: ReadinessProbe): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (path === '/metrics') {
      registry
        .metrics()
        .then((text) => {
          response.writeHead(200, { 'content-type': registry.contentType });
          response.end(text);
        })
        .catch(() => json(500, { error: 'metrics unavailable' }));
    } else if (path === '/healthz') json(200, { ok: true });
    else if (path === '/readyz')
      isReady().then(
        (readiness) => json(readiness.ok ? 200 : 503, readiness),
        () => json(500, { error: 'readiness unavailable' }),
      );
    else json(404, { error: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LISTEN_ADDRESS, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
