import type { NextFunction, Request, Response } from 'express';
import type { HookfleetMetrics } from '@hookfleet/metrics';

/** Request durations labelled by route template (never the raw path, whose ids would grow the label set). */
export function httpMetrics(metrics: HookfleetMetrics) {
  return (request: Request, response: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const routePath = (request.route as { path?: string } | undefined)?.path;
      const route = routePath ? `${request.baseUrl}${routePath}` : 'unmatched';
      metrics.httpRequestDuration.observe(
        { method: request.method, route, status_code: String(response.statusCode) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  };
}
