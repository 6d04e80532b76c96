/**
 * The messages sent to a model: the dataset's versioned system prompt (the model is asked
 * exactly what it was trained on), optional retrieved few-shot examples, the request,
 * and optional catalog hints for likely node types.
 */
import MiniSearch from 'minisearch';
import { systemPrompt } from '../dataset/prompt';
import type { NodeCatalog } from '../schemas/catalog/catalog';
import type { RetrievalIndex } from './retrieval';
import type { ChatMessage } from './types';

const hintIndexes = new WeakMap<NodeCatalog, MiniSearch<{ id: string; name: string; description: string }>>();

/** Node types of the catalog whose names and descriptions match the request best (BM25). */
export function catalogHints(request: string, catalog: NodeCatalog, k = 8): string[] {
  let index = hintIndexes.get(catalog);
  if (!index) {
    index = new MiniSearch({ fields: ['name', 'description'], idField: 'id', searchOptions: { boost: { name: 3 } } });
    // Tool variants and hidden types would only crowd out the nodes they derive from.
    index.addAll(
      [...catalog.types()]
        .filter((t) => !t.entry.hidden && !t.entry.toolOf)
        .map((t) => ({ id: t.entry.type, name: `${t.entry.displayName} ${t.entry.type.slice(t.entry.type.lastIndexOf('.') + 1)}`, description: t.entry.description ?? '' })),
    );
    hintIndexes.set(catalog, index);
  }
  return index.search(request, { prefix: true, combineWith: 'OR' }).slice(0, k).map((h) => String(h.id));
}

export interface PromptOptions {
  /** Retrieved training examples shown before the request. */
  fewShot?: { index: RetrievalIndex; k: number };
  /** Append likely node types from the catalog. */
  hints?: { catalog: NodeCatalog; k?: number };
}

export function buildMessages(request: string, options: PromptOptions = {}): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: systemPrompt('compact') }];
  if (options.fewShot && options.fewShot.k > 0) {
    for (const { example } of options.fewShot.index.nearest(request, options.fewShot.k)) {
      messages.push({ role: 'user', content: example.request }, { role: 'assistant', content: example.target });
    }
  }
  let content = request;
  if (options.hints) {
    const types = catalogHints(request, options.hints.catalog, options.hints.k);
    if (types.length > 0) content += `\n\nNode types that may fit: ${types.join(', ')}.`;
  }
  messages.push({ role: 'user', content });
  return messages;
}
