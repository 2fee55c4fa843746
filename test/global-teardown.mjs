export default async function globalTeardown() {
  await globalThis.__hookfleetRedis?.stop();
}
