import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** Writes the answer to a request the server has just recorded. */
export type RecordedRequestHandler = (received: ReceivedRequest, response: ServerResponse, request: IncomingMessage) => void;

/** An HTTP server that records each request in `requests` once its body has arrived, then hands it to `handler` to answer. */
export function createRecordingServer(requests: ReceivedRequest[], handler: RecordedRequestHandler): Server {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received: ReceivedRequest = {
        method: request.method ?? '',
        path: request.url ?? '/',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(received);
      handler(received, response, request);
    });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}
