/** Small workflow builders for tests: real node types and versions from the stock catalog. */
export interface TestNode {
  id?: string;
  name: string;
  type: string;
  typeVersion: number;
  position: [number, number];
  parameters: Record<string, unknown>;
  [key: string]: unknown;
}

export function node(name: string, type: string, typeVersion: number, parameters: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): TestNode {
  return { name, type: type.includes('.') ? type : `n8n-nodes-base.${type}`, typeVersion, position: [0, 0], parameters, ...extra };
}

export function link(to: string, type = 'main', index = 0) {
  return { node: to, type, index };
}

/** Manual Trigger → Set → (extra nodes): a minimal valid workflow to break in one place. */
export function baseWorkflow(extraNodes: TestNode[] = [], extraConnections: Record<string, unknown> = {}) {
  return {
    name: 'test',
    nodes: [node('Start', 'manualTrigger', 1), node('Set', 'set', 3.4, { mode: 'manual', assignments: { assignments: [] }, options: {} }), ...extraNodes],
    connections: { Start: { main: [[link('Set')]] }, ...extraConnections },
  };
}
