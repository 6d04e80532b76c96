/**
 * The n8n.io template collection shipped in the npm package n8n-mcp
 * (`data/nodes.db`, table `templates`; `workflow_json_compressed` is base64 of gzip;
 * where the file comes from: templates-db.ts).
 * Read with sql.js (SQLite compiled to WebAssembly: no native build on install).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import initSqlJs from 'sql.js';
import type { SourceRecord } from '../types';
import { installedTemplatesDb, TemplatesDbError } from './templates-db';

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
 * Every template row, ordered by id, one at a time, workflows left compressed (so that a
 * build can decompress them on its worker threads). sql.js holds the ≈70 MB database
 * itself in memory. `lists: false` leaves categories and nodesUsed empty (a build reads
 * neither, and decoding them is a third of the read).
 */
export async function* streamStoredTemplates(dbPath = templatesDatabasePath(), { lists = true } = {}): AsyncGenerator<StoredTemplate> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(dbPath));
  try {
    const statement = db.prepare(
      `SELECT id, workflow_id, name, description, views, url, workflow_json_compressed, workflow_json${lists ? ', categories, nodes_used' : ''}
       FROM templates ORDER BY id`,
    );
    while (statement.step()) {
      // Positional rows: a row object per template costs more than the columns themselves.
      const [id, workflowId, name, description, views, url, compressed, workflowJson, categories, nodesUsed] = statement.get();
      yield {
        id: Number(id),
        workflowId: Number(workflowId),
        name: String(name ?? ''),
        description: String(description ?? ''),
        views: Number(views ?? 0),
        categories: parseList(categories),
        nodesUsed: parseList(nodesUsed),
        ...(typeof url === 'string' ? { url } : {}),
        ...(typeof compressed === 'string' && compressed !== '' ? { compressed } : { workflowJson: String(workflowJson ?? '') }),
      };
    }
    statement.free();
  } finally {
    db.close();
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
