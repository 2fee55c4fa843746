import { defineConfig } from 'vite';

// Served by the API under /portal (apps/api/src/portal/portal-pages.ts), with a CSP that allows only 'self':
// no inline scripts or styles, so no module-preload polyfill either.
export default defineConfig({
  base: '/portal/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
  },
});
