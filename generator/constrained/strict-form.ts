/**
 * The strict form of a compact workflow: the shape OpenAI's strict structured outputs can
 * describe. Strict mode needs every object closed (`additionalProperties: false`) with all
 * its properties required, so the open parts of a compact workflow become lists:
 *
 * - node parameters → `[{name, json}]`, `json` the value as JSON text;
 * - node settings (`onError`, `retryOnFail`, …) and workflow settings → the same `[{name, json}]`;
 * - connections → edges `[{from, type, output, to, input}]`;
 * - absent optional fields → `null` (`name`, `typeVersion`) or `[]` (lists);
 * - past OpenAI's enum budget the node type comes split, `package` + `type` (the name within it).
 *
 * `toStrictWorkflow` and `fromStrictWorkflow` are pure and inverse on compact workflows whose
 * connection entries carry their list's connection type (n8n's own wiring; an entry of another
 * type is invalid wiring the validator reports, and the strict form has no place for it).
 */
import { NODE_SETTING_KEYS, WORKFLOW_SETTING_KEYS, type CompactConnections, type CompactNode, type CompactWorkflow, type NodeSettings } from '../../dataset/compact';
import { isObject } from '../../schemas/json-value';
import { jsonTextDepth, WORKFLOW_LIMITS } from '../../schemas/limits';

export interface StrictEntry {
  name: string;
  /** The value as JSON text. */
  json: string;
}

export interface StrictNode {
  name: string;
  type: string;
  typeVersion: number | null;
  parameters: StrictEntry[];
  credentials: string[];
  settings: StrictEntry[];
}

export interface StrictEdge {
  from: string;
  /** Connection type (`main`, `ai_languageModel`, …) of the output and of the input it enters. */
  type: string;
  output: number;
  to: string;
  input: number;
}

export interface StrictWorkflow {
  name: string | null;
  nodes: StrictNode[];
  connections: StrictEdge[];
  settings: StrictEntry[];
}

/** Output indexes past this are not outputs any node has: refused rather than padded with empty outputs. */
export const MAX_OUTPUT_INDEX = 1000;

const entries = (values: Record<string, unknown>, keys: readonly string[] = Object.keys(values)): StrictEntry[] =>
  keys.filter((k) => values[k] !== undefined).map((name) => ({ name, json: JSON.stringify(values[name]) }));

export function toStrictWorkflow(workflow: CompactWorkflow): StrictWorkflow {
  const connections: StrictEdge[] = [];
  for (const [from, byType] of Object.entries(workflow.connections)) {
    for (const [type, outputs] of Object.entries(byType)) {
      outputs.forEach((targets, output) => {
        for (const t of targets) connections.push(typeof t === 'string' ? { from, type, output, to: t, input: 0 } : { from, type, output, to: t.node, input: t.index });
      });
    }
  }
  return {
    name: workflow.name ?? null,
    nodes: workflow.nodes.map((node) => ({
      name: node.name,
      type: node.type,
      typeVersion: node.typeVersion ?? null,
      parameters: entries(node.parameters ?? {}),
      credentials: node.credentials ?? [],
      settings: entries(node as unknown as Record<string, unknown>, NODE_SETTING_KEYS),
    })),
    connections,
    settings: entries(workflow.settings ?? {}),
  };
}

export type StrictConversion = { ok: true; workflow: CompactWorkflow } | { ok: false; path: string; message: string };

/**
 * A value's JSON text → the value. Text that is not JSON (a model writing `hello` for
 * `"hello"`) and text nested past the workflow limits are taken as the string they are.
 */
function readJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  if (jsonTextDepth(text, WORKFLOW_LIMITS.maxDepth) > WORKFLOW_LIMITS.maxDepth) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `[{name, json}]` → an object (own properties only: a `__proto__` name stays a plain key). */
function readEntries(list: unknown[], keep: (name: string) => boolean = () => true): Record<string, unknown> {
  return Object.fromEntries(list.filter((e): e is Record<string, unknown> => isObject(e) && typeof e.name === 'string' && keep(e.name)).map((e) => [e.name as string, readJson(e.json)]));
}

const isIndex = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

function readEdges(edges: unknown[]): { ok: true; connections: CompactConnections } | { ok: false; path: string; message: string } {
  const connections: CompactConnections = {};
  for (let i = 0; i < edges.length; i++) {
    const edge = edges[i];
    const at = `/connections/${i}`;
    if (!isObject(edge) || typeof edge.from !== 'string' || typeof edge.to !== 'string' || typeof edge.type !== 'string') {
      return { ok: false, path: at, message: 'an edge needs "from", "type" and "to" strings' };
    }
    if (!isIndex(edge.output, MAX_OUTPUT_INDEX)) return { ok: false, path: `${at}/output`, message: `${JSON.stringify(edge.output)} is not an output index (0 to ${MAX_OUTPUT_INDEX})` };
    if (!isIndex(edge.input, Number.MAX_SAFE_INTEGER)) return { ok: false, path: `${at}/input`, message: `${JSON.stringify(edge.input)} is not an input index` };
    const byType = (connections[edge.from] ??= {});
    const outputs = (byType[edge.type] ??= []);
    while (outputs.length <= edge.output) outputs.push([]);
    outputs[edge.output].push(edge.input === 0 ? edge.to : { node: edge.to, type: edge.type, index: edge.input });
  }
  return { ok: true, connections };
}

const NODE_SETTINGS = new Set<string>(NODE_SETTING_KEYS);
const WORKFLOW_SETTINGS = new Set(WORKFLOW_SETTING_KEYS);

/**
 * A strict-form answer → the compact workflow it stands for. Lenient where the meaning is
 * clear (a node written in compact form stays as it is; a value that is not JSON text is
 * the string itself), an error with a JSON Pointer where it is not. A value without the
 * strict form's `nodes` and `connections` lists is not a strict answer (`ok: false`).
 */
export function fromStrictWorkflow(value: unknown): StrictConversion {
  if (!isObject(value) || !Array.isArray(value.nodes) || !Array.isArray(value.connections)) {
    return { ok: false, path: '', message: 'not the strict form: expected "nodes" and "connections" lists' };
  }
  const edges = readEdges(value.connections);
  if (!edges.ok) return edges;
  const nodes = value.nodes.map((node): CompactNode => {
    if (!isObject(node)) return node as unknown as CompactNode;
    const { parameters, credentials, settings, typeVersion, package: pkg, ...rest } = node;
    const out = { ...rest } as unknown as CompactNode;
    // The split form of a schema past the enum budget: package + name within it.
    if (typeof pkg === 'string' && typeof out.type === 'string' && !out.type.startsWith(`${pkg}.`)) out.type = `${pkg}.${out.type}`;
    if (typeVersion !== null && typeVersion !== undefined) out.typeVersion = typeVersion as number;
    if (Array.isArray(parameters)) {
      if (parameters.length > 0) out.parameters = readEntries(parameters);
    } else if (parameters !== undefined && parameters !== null) out.parameters = parameters as Record<string, unknown>;
    if (Array.isArray(credentials) ? credentials.length > 0 : credentials !== undefined && credentials !== null) out.credentials = credentials as string[];
    if (Array.isArray(settings)) Object.assign(out, readEntries(settings, (name) => NODE_SETTINGS.has(name)) as NodeSettings);
    return out;
  });
  const workflow: CompactWorkflow = { ...(typeof value.name === 'string' ? { name: value.name } : {}), nodes, connections: edges.connections };
  if (Array.isArray(value.settings) && value.settings.length > 0) {
    const settings = readEntries(value.settings, (name) => WORKFLOW_SETTINGS.has(name));
    if (Object.keys(settings).length > 0) workflow.settings = settings;
  }
  return { ok: true, workflow };
}
