import { createServer } from 'node:http';
import { DeliveryTransport } from '@hookfleet/delivery';
const server = createServer((req, res) => {
  if (req.url === '/hang') return; // never answers
  if (req.url === '/big') { res.writeHead(200); res.end('a'.repeat(100000)); return; }
  if (req.url === '/drip') { res.writeHead(200); const t = setInterval(() => res.write('x'), 50); req.on('close', () => clearInterval(t)); return; }
  if (req.url === '/503') { res.writeHead(503, { 'retry-after': '7' }); res.end('busy'); return; }
  req.resume(); req.on('end', () => { res.writeHead(201, { 'x-a': '1' }); res.end(JSON.stringify({ got: req.headers['webhook-id'], ua: req.headers['user-agent'], ct: req.headers['content-type'] })); });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const t = new DeliveryTransport({ timeoutMs: 500, concurrency: 4, allowPrivateTargets: true, userAgent: 'hookfleet/test' });
const show = (r) => ({ ...r, headers: r.headers['retry-after'] ?? Object.keys(r.headers).length, responseBody: r.responseBody.length > 60 ? `${r.responseBody.length} chars` : r.responseBody, durationMs: Math.round(r.durationMs) });
console.log('ok', show(await t.post(`${base}/ok?x=1`, '{}', { 'webhook-id': 'dlv_1' })));
console.log('big', show(await t.post(`${base}/big`, '{}', {})));
console.log('hang', show(await t.post(`${base}/hang`, '{}', {})));
console.log('drip', show(await t.post(`${base}/drip`, '{}', {})));
console.log('503', show(await t.post(`${base}/503`, '{}', {})));
console.log('refused', show(await t.post('http://127.0.0.1:1/x', '{}', {})));
console.log('badurl', show(await t.post('not a url', '{}', {})));
const guarded = new DeliveryTransport({ timeoutMs: 500, concurrency: 4, allowPrivateTargets: false, userAgent: 'hookfleet/test' });
console.log('ssrf literal', show(await guarded.post(`${base}/ok`, '{}', {})));
console.log('ssrf name', show(await guarded.post(`http://localhost.:${server.address().port}/ok`, '{}', {})));
const many = await Promise.all(Array.from({ length: 50 }, (_, i) => t.post(`${base}/ok`, '{}', { 'webhook-id': `d${i}` })));
console.log('50 concurrent', many.every((r) => r.statusCode === 201));
await t.close(); await guarded.close(); server.close(); server.closeAllConnections();
