// The node flags every worker process starts with: `node <these flags> apps/worker/dist/main.js`. The image's
// worker commands (infra/k8s/worker.yaml, infra/docker-compose.yml), `npm start`, `npm run worker` and the benchmark's
// fleet all start it so; infra/deploy.test.ts fails when one of them drifts from this list.
//
// --max-semi-space-size=64: V8's young generation at 64 MB a semi-space instead of 16. A delivery worker keeps a few
// hundred requests, parts and parsed payloads alive across their I/O, so with the default size most scavenges found
// much of it still alive and copied it: 149 scavenges costing 1,038 ms of the main thread for 50,000 deliveries
// (21 µs a delivery, the largest single item of the worker's profile). At 64 MB: 52 scavenges, 685–707 ms (14 µs);
// the peak RSS of the benchmark's fan-out 1 worker grows by about 90 MB, well inside the worker's 768 Mi limit.
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
