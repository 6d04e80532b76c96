/**
 * The n8n.io template collection shipped in the npm package n8n-mcp
 * (`data/nodes.db`, table `templates`; `workflow_json_compressed` is base64 of gzip;
 * where the file comes from: templates-db.ts).
 * Read with node-sqlite3-wasm (SQLite compiled to WebAssembly, reading the file in place:
 * no native build on install, 1.3 MB, and the database is not loaded into memory).
 */
import { copyFileSync, existsSync, linkSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Database } from 'node-sqlite3-wasm';
import type { SourceRecord } from '../types';
import { installedTemplatesDb, resolveTemplatesDb, TemplatesDbError } from './templates-db';
import type { SourceAdapter } from './source';

export interface TemplateRecord {
  id: number;
  workflowId: number;
  name: string;
  description: string;
  views: number;
  categories: string[];
  nodesUsed: string[];
  url?: string;
  /** The workflow JSON text as stored (decompressed). */
  workflowJson: string;
}

/** The installed n8n-mcp's database (tests, benches, a checkout with dev dependencies); a build resolves with resolveTemplatesDb. */
export function templatesDatabasePath(): string {
  const file = installedTemplatesDb();
  if (!file) throw new TemplatesDbError(`n8n-mcp is not installed: use resolveTemplatesDb() to download its templates database`);
  return file;
}

function parseList(text: unknown): string[] {
  if (typeof text !== 'string' || text === '') return [];
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** A template row as stored: the workflow JSON still compressed when the row has it so. */
export type StoredTemplate = Omit<TemplateRecord, 'workflowJson'> & { workflowJson?: string; compressed?: string };

/** base64 of gzip (`workflow_json_compressed`) → the workflow JSON text. */
export function decompressWorkflowJson(compressed: string): string {
  return gunzipSync(Buffer.from(compressed, 'base64')).toString('utf8');
}

/**
 * node-sqlite3-wasm takes even a reader's lock by creating the directory `<file>.lock`:
 * exclusive between concurrent readers, impossible in a read-only folder, and left
 * behind by a killed process. Each read therefore opens its own link to the file in a
 * private temp folder, where the lock lands and is removed afterwards.
 */
function privateLink(dbPath: string): { path: string; dispose(): void } {
  if (!existsSync(dbPath)) throw new TemplatesDbError(`${dbPath}: no such templates database`);
  const dir = mkdtempSync(path.join(tmpdir(), 'flowtune-templates-'));
  const link = path.join(dir, 'nodes.db');
  try {
    symlinkSync(path.resolve(dbPath), link);
  } catch {
    // No symlinks (Windows without developer mode): a hard link, else a copy.
    try {
      linkSync(dbPath, link);
    } catch {
      copyFileSync(dbPath, link);
    }
  }
  return { path: link, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Every template row, ordered by id, one at a time, workflows left compressed (so that a
 * build can decompress them on its worker threads). SQLite reads the file in place.
 * `lists: false` leaves categories and nodesUsed empty (a build reads neither, and
 * decoding them is a third of the read).
 */
export async function* streamStoredTemplates(dbPath = templatesDatabasePath(), { lists = true } = {}): AsyncGenerator<StoredTemplate> {
  const link = privateLink(dbPath);
  let db: Database;
  let rows: IterableIterator<Record<string, unknown>>;
  try {
    db = new Database(link.path, { readOnly: true, fileMustExist: true });
  } catch (error) {
    link.dispose();
    throw new TemplatesDbError(`${dbPath}: cannot open the templates database (${(error as Error).message})`);
  }
  try {
    try {
      rows = db
        .prepare(
          `SELECT id, workflow_id, name, description, views, url, workflow_json_compressed, workflow_json${lists ? ', categories, nodes_used' : ''}
           FROM templates ORDER BY id`,
        )
        .iterate();
    } catch (error) {
      throw new TemplatesDbError(`${dbPath}: not an n8n-mcp templates database (${(error as Error).message})`);
    }
    for (const row of rows) {
      const compressed = row.workflow_json_compressed;
      yield {
        id: Number(row.id),
        workflowId: Number(row.workflow_id),
        name: String(row.name ?? ''),
        description: String(row.description ?? ''),
        views: Number(row.views ?? 0),
        categories: parseList(row.categories),
        nodesUsed: parseList(row.nodes_used),
        ...(typeof row.url === 'string' ? { url: row.url } : {}),
        ...(typeof compressed === 'string' && compressed !== '' ? { compressed } : { workflowJson: String(row.workflow_json ?? '') }),
      };
    }
  } finally {
    db.close();
    link.dispose();
  }
}

/** Every template, ordered by id, one at a time, workflows decompressed. */
export async function* streamTemplates(dbPath = templatesDatabasePath()): AsyncGenerator<TemplateRecord> {
  for await (const { compressed, workflowJson, ...row } of streamStoredTemplates(dbPath)) {
    yield { ...row, workflowJson: compressed !== undefined ? decompressWorkflowJson(compressed) : (workflowJson ?? '') };
  }
}

/** Every template, ordered by id, in one array. */
export async function readTemplates(dbPath = templatesDatabasePath()): Promise<TemplateRecord[]> {
  const rows: TemplateRecord[] = [];
  for await (const row of streamTemplates(dbPath)) rows.push(row);
  return rows;
}

/**
 * The `templates` source: template records with their n8n.io provenance. The workflow
 * stays compressed JSON text: the prepare step decodes and parses it (in a worker when
 * the build has some).
 */
export async function* readTemplateSource(dbPath: string): AsyncGenerator<SourceRecord> {
  for await (const t of streamStoredTemplates(dbPath, { lists: false })) {
    const provenance = { source: 'templates' as const, ref: `template ${t.id}`, url: t.url ?? `https://n8n.io/workflows/${t.workflowId}` };
    const workflow = t.compressed !== undefined ? { gzipBase64: t.compressed } : { text: t.workflowJson ?? '' };
    yield { provenance, name: t.name, description: t.description, views: t.views, ...workflow };
  }
}

/** `templates`: the n8n.io collection (found, cached or downloaded by resolveTemplatesDb); the default source. */
export const TEMPLATES_SOURCE: SourceAdapter<{ kind: 'templates' }> = {
  prefix: 'templates',
  usage: 'templates',
  parse: (rest) => (rest === undefined ? { kind: 'templates' } : undefined),
  describe: () => 'templates',
  async *read(_spec, options) {
    yield* readTemplateSource(await resolveTemplatesDb(options.templates));
  },
};
