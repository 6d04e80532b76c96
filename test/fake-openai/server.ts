/**
 * A local fake of the OpenAI API (plus Azure's `/openai/v1`, Together AI's fine-tunes and Nebius's
 * `/v0/models`) for tests. Plain `node:http`, in-memory state, deterministic lifecycle, fault
 * injection and scripted chat. Test infrastructure only: no product code path uses it.
 *
 *   const fake = await startFakeOpenAI();
 *   const client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseURL });
 *   ...
 *   fake.advance(job.id);          // run the job to completion
 *   await fake.close();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeCore } from './core';
import { faultReply, Faults, statusReply } from './faults';
import { apiError, bodyForLog, detailError, invalidUrl, json, parseBody, type Reply } from './http';
import { failJob as failJobRecord } from './lifecycle';
import { IdSource } from './random';
import { canonicalPath, findRoute, route, type Ctx, type Route } from './router';
import { chatRoutes, type ChatScript } from './routes/chat';
import { fileRoutes } from './routes/files';
import { jobRoutes } from './routes/jobs';
import { modelRoutes } from './routes/models';
import { nebiusRoutes } from './routes/nebius';
import { serverRoutes } from './routes/servers';
import { togetherRoutes } from './routes/together';
import type { FakeOpenAIOptions, JobError, LoggedRequest, Settings, State } from './types';

export type { FakeOpenAIOptions, LoggedRequest, ServerKind } from './types';
export type { FaultHandle, FaultSpec } from './faults';
export type { ChatReply, ChatRequest } from './routes/chat';

export interface FakeOpenAI {
  /** Server root, e.g. `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `${url}/v1`: what OpenAI-compatible clients take as their base URL. */
  readonly baseURL: string;
  /** Files, jobs, models, Nebius deployments: inspectable and editable. */
  readonly state: State;
  /** Live settings (api keys, autoAdvance, refuseNewJobs, ...). */
  readonly settings: Settings;
  /** Every request received, in order. */
  readonly requests: LoggedRequest[];
  /** Exceptions thrown by handlers (each also answered with a 500). */
  readonly errors: Error[];
  readonly faults: Faults;
  readonly chat: ChatScript;
  /** Moves one job or Nebius deployment (or all of them) `steps` lifecycle units; to the end when omitted. */
  advance(id?: string, steps?: number): void;
  /** Fails a job as if training broke. */
  failJob(id: string, error?: Partial<JobError>): void;
  /** Logged requests whose canonical path matches (`/v1/...`), optionally by method. */
  requestsTo(path: string | RegExp, method?: string): LoggedRequest[];
  close(): Promise<void>;
}

const health = route('GET', 'root', /^\/(healthz)?$/, (ctx) => json({ ok: true, baseURL: `${ctx.core.url}/v1` }), { auth: false });

const ROUTES: Route[] = [...fileRoutes, ...jobRoutes, ...modelRoutes, ...chatRoutes, ...togetherRoutes, ...nebiusRoutes, ...serverRoutes, health];

const OPENAI_KEYS_PAGE = 'https://platform.openai.com/account/api-keys';

/** OpenAI shows the start and the last four characters of a wrong key. */
function redactKey(key: string): string {
  if (key.length <= 12) return `${key.slice(0, 3)}${'*'.repeat(Math.max(0, key.length - 3))}`;
  return `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`;
}

function authFailure(core: FakeCore, headers: http.IncomingHttpHeaders, flavor: Route['flavor']): Reply | undefined {
  const apiKey = typeof headers['api-key'] === 'string' ? headers['api-key'] : undefined;
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
  const key = apiKey ?? bearer;
  if (key !== undefined && core.settings.apiKeys.includes(key)) return undefined;
  if (flavor === 'nebius') return detailError(401, key === undefined ? 'Not authenticated' : 'Invalid API key');
  if (flavor === 'together') {
    return apiError(401, 'Invalid API key provided. You can find your API key at https://api.together.xyz/settings/api-keys.', { code: 'invalid_api_key' });
  }
  if (key === undefined) {
    return apiError(
      401,
      `You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from ${OPENAI_KEYS_PAGE}.`,
    );
  }
  return apiError(401, `Incorrect API key provided: ${redactKey(key)}. You can find your API key at ${OPENAI_KEYS_PAGE}.`, { code: 'invalid_api_key' });
}

function readAll(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const core = new FakeCore(options);
  const faults = new Faults();
  const requests: LoggedRequest[] = [];
  const errors: Error[] = [];
  const requestIds = new IdSource((options.seed ?? 42) ^ 0x5bd1e995);
  const timers = new Set<NodeJS.Timeout>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  function send(res: http.ServerResponse, reply: Reply, entry: LoggedRequest): void {
    entry.outcome = reply.status;
    const headers: Record<string, string> = { 'x-request-id': `req_${requestIds.hex(32)}`, ...('headers' in reply ? reply.headers : {}) };
    switch (reply.kind) {
      case 'json':
        res.writeHead(reply.status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
        return;
      case 'bytes':
        res.writeHead(reply.status, { ...headers, 'content-type': reply.contentType, 'content-length': String(reply.body.length) }).end(reply.body);
        return;
      case 'sse':
        res.writeHead(reply.status, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
        for (const event of reply.events) res.write(`data: ${event}\n\n`);
        res.end();
        return;
      case 'empty':
        res.writeHead(reply.status, headers).end();
        return;
    }
  }

  async function dispatch(ctx: Ctx): Promise<Reply> {
    const found = findRoute(ROUTES, ctx.method, ctx.api, ctx.path);
    const needsAuth = 'route' in found ? found.route.auth : ctx.api !== 'root';
    const flavor = 'route' in found ? found.route.flavor : ctx.api === 'v0' ? 'nebius' : 'openai';
    const denied = needsAuth ? authFailure(core, ctx.headers, flavor) : undefined;
    if (denied) return denied;
    if (!('route' in found)) {
      return ctx.api === 'v0' ? detailError(404, 'Not Found') : invalidUrl(ctx.method, ctx.api === 'root' ? ctx.path : `/${ctx.api}${ctx.path}`);
    }
    try {
      return await found.route.handle(ctx, found.params);
    } catch (err) {
      errors.push(err instanceof Error ? err : new Error(String(err)));
      return statusReply(500);
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const data = await readAll(req);
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const { api, path } = canonicalPath(url.pathname);
    const canonical = api === 'root' ? path : `/${api}${path}`;
    const body = parseBody(req.headers, data);
    const entry: LoggedRequest = {
      method,
      path: url.pathname,
      canonical,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: bodyForLog(body),
      at: Date.now(),
    };
    requests.push(entry);

    const fault = faults.take(method, canonical)?.spec;
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.hang) {
      entry.outcome = 'hung'; // never answered; close() destroys the socket
      return;
    }
    const drop = () => {
      entry.outcome = 'dropped';
      req.socket.destroy();
    };
    const answersInstead = fault !== undefined && (fault.status !== undefined || fault.body !== undefined);
    if (fault && !fault.afterHandling) {
      if (fault.dropConnection) return drop();
      if (answersInstead) return send(res, faultReply(fault), entry);
    }
    const reply = await dispatch({ method, api, path, query: url.searchParams, headers: req.headers, body, core });
    if (fault?.afterHandling) {
      if (fault.dropConnection) return drop();
      return send(res, faultReply(fault), entry);
    }
    send(res, reply, entry);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      errors.push(err instanceof Error ? err : new Error(String(err)));
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  core.url = `http://${host}:${address.port}`;

  return {
    url: core.url,
    baseURL: `${core.url}/v1`,
    state: core.state,
    settings: core.settings,
    requests,
    errors,
    faults,
    chat: core.chat,
    advance: (id, steps) => core.advance(id, steps),
    failJob(id, error = {}) {
      const job = core.state.jobs.get(id);
      if (!job) throw new Error(`fake-openai: no job ${id}`);
      failJobRecord(
        job,
        { code: error.code ?? 'server_error', message: error.message ?? 'The job failed due to an internal error.', param: error.param ?? null },
        core.engine,
      );
    },
    requestsTo(path, method) {
      return requests.filter(
        (r) => (typeof path === 'string' ? r.canonical === path : path.test(r.canonical)) && (!method || r.method === method.toUpperCase()),
      );
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
