/**
 * How each inference server tells what it is, as flowtune's `auto` server kind probes it:
 * vLLM `GET /version`, llama.cpp `GET /props`, Ollama `GET /api/version`. Only the server kind
 * the fake plays answers its own; the others get the usual 404.
 */
import { invalidUrl, json, type Reply } from '../http';
import { route, type Ctx, type Route } from '../router';
import type { ServerKind } from '../types';

const only = (kind: ServerKind, reply: (ctx: Ctx) => Reply) => (ctx: Ctx) => (ctx.core.settings.serverKind === kind ? reply(ctx) : invalidUrl(ctx.method, ctx.path));

export const serverRoutes: Route[] = [
  route('GET', 'root', /^\/version$/, only('vllm', (ctx) => json({ version: ctx.core.settings.serverVersion })), { auth: false }),
  route('GET', 'root', /^\/api\/version$/, only('ollama', (ctx) => json({ version: ctx.core.settings.serverVersion })), { auth: false }),
  route(
    'GET',
    'root',
    /^\/props$/,
    only('llamacpp', () => json({ default_generation_settings: { n_ctx: 8192, params: { temperature: 0.8 } }, total_slots: 1, model_path: '/models/flowtune.gguf', build_info: 'b6000-fake' })),
    { auth: false },
  ),
];
