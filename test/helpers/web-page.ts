/** A web server that answers every path with an HTML page and status 200, as n8n's own editor does for unknown paths. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebPage {
  url: string;
  received: string[];
  close(): Promise<void>;
}

export async function webPage(html = '<!DOCTYPE html><html><head><title>n8n.io - Workflow Automation</title></head><body><div id="app"></div></body></html>'): Promise<WebPage> {
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
