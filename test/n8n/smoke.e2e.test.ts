/**
 * Smoke test of the real-n8n harness: start, public API with the key, create/read a workflow,
 * node catalog with the cookie, stop. Needs the pinned n8n installed (node dist/scripts/n8n-install.js);
 * without it, this suite fails with that hint.
 */
import { n8nApi, startN8n, type RunningN8n } from './harness';

jest.setTimeout(300_000);

interface ApiWorkflow {
  id: string;
  name: string;
  active: boolean;
  nodes: Array<{ id?: string; name: string; type: string; typeVersion: number; parameters: Record<string, unknown> }>;
  connections: Record<string, unknown>;
}

describe('n8n harness (real n8n)', () => {
  let n8n: RunningN8n | undefined;
  const t0 = Date.now();

  beforeAll(async () => {
    n8n = await startN8n();
    process.stderr.write(
      `n8n ${n8n.version} at ${n8n.url}: REST ready after ${(n8n.timings.readyMs / 1000).toFixed(1)} s, ` +
        `owner + API key after ${(n8n.timings.bootstrapMs / 1000).toFixed(1)} s\n`,
    );
  });

  afterAll(async () => {
    if (!n8n) return;
    const t = Date.now();
    await n8n.stop();
    process.stderr.write(`n8n stopped in ${((Date.now() - t) / 1000).toFixed(1)} s; suite took ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  });

  function running(): RunningN8n {
    if (!n8n) throw new Error('n8n did not start (see beforeAll)');
    return n8n;
  }

  it('lists workflows with the API key, and rejects a request without it', async () => {
    const api = n8nApi(running());
    const list = await api.get<{ data: unknown[]; nextCursor: string | null }>('/workflows');
    expect(Array.isArray(list.data)).toBe(true);

    const anonymous = n8nApi({ ...running(), apiKey: '' });
    const denied = await anonymous.request('GET', '/workflows');
    expect(denied.status).toBe(401);
  });

  it('creates a Manual Trigger → Set workflow and reads it back', async () => {
    const api = n8nApi(running());
    const body = {
      name: 'flowtune smoke',
      nodes: [
        {
          name: 'When clicking ‘Execute workflow’',
          type: 'n8n-nodes-base.manualTrigger',
          typeVersion: 1,
          position: [0, 0],
          parameters: {},
        },
        {
          name: 'Set greeting',
          type: 'n8n-nodes-base.set',
          typeVersion: 3.4,
          position: [220, 0],
          parameters: {
            assignments: {
              assignments: [{ id: 'a1', name: 'greeting', value: 'hello', type: 'string' }],
            },
            options: {},
          },
        },
      ],
      connections: {
        'When clicking ‘Execute workflow’': { main: [[{ node: 'Set greeting', type: 'main', index: 0 }]] },
      },
      settings: { executionOrder: 'v1' },
    };
    const created = await api.post<ApiWorkflow>('/workflows', body);
    expect(typeof created.id).toBe('string');
    expect(created.active).toBe(false);

    const read = await api.get<ApiWorkflow>(`/workflows/${created.id}`);
    expect(read.name).toBe('flowtune smoke');
    expect(read.nodes.map((n) => [n.name, n.type, n.typeVersion])).toEqual([
      ['When clicking ‘Execute workflow’', 'n8n-nodes-base.manualTrigger', 1],
      ['Set greeting', 'n8n-nodes-base.set', 3.4],
    ]);
    expect(read.connections).toEqual(body.connections);

    const list = await api.get<{ data: Array<{ id: string }> }>('/workflows');
    expect(list.data.map((w) => w.id)).toContain(created.id);
  });

  it('serves the node catalog (/types/nodes.json) with the cookie', async () => {
    const api = n8nApi(running());
    const nodes = await api.rest<Array<{ name: string; version: number | number[] }>>('/types/nodes.json');
    expect(Array.isArray(nodes)).toBe(true);
    const names = new Set(nodes.map((n) => n.name));
    expect(names.has('n8n-nodes-base.manualTrigger')).toBe(true);
    expect(names.has('n8n-nodes-base.set')).toBe(true);
    expect(nodes.length).toBeGreaterThan(500);
  });
});
