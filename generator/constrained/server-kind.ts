/**
 * Which kind of OpenAI-compatible server a base URL is: each constrains decoding its own way.
 * Known hosts (api.openai.com, Azure OpenAI) are read from the URL; any other server may be
 * probed once — `GET /version` (vLLM), `GET /props` (llama.cpp), `GET /api/version` (Ollama),
 * `GET <base>/models` `owned_by` — all at once, bounded by a timeout. A probe never fails a
 * generation: an unknown server is `unknown`, and decoding falls back to plain json_schema.
 */
import { isObject } from '../../schemas/json-value';

export const SERVER_KINDS = ['auto', 'openai', 'azure', 'vllm', 'llamacpp', 'ollama'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];
export type ResolvedServerKind = Exclude<ServerKind, 'auto'> | 'unknown';

export function isServerKind(value: unknown): value is ServerKind {
  return typeof value === 'string' && (SERVER_KINDS as readonly string[]).includes(value);
}

/** How long the probes of `auto` may take together, unless the caller says otherwise. */
export const DEFAULT_PROBE_TIMEOUT_MS = 2000;

export interface ServerIdentity {
  kind: ResolvedServerKind;
  /** The server's own version, where it reports one (vLLM, Ollama). */
  version?: string;
  /** How the kind was found, for the trace. */
  how: string;
}

/** The kind a base URL names by its host alone, if it does. */
export function serverKindFromUrl(baseURL: string): ServerIdentity | undefined {
  let host: string;
  try {
    host = new URL(baseURL).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  if (host === 'api.openai.com') return { kind: 'openai', how: `host ${host}` };
  if (/\.(openai\.azure\.com|cognitiveservices\.azure\.com|services\.ai\.azure\.com)$/.test(host)) return { kind: 'azure', how: `host ${host}` };
  return undefined;
}

export interface ProbeOptions {
  fetch?: typeof fetch;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** GET url → parsed JSON, or undefined for anything else (refusal, HTML, timeout, no server). */
async function getJson(url: string, options: ProbeOptions, signal: AbortSignal): Promise<unknown> {
  try {
    const response = await (options.fetch ?? fetch)(url, { method: 'GET', headers: { accept: 'application/json', ...options.headers }, signal });
    if (!response.ok) return undefined;
    return JSON.parse(await response.text());
  } catch {
    return undefined;
  }
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');

/** The server's origin plus any path prefix before `/v1` (servers behind a proxy path keep it). */
function serverRoot(baseURL: string): string {
  const url = new URL(baseURL);
  return `${url.origin}${trimSlash(url.pathname).replace(/\/v1$/, '')}`;
}

const versionOf = (value: unknown): string | undefined => (isObject(value) && typeof value.version === 'string' ? value.version : undefined);

/** Asks the server what it is (in parallel, one shared timeout); `unknown` when nothing answers in time. */
export async function probeServerKind(baseURL: string, options: ProbeOptions = {}): Promise<ServerIdentity> {
  let root: string;
  try {
    root = serverRoot(baseURL);
  } catch {
    return { kind: 'unknown', how: `not a URL: ${baseURL}` };
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  const [vllm, props, ollama, models] = await Promise.all([
    getJson(`${root}/version`, options, signal),
    getJson(`${root}/props`, options, signal),
    getJson(`${root}/api/version`, options, signal),
    getJson(`${trimSlash(baseURL)}/models`, options, signal),
  ]);
  const owners = isObject(models) && Array.isArray(models.data) ? new Set(models.data.map((m) => (isObject(m) ? m.owned_by : undefined))) : new Set<unknown>();
  if (isObject(props) && ('default_generation_settings' in props || 'build_info' in props)) return { kind: 'llamacpp', how: 'GET /props' };
  if (owners.has('llamacpp')) return { kind: 'llamacpp', how: 'GET /models: owned_by llamacpp' };
  const ollamaVersion = versionOf(ollama);
  if (ollamaVersion) return { kind: 'ollama', version: ollamaVersion, how: 'GET /api/version' };
  const vllmVersion = versionOf(vllm);
  if (vllmVersion || owners.has('vllm')) return { kind: 'vllm', ...(vllmVersion ? { version: vllmVersion } : {}), how: vllmVersion ? 'GET /version' : 'GET /models: owned_by vllm' };
  return { kind: 'unknown', how: signal.aborted ? `no answer to the probes within ${timeoutMs} ms` : 'the probes did not name a known server' };
}

/** The vLLM version of `structured_outputs`: `guided_json` and its siblings were removed in 0.12. */
export function vllmHasStructuredOutputs(version: string): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  if (!m) return true;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 0 || minor >= 12;
}

/** Only the vLLM version, without probing for the kind (the kind was given). */
export async function probeVllmVersion(baseURL: string, options: ProbeOptions = {}): Promise<string | undefined> {
  try {
    return versionOf(await getJson(`${serverRoot(baseURL)}/version`, options, AbortSignal.timeout(options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS)));
  } catch {
    return undefined;
  }
}
