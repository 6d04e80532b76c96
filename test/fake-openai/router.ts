/**
 * Routing: every request path is reduced to a canonical form, `v1` routes reached through `/v1`,
 * `/openai/v1` (Azure's v1 API) or `/openai` (Azure's deployment-style API), `v0` for Nebius,
 * `root` for the rest, and matched against a table of (method, api, pattern) routes.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FakeCore } from './core';
import type { ParsedBody, Reply } from './http';

export type Api = 'v1' | 'v0' | 'root';

export interface Ctx {
  method: string;
  api: Api;
  /** Path within the api (`/fine_tuning/jobs`), without the `/v1`-style prefix. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: ParsedBody;
  core: FakeCore;
}

export type Handler = (ctx: Ctx, params: string[]) => Reply | Promise<Reply>;

export interface Route {
  method: string;
  api: Api;
  pattern: RegExp;
  /** Whether an API key is required; presigned uploads and health checks need none. */
  auth: boolean;
  /** Whose wording a failed-auth answer uses. */
  flavor: 'openai' | 'together' | 'nebius';
  handle: Handler;
}

export function route(
  method: string,
  api: Api,
  pattern: RegExp,
  handle: Handler,
  options: { auth?: boolean; flavor?: Route['flavor'] } = {},
): Route {
  return { method, api, pattern, handle, auth: options.auth ?? true, flavor: options.flavor ?? (api === 'v0' ? 'nebius' : 'openai') };
}

export function canonicalPath(pathname: string): { api: Api; path: string } {
  for (const prefix of ['/openai/v1', '/v1', '/openai']) {
    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) {
      return { api: 'v1', path: pathname.slice(prefix.length) || '/' };
    }
  }
  if (pathname === '/v0' || pathname.startsWith('/v0/')) return { api: 'v0', path: pathname.slice(3) || '/' };
  return { api: 'root', path: pathname };
}

/** The route and its decoded captures; `methodMismatch` when only the method differs. */
export function findRoute(
  routes: Route[],
  method: string,
  api: Api,
  path: string,
): { route: Route; params: string[] } | { methodMismatch: boolean } {
  let methodMismatch = false;
  for (const r of routes) {
    if (r.api !== api) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    if (r.method !== method) {
      methodMismatch = true;
      continue;
    }
    return { route: r, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return { methodMismatch };
}
