// Builds the TypeScript project references (incremental: a no-op when nothing changed).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function ensureBuilt() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const result = spawnSync('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('hookfleet: the build failed (see above)');
    process.exit(result.status ?? 1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensureBuilt();
