/**
 * What the generator loads once per n8n process: the node catalog, and the retrieval index of
 * each training file (reloaded when the file changes).
 */
import { statSync } from 'node:fs';
import { defaultRetrievalData, readTrainingExamples, RetrievalIndex } from '../../../generator/retrieval';
import type { NodeCatalog } from '../../../schemas/catalog/catalog';
import { loadCatalog } from '../../../schemas/catalog/load';

let catalog: NodeCatalog | undefined;

export function nodeCatalog(): NodeCatalog {
  catalog ??= loadCatalog();
  return catalog;
}

const indexes = new Map<string, { mtimeMs: number; size: number; index: RetrievalIndex }>();

/** The retrieval index of a training file (`''`: the default data, built once into the cache folder). */
export async function retrievalIndex(file: string): Promise<RetrievalIndex> {
  const path = file.trim() === '' ? await defaultRetrievalData(nodeCatalog()) : file.trim();
  let stamp: { mtimeMs: number; size: number } | undefined;
  try {
    const stat = statSync(path);
    stamp = { mtimeMs: stat.mtimeMs, size: stat.size };
  } catch {
    // readTrainingExamples reports the missing file
  }
  const cached = indexes.get(path);
  if (cached && stamp && cached.mtimeMs === stamp.mtimeMs && cached.size === stamp.size) return cached.index;
  const index = new RetrievalIndex(readTrainingExamples(path));
  if (stamp) indexes.set(path, { ...stamp, index });
  return index;
}
