/**
 * The import path against a real n8n: hydrated training targets, `flowtune generate
 * --import`, `flowtune import`, and `flowtune eval --n8n-url`. n8n's public API accepts
 * invented node types — the validator in front of import is what refuses them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { compactWorkflow, hydrateWorkflow } from '../../dataset/compact';
import { cleanWorkflow } from '../../dataset/clean';
import { N8nApiClient } from '../../n8n-api/client';
import { loadCatalog } from '../../schemas/catalog/load';
import { validateWorkflow } from '../../schemas/validator';
import { loadTemplates, stockOnly } from '../helpers/templates';
import { n8nApi, startN8n, type RunningN8n } from './harness';

jest.setTimeout(300_000);

const catalog = loadCatalog();
const tmp = () => mkdtempSync(path.join(tmpdir(), 'flowtune-e2e-'));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), readStdin: () => '', color: false, env: {} } satisfies CliIO };
}

interface ApiWorkflow {
  id: string;
  name: string;
  nodes: Array<{ name: string; type: string; typeVersion: number; position: number[] }>;
  connections: Record<string, unknown>;
}

describe('generator and import against a real n8n', () => {
  let n8n: RunningN8n | undefined;
  beforeAll(async () => {
    n8n = await startN8n();
  });
  afterAll(async () => {
    await n8n?.stop();
  });
  const running = () => {
    if (!n8n) throw new Error('n8n did not start (see beforeAll)');
    return n8n;
  };

  /** Valid stock templates as compact training targets (what the dataset builder writes). */
  async function compactTargets(count: number, offset = 0) {
    const templates = stockOnly(await loadTemplates(), catalog);
    const out: Array<{ request: string; compact: ReturnType<typeof compactWorkflow> }> = [];
    for (const t of templates.slice(offset)) {
      const cleaned = cleanWorkflow(t.workflow, t.record.name).workflow;
      if (!validateWorkflow(cleaned, { catalog }).valid || cleaned.nodes.length < 2 || cleaned.nodes.length > 25) continue;
      out.push({ request: t.record.description.split('\n')[0].slice(0, 300) || t.record.name, compact: compactWorkflow(cleaned, { catalog }) });
      if (out.length === count) break;
    }
    return out;
  }

  it('accepts 120 hydrated training targets with zero rejections and gives back their nodes and wiring', async () => {
    const client = new N8nApiClient(running().url, running().apiKey);
    const targets = await compactTargets(120);
    expect(targets).toHaveLength(120);
    const rejected: string[] = [];
    for (const { compact } of targets) {
      const full = hydrateWorkflow(compact, { catalog });
      const created = await client.createWorkflow(full).catch((error: Error) => {
        rejected.push(`${full.name}: ${error.message}`);
        return undefined;
      });
      if (!created) continue;
      const back = (await client.getWorkflow(created.id)) as unknown as ApiWorkflow;
      expect(back.nodes.map((n) => [n.name, n.type, n.typeVersion])).toEqual(full.nodes.map((n) => [n.name, n.type, n.typeVersion]));
      expect(back.connections).toEqual(full.connections);
    }
    expect(rejected).toEqual([]);
  });

  it('generate --import creates the validated workflow; the editor URL points at it', async () => {
    const dir = tmp();
    const train = path.join(dir, 'train.jsonl');
    const targets = await compactTargets(30);
    writeFileSync(
      train,
      targets.map((t) => JSON.stringify({ messages: [{ role: 'system', content: 's' }, { role: 'user', content: t.request }, { role: 'assistant', content: JSON.stringify(t.compact) }] })).join('\n'),
    );
    const run = io();
    const code = await runCli(['generate', targets[3].request, '--data', train, '--import', '--n8n-url', running().url, '--n8n-api-key', running().apiKey, '--json'], run.io);
    expect(code).toBe(0);
    const result = JSON.parse(run.out.join('')) as { imported: { id: string; editorUrl: string }; workflow: { nodes: unknown[] }; label: string };
    expect(result.label).toMatch(/baseline/);
    expect(result.imported.editorUrl).toBe(`${running().url}/workflow/${result.imported.id}`);
    const back = await n8nApi(running()).get<ApiWorkflow>(`/workflows/${result.imported.id}`);
    expect(back.nodes).toHaveLength(result.workflow.nodes.length);

    // eval with acceptance by this n8n: retrieval answers are valid workflows, and n8n takes them all.
    const validation = path.join(dir, 'validation.jsonl');
    const held = await compactTargets(5, 600);
    writeFileSync(validation, held.map((t) => JSON.stringify({ messages: [{ role: 'user', content: t.request }, { role: 'assistant', content: JSON.stringify(t.compact) }] })).join('\n'));
    const evaluated = io();
    expect(await runCli(['eval', '--data', validation, '--train', train, '--n8n-url', running().url, '--n8n-api-key', running().apiKey, '--out', path.join(dir, 'eval'), '--json'], evaluated.io)).toBe(0);
    const summary = JSON.parse(evaluated.out.join('')) as { rates: { n8nAccepted: number; n8nChecked: number } };
    expect(summary.rates).toMatchObject({ n8nAccepted: 1, n8nChecked: 5 });
  });

  it('flowtune import refuses an invented node type that n8n itself would accept', async () => {
    const dir = tmp();
    const file = path.join(dir, 'chatgpt.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'hallucinated',
        nodes: [{ name: 'ChatGPT', type: 'n8n-nodes-base.chatGpt', typeVersion: 1, position: [0, 0], parameters: {} }],
        connections: {},
      }),
    );
    const refused = io();
    expect(await runCli(['import', file, '--n8n-url', running().url, '--n8n-api-key', running().apiKey], refused.io)).toBe(1);
    expect(refused.err.join('')).toMatch(/UNKNOWN_NODE_TYPE/);
    // The hazard the validator stands in front of: n8n's public API takes it.
    const forced = io();
    expect(await runCli(['import', file, '--no-validate', '--n8n-url', running().url, '--n8n-api-key', running().apiKey, '--json'], forced.io)).toBe(0);
    expect(JSON.parse(forced.out.join(''))).toMatchObject({ id: expect.any(String) });

    const wrongKey = io();
    expect(await runCli(['import', file, '--no-validate', '--n8n-url', running().url, '--n8n-api-key', 'nope'], wrongKey.io)).toBe(2);
    expect(wrongKey.err.join('')).toMatch(/n8n refused the API key \(HTTP 401\)/);
  });
});
