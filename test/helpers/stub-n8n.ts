/** A stand-in for n8n's public API: records what flowtune sends and answers as the test says. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubN8n {
  url: string;
  received: Array<{ method?: string; url?: string; key?: string; body: unknown }>;
  close(): Promise<void>;
}

export async function stubN8n(answer: (req: http.IncomingMessage, body: unknown) => [number, unknown]): Promise<StubN8n> {
  const received: StubN8n['received'] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const body = text ? JSON.parse(text) : undefined;
      received.push({ method: req.method, url: req.url, key: req.headers['x-n8n-api-key'] as string, body });
      const [status, payload] = answer(req, body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
