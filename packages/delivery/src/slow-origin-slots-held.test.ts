import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SlowOriginShare } from './slow-origins.js';
import { DeliveryTransport } from './transport.js';
import type { SendResult } from './send-result.js';

/**
 * `slowOriginSlotsInUse` is what the worker's `hookfleet_slow_origin_slots` gauge reads (apps/worker/src/worker.ts).
 * It counted the share alone, while the probes that slow-origins.ts lets go beside a full share hold a socket and a job
 * slot each as well: a worker whose every slot hung on new endpoints' probes showed the share's size and no more.
 */
describe('the slots held by slow and unknown origins count the probes beside a full share', () => {
  it('counts the share and the probes in flight, and frees a probe that ends or is cancelled', () => {
    const share = new SlowOriginShare(2, 1_000, 2);
    share.admit('http://hang-1', 0);
    share.admit('http://hang-2', 0);
    const probe = share.admit('http://new-1', 0);
    const cancelled = share.admit('http://new-2', 0);
    expect([probe?.probe, cancelled?.probe]).toEqual([true, true]);
    expect(share.inUse).toBe(2);
    expect(share.slotsHeld).toBe(4);
    share.finish(probe!, 10);
    share.cancel(cancelled!);
    expect(share.slotsHeld).toBe(2);
  });

  describe("the transport's figure, with requests held by real endpoints", () => {
    const servers: Server[] = [];
    const ports: number[] = [];
    const held: ServerResponse[] = [];
    let transport: DeliveryTransport;

    beforeAll(async () => {
      for (let index = 0; index < 2; index += 1) {
        const server = createServer((request, response) => {
          request.resume();
          held.push(response);
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        servers.push(server);
        ports.push((server.address() as { port: number }).port);
      }
      // One slot of share and one probe beside it (a quarter of the share, at least one); private targets allowed:
      // both endpoints are on 127.0.0.1.
      transport = new DeliveryTransport({ timeoutMs: 10_000, concurrency: 8, slowOriginSlots: 1, allowPrivateTargets: true, userAgent: 'hookfleet/test' });
    });

    afterAll(async () => {
      for (const response of held.splice(0)) response.end();
      await transport.close();
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    });

    it('reads 2 while one endpoint fills the share and a new one is probed beside it, 0 once both answered', async () => {
      const send = (port: number): Promise<SendResult> => transport.post(`http://127.0.0.1:${port}/hook`, '{}', {});
      const filling = send(ports[0]!);
      const probing = send(ports[1]!);
      const deadline = Date.now() + 5_000;
      while (held.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(held).toHaveLength(2);
      expect(transport.slowOriginSlotsInUse).toBe(2);
      for (const response of held.splice(0)) response.writeHead(200).end();
      expect((await Promise.all([filling, probing])).map((result) => result.kind)).toEqual(['response', 'response']);
      expect(transport.slowOriginSlotsInUse).toBe(0);
    });
  });
});
