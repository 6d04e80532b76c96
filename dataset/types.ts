/** Shared shapes of the dataset builder. */
import type { SourceKind } from './sources';

/** Where a record came from: kept on every record, rejected ones included. */
export interface Provenance {
  /** The source's `--from` prefix (sources/index.ts `SOURCES`). */
  source: SourceKind;
  /** Template id, `file.json`, `file.json[3]`, `file.jsonl:12`, or `<baseUrl>#<workflowId>`. */
  ref: string;
  url?: string;
}

/** One workflow as read from a source, before any cleaning. */
export interface SourceRecord {
  provenance: Provenance;
  /** Name and human description from the wrapper (template record, n8n.io API shape). */
  name?: string;
  description?: string;
  views?: number;
  /** The workflow value (possibly still wrapped); absent when the input could not be read. */
  workflow?: unknown;
  /** Or the workflow as JSON text, parsed later by the prepare step (which may run in a worker)… */
  text?: string;
  /** …or that text as base64 of gzip, as the template database stores it. */
  gzipBase64?: string;
  /** Why the input could not be read (broken JSON, empty file, …). */
  error?: string;
  /** Characters of the text the record was read from, when the source knows it (report sizes). */
  rawSize?: number;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface WorkflowNode {
  name: string;
  type: string;
  typeVersion: number;
  position?: [number, number];
  parameters: Record<string, unknown>;
  credentials?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Workflow {
  name?: string;
  nodes: WorkflowNode[];
  connections: Record<string, unknown>;
  settings?: Record<string, unknown>;
  [key: string]: unknown;
}
