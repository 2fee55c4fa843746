// `npm run test:image`: builds the container image from infra/Dockerfile and runs infra/image/image.e2e.ts
// against it (the API and a worker as containers, on a private Redis of the host). Not part of `npm test`.
//
// Without DOCKER_HOST it starts its own dockerd (vfs storage, no iptables, no bridge: containers use the host's
// network) with its sockets under a temporary folder, and stops it at the end, also on failure. Its data root
// persists (HOOKFLEET_DOCKER_DATA, default <tmp>/hookfleet-docker) so the base image and the build's layers,
// those of its intermediate stages included, are cached between runs; nothing is pruned (vfs stores every layer
// in full: remove that folder to reclaim the space). The base image (the Dockerfile's FROM) is made locally by infra/image/base-image.sh:
// no image registry is needed. With DOCKER_HOST set, that daemon is used and the base image pulled as usual.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const DOCKERFILE = 'infra/Dockerfile';
export const IMAGE = process.env.HOOKFLEET_IMAGE ?? 'hookfleet:test';
/** The first build on vfs copies every layer in full: minutes on a busy two-core machine. */
const BUILD_TIMEOUT_MS = Number(process.env.HOOKFLEET_IMAGE_BUILD_TIMEOUT_MS ?? 30 * 60_000);
const TOOLS = [
  ['dockerd', 'docker.io'],
  ['docker', 'docker.io'],
  ['debootstrap', 'debootstrap'],
  ['redis-server', 'redis-server'],
];

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(0)} s`;

/** Runs a step; asynchronous so a signal to this script still reaches the cleanup below. Resolves to its exit code. */
function step(command, args, { env, timeout } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env });
    const timer = timeout ? setTimeout(() => child.kill('SIGTERM'), timeout) : null;
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

async function run(command, args, options) {
  const code = await step(command, args, options);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${code})`);
}

/** Its sockets and state; the network namespace dockerd bind-mounts there may outlive it and is unmounted first. */
function removeRunDir(runDir) {
  spawnSync('umount', ['-l', join(runDir, 'exec/netns/default')], { stdio: 'ignore' });
  try {
    rmSync(runDir, { recursive: true, force: true });
  } catch (error) {
    console.warn(`test:image: left ${runDir} behind (${error.message})`);
  }
}

/** A private dockerd; `stop()` ends it (SIGTERM, then SIGKILL) and removes its sockets. */
async function startDockerd() {
  const dataRoot = process.env.HOOKFLEET_DOCKER_DATA ?? join(tmpdir(), 'hookfleet-docker');
  mkdirSync(dataRoot, { recursive: true });
  // Short paths: containerd's unix sockets live under the exec root, and socket paths are limited to 108 bytes.
  const runDir = mkdtempSync('/tmp/hfd-');
  const socket = `unix://${runDir}/docker.sock`;
  const args = [
    '--storage-driver=vfs',
    '--iptables=false',
    '--bridge=none',
    `--data-root=${dataRoot}`,
    `--exec-root=${runDir}/exec`,
    `--pidfile=${runDir}/docker.pid`,
    `-H`,
    socket,
  ];
  const daemon = spawn('dockerd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  daemon.stdout.on('data', (chunk) => (log += chunk));
  daemon.stderr.on('data', (chunk) => (log += chunk));
  const exited = new Promise((resolve) => daemon.once('exit', resolve));
  const stop = async () => {
    if (daemon.exitCode === null && daemon.signalCode === null) {
      daemon.kill('SIGTERM');
      const killer = setTimeout(() => daemon.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    }
    removeRunDir(runDir);
  };
  const deadline = Date.now() + 60_000;
  while (spawnSync('docker', ['-H', socket, 'version'], { stdio: 'ignore' }).status !== 0) {
    if (daemon.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`dockerd did not start:\n${log.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { host: socket, stop };
}

/** The build args a proxied network needs (Docker passes these names through without ARG lines). */
function proxyBuildArgs() {
  return ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']
    .filter((name) => process.env[name])
    .flatMap((name) => ['--build-arg', `${name}=${process.env[name]}`]);
}

async function main() {
  const missing = TOOLS.filter(([command]) => !has(command) && !(command === 'dockerd' && process.env.DOCKER_HOST));
  if (missing.length > 0) {
    const packages = [...new Set(missing.map(([, debianPackage]) => debianPackage))].join(' ');
    throw new Error(`missing ${missing.map(([command]) => command).join(', ')}: install them (Debian: apt-get install -y ${packages}); .ci/run does`);
  }
  const ownDaemon = process.env.DOCKER_HOST ? null : await startDockerd();
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      console.error(`test:image: ${signal}, stopping dockerd`);
      (ownDaemon ? ownDaemon.stop() : Promise.resolve()).finally(() => process.exit(130));
    });
  }
  const env = { ...process.env, DOCKER_HOST: ownDaemon?.host ?? process.env.DOCKER_HOST, HOOKFLEET_IMAGE: IMAGE };
  let status = 1;
  try {
    if (ownDaemon) {
      const base = /^FROM\s+(\S+)/m.exec(readFileSync(join(ROOT, DOCKERFILE), 'utf8'))?.[1];
      if (!base) throw new Error(`${DOCKERFILE}: no FROM line`);
      const started = Date.now();
      await run(join(ROOT, 'infra/image/base-image.sh'), [base], { env });
      console.log(`test:image: base image ready in ${seconds(started)}`);
    }
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    const started = Date.now();
    await run('docker', ['build', '--network', 'host', '-f', DOCKERFILE, '--build-arg', `VERSION=${version}`, ...proxyBuildArgs(), '-t', IMAGE, '.'], {
      env,
      timeout: BUILD_TIMEOUT_MS,
    });
    const size = Number(spawnSync('docker', ['image', 'inspect', '-f', '{{.Size}}', IMAGE], { env, encoding: 'utf8' }).stdout.trim());
    console.log(`test:image: built ${IMAGE} in ${seconds(started)}, ${(size / 1e6).toFixed(0)} MB`);
    status = await step('node', ['scripts/test.mjs', '--testMatch', '<rootDir>/infra/image/*.e2e.ts', '--runInBand'], { env });
  } finally {
    if (ownDaemon) {
      await ownDaemon.stop();
    }
  }
  return status;
}

if (!existsSync(join(ROOT, DOCKERFILE))) throw new Error(`run from the repository: ${DOCKERFILE} not found`);
main().then(
  (status) => process.exit(status),
  (error) => {
    console.error(`test:image: ${error.message}`);
    process.exit(1);
  },
);
