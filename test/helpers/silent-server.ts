/** A server that accepts connections and requests and never answers: for client timeouts. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SilentServer {
  url: string;
  /** Requests received (method and URL), none of them answered. */
  received: Array<{ method?: string; url?: string }>;
  close(): Promise<void>;
}

export async function silentServer(): Promise<SilentServer> {
  const received: SilentServer['received'] = [];
  const server = http.createServer((req) => {
    received.push({ method: req.method, url: req.url });
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
