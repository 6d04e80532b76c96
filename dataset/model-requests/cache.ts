/**
 * Model answers on disk, by content hash: sha256 of the model id, the prompt version, the call's
 * settings and the messages. One small JSON file per answer (`<dir>/<2 hex>/<64 hex>.json`),
 * written whole and renamed into place (writeFileAtomic), so builds running at the same time
 * never see half a file: the same key written twice holds the same answer either way.
 *
 * The raw answer is kept, whatever the checks make of it: the checks run again on every read (a
 * better check applies to old answers) and a re-run pays nothing, for failed answers too. Calls
 * that failed (timeouts, errors after the retries) are not cached.
 */
import { sha256 } from '../../util/hash';
import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isObject } from '../../schemas/json-value';
import { userCacheDir } from '../../schemas/paths';
import { writeFileAtomic } from '../writer';
import type { ChatMessage } from './prompt';

/** Bumped when the entry layout changes: entries of other versions are misses. */
const ENTRY_VERSION = 1;

/** Where answers are kept unless `--requests-cache` says otherwise. */
export function defaultRequestsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(userCacheDir(env), 'flowtune', 'requests');
}

export interface CacheKeyInput {
  model: string;
  promptVersion: string;
  /** Call settings that change the answer (temperature, max tokens). */
  settings: Record<string, unknown>;
  messages: readonly ChatMessage[];
}

export function cacheKey(input: CacheKeyInput): string {
  const settings = Object.fromEntries(Object.entries(input.settings).sort(([a], [b]) => (a < b ? -1 : 1)));
  return sha256(JSON.stringify([input.model, input.promptVersion, settings, input.messages.map((m) => [m.role, m.content])]));
}

export interface CachedAnswer {
  text: string;
  promptTokens?: number;
  completionTokens?: number;
}

export class RequestsCache {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The answer stored under `key`; undefined when there is none or it does not read (a miss, answered again). */
  get(key: string): CachedAnswer | undefined {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(this.file(key), 'utf8'));
    } catch {
      return undefined;
    }
    if (!isObject(value) || value.version !== ENTRY_VERSION || value.key !== key || typeof value.text !== 'string') return undefined;
    const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const promptTokens = count(value.promptTokens);
    const completionTokens = count(value.completionTokens);
    return { text: value.text, ...(promptTokens !== undefined ? { promptTokens } : {}), ...(completionTokens !== undefined ? { completionTokens } : {}) };
  }

  put(key: string, answer: CachedAnswer, model: string): void {
    const file = this.file(key);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, `${JSON.stringify({ version: ENTRY_VERSION, key, model, ...answer })}\n`);
  }
}
