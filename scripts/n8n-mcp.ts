/**
 * n8n-mcp (the peer the benches compare with), opened the way its server does: its sql.js
 * adapter over data/nodes.db, its node repository and its similarity services. Its `exports`
 * map only exposes the entry point, so dist files are required by path.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { templatesDatabasePath } from '../dataset/sources/templates';

export interface N8nMcp {
  version: string;
  /** Its `NodeRepository`. */
  repository: unknown;
  /** Its `EnhancedConfigValidator` class, as its validators take it. */
  EnhancedConfigValidator: unknown;
  /** A module of its `dist/` (e.g. `services/workflow-validator`): untyped, it ships no declarations we build on. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  load(module: string): Record<string, any>;
  /**
   * Stop its save timer and close the database without saving: its adapter's own close writes
   * the in-memory database back over data/nodes.db.
   */
  close(): void;
}

export async function openN8nMcp(): Promise<N8nMcp> {
  process.env.DISABLE_CONSOLE_OUTPUT = 'true';
  process.env.LOG_LEVEL = 'error';
  process.env.N8N_MCP_TELEMETRY_DISABLED = 'true';
  const pkg = path.resolve(path.dirname(require.resolve('n8n-mcp')), '..');
  const version = (JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
  // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any
  const load = (module: string) => require(path.join(pkg, 'dist', module)) as Record<string, any>;
  const adapter = await load('database/database-adapter').createSQLJSAdapter(templatesDatabasePath());
  const repository = new (load('database/node-repository').NodeRepository)(adapter);
  const { EnhancedConfigValidator } = load('services/enhanced-config-validator');
  EnhancedConfigValidator.initializeSimilarityServices(repository);
  return {
    version,
    repository,
    EnhancedConfigValidator,
    load,
    close() {
      if (adapter.saveTimer) clearTimeout(adapter.saveTimer);
      adapter.db?.close();
    },
  };
}
