/** `--from` specs → one stream of source records, in the order given. */
import { readDirectory } from './directory';
import { readJsonl } from './jsonl';
import { readN8nWorkflows } from './n8n';
import { readTemplateSource } from './templates';
import { resolveTemplatesDb, type TemplatesDbOptions } from './templates-db';
import type { SourceRecord } from '../types';
import { FlowtuneError } from '../../core/errors';

export type SourceSpec =
  | { kind: 'templates' }
  | { kind: 'dir'; path: string }
  | { kind: 'jsonl'; path: string }
  | { kind: 'n8n'; baseUrl: string };

export class SourceSpecError extends FlowtuneError {
  constructor(message: string) {
    super(message, { kind: 'invalid_input', setting: 'source' });
    this.name = 'SourceSpecError';
  }
}

export function parseSourceSpec(spec: string): SourceSpec {
  if (spec === 'templates') return { kind: 'templates' };
  const colon = spec.indexOf(':');
  const kind = colon > 0 ? spec.slice(0, colon) : '';
  const rest = spec.slice(colon + 1);
  if ((kind === 'dir' || kind === 'jsonl') && rest) return { kind, path: rest };
  if (kind === 'n8n' && /^https?:\/\//.test(rest)) return { kind, baseUrl: rest };
  throw new SourceSpecError(`unknown source "${spec}": use templates, dir:<path>, jsonl:<path> or n8n:<baseUrl>`);
}

export interface SourceOptions {
  n8nApiKey?: string;
  /** Where the `templates` source's database comes from (a user's file, a cache, a download). */
  templates?: TemplatesDbOptions;
}

export async function* readSources(specs: SourceSpec[], options: SourceOptions = {}): AsyncGenerator<SourceRecord> {
  for (const spec of specs) {
    switch (spec.kind) {
      case 'templates':
        yield* readTemplateSource(await resolveTemplatesDb(options.templates));
        break;
      case 'dir':
        yield* readDirectory(spec.path);
        break;
      case 'jsonl':
        yield* readJsonl(spec.path);
        break;
      case 'n8n':
        if (!options.n8nApiKey) throw new SourceSpecError(`n8n:${spec.baseUrl} needs an API key: --n8n-api-key or N8N_API_KEY`);
        yield* readN8nWorkflows(spec.baseUrl, options.n8nApiKey);
        break;
    }
  }
}
