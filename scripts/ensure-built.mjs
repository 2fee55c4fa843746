// Builds the TypeScript project references (incremental: a no-op when nothing changed).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function ensureBuilt() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const result = spawnSync('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('hookfleet: the build failed (see above)');
    process.exit(result.status ?? 1);
  }
  // The portal's pages are a Vite build the API serves from apps/portal/dist.
  if (!existsSync(join(root, 'apps/portal/dist/index.html'))) {
    const portal = spawnSync('npm', ['run', 'build', '-w', '@hookfleet/portal'], { cwd: root, stdio: 'inherit' });
    if (portal.status !== 0) {
      console.error('hookfleet: the portal build failed (see above)');
      process.exit(portal.status ?? 1);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensureBuilt();
