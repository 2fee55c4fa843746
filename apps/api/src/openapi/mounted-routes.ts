import type { Express } from 'express';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every (method, path) Express has a route for, read from the router stack (used to check the document). */
export function mountedRoutes(app: Express): Array<{ method: string; path: string }> {
  const found: Array<{ method: string; path: string }> = [];
  const visit = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) for (const method of Object.keys(layer.route.methods)) if (method !== '_all') found.push({ method, path });
      } else if (layer.handle?.stack) visit(layer.handle.stack);
    }
  };
  visit(((app as unknown as { router: { stack: Layer[] } }).router).stack);
  return found;
}
