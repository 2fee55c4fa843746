// The runner's handle on the receiver process: commands over its IPC channel.
import { fileURLToPath } from 'node:url';

const RECEIVER_SCRIPT = fileURLToPath(new URL('../receiver.mjs', import.meta.url));

export async function startReceiver(group) {
  const member = await group.forkReady('receiver', RECEIVER_SCRIPT);
  const { child } = member;
  let nextId = 1;
  const pending = new Map();
  child.on('message', (message) => {
    const entry = message && pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    if (message.error) entry.reject(new Error(message.error));
    else entry.resolve(message);
  });
  child.once('exit', (code, signal) => {
    for (const entry of pending.values()) entry.reject(new Error(`receiver exited (${signal ?? code})`));
    pending.clear();
  });
  const call = (cmd, fields = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, ...fields });
    });
  const port = member.ready.port;
  return {
    member,
    port,
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    /** Forgets every arrival; failFraction > 0 turns on the retries scenario's failing first attempts. */
    reset: (failFraction = 0) => call('reset', { failFraction }),
    stats: () => call('stats'),
    /** @returns {Promise<{ ids: string[], times: Float64Array, okFlags: Uint8Array }>} */
    dump: () => call('dump'),
    /** Resolves when `okCount` requests were answered 200; rejects after the timeout. */
    async waitForOk(okCount, timeoutMs) {
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${okCount} deliveries`)), timeoutMs);
      });
      try {
        return await Promise.race([call('waitFor', { okCount }), timeout]);
      } catch (error) {
        await call('cancelWait').catch(() => undefined);
        const stats = await call('stats').catch(() => null);
        throw new Error(`${error.message} (received ${stats?.okCount ?? '?'} ok, ${stats?.count ?? '?'} in all)`);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
