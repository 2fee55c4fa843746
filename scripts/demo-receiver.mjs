// The receiver `npm start` runs for its curl example: verifies each Standard Webhooks signature and prints the delivery.
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

/** @param {{ port?: number, getSecret: () => string | undefined, log?: (line: string) => void }} options */
export async function startDemoReceiver({ port = 0, getSecret, log = console.log }) {
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verdict = 'unsigned';
      const secret = getSecret();
      if (secret && request.headers['webhook-signature']) {
        try {
          new Webhook(secret).verify(body, request.headers);
          verdict = 'signature verified';
        } catch (error) {
          verdict = `signature INVALID (${error.message})`;
        }
      }
      log(`[demo-receiver] delivery ${request.headers['webhook-id']} (${verdict}): ${body}`);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"received":true}');
    });
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port: server.address().port, close: () => new Promise((resolve) => server.close(resolve)) };
}
