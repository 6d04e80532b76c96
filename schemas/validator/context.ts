/**
 * What every rule reads about one workflow, computed once before any rule runs: the
 * nodes with their catalog entries, the node of each name, the compiled policy. Plain
 * data; rules only read it.
 */
import type { NodeCatalog, NodeTypeInfo } from '../catalog/catalog';
import { isObject } from '../json-value';
import type { WiredNode } from './connections';
import type { ValidationStats } from './issues';
import { mergePolicy, type ValidationPolicy } from './policy';
import type { RunGraph, RuntimeNode, WorkflowScan } from './runtime';

/** One node object of `nodes` (entries that are not objects have none). */
export interface NodeFacts extends RuntimeNode {
  /** JSON Pointer of the node: `/nodes/<index>`. */
  path: string;
  name?: string;
  type?: string;
  version?: number;
  /** The catalog entry of `type`, whatever the version (`wired.info` is set only when the version exists too). */
  info?: NodeTypeInfo;
  /** The node of the same name listed before this one, if any. */
  sameNameBefore?: WiredNode;
}

export interface CompiledPolicy {
  policy: ValidationPolicy;
  allow: ReadonlySet<string> | undefined;
  deny: ReadonlySet<string>;
}

export interface ValidationContext {
  /** The unwrapped workflow; its `nodes` is an array. */
  workflow: Record<string, unknown> & { nodes: unknown[] };
  catalog: NodeCatalog;
  policy: CompiledPolicy;
  /** The node objects, in order. */
  nodes: NodeFacts[];
  /** The nodes that have a name, in order: the ones connections and expressions can reach. */
  named: NodeFacts[];
  /** The node connections reach by each name: as in n8n's Workflow class, the last of that name. */
  wired: Map<string, WiredNode>;
  /** Names more than one node has (undefined when there are none). */
  duplicateNames?: Set<string>;
  /** Node types the catalog does not have. */
  unknownTypes: Set<string>;
  /** The expressions the limits walk read (scanWorkflow), by node index. */
  scan?: WorkflowScan;
  /** The edges by node index, read on first use by the runnable rules (runtime.ts `graphOf`): the one field filled after the context is built. */
  runGraph: RunGraph | undefined;
  /** Counts reported with the result; filled while the context is built (and `connections` by its rule). */
  stats: ValidationStats;
}

export function buildContext(
  workflow: ValidationContext['workflow'],
  catalog: NodeCatalog,
  policy: CompiledPolicy,
  scan: WorkflowScan | undefined,
  stats: ValidationStats,
): ValidationContext {
  // Every field set here, even when undefined: one object shape for every workflow (and below, for every node) keeps the rules' property reads monomorphic.
  const context: ValidationContext = { workflow, catalog, policy, nodes: [], named: [], wired: new Map(), duplicateNames: undefined, unknownTypes: new Set(), scan, runGraph: undefined, stats };
  const seenTypes = new Set<string>();
  const list = workflow.nodes;
  for (let i = 0; i < list.length; i++) {
    const raw = list[i];
    if (!isObject(raw)) continue;
    const node = readNode(raw, i, context);
    if (node.type !== undefined) seenTypes.add(node.type);
  }
  stats.nodeTypes = seenTypes.size;
  stats.unknownNodeTypes = context.unknownTypes.size;
  return context;
}

function readNode(raw: Record<string, unknown>, index: number, context: ValidationContext): NodeFacts {
  const name = typeof raw.name === 'string' ? raw.name : undefined;
  const type = typeof raw.type === 'string' ? raw.type : undefined;
  const version = typeof raw.typeVersion === 'number' ? raw.typeVersion : undefined;
  const wired: WiredNode = { name: name ?? '', type, version: version ?? 0, onError: raw.onError };
  const node: NodeFacts = { raw, index, wired, path: `/nodes/${index}`, name, type, version, info: undefined, sameNameBefore: undefined };
  context.nodes.push(node);
  context.stats.nodes++;
  if (name !== undefined) {
    context.named.push(node);
    node.sameNameBefore = context.wired.get(name);
    if (node.sameNameBefore) (context.duplicateNames ??= new Set()).add(name);
    context.wired.set(name, wired);
  }
  if (type === undefined) return node;
  const info = context.catalog.get(type);
  if (!info) {
    context.unknownTypes.add(type);
    return node;
  }
  node.info = info;
  if (info.entry.trigger && raw.disabled !== true) context.stats.triggers++;
  if (version !== undefined && info.hasVersion(version)) wired.info = info;
  return node;
}

function compilePolicy(given: Partial<ValidationPolicy> | undefined): CompiledPolicy {
  const policy = mergePolicy(given);
  return { policy, allow: policy.allow ? new Set(policy.allow) : undefined, deny: new Set(policy.deny) };
}

// Callers validate many workflows under one policy: merge it once per distinct policy, not per workflow.
const DEFAULT_COMPILED_POLICY = compilePolicy(undefined);
const compiledPolicies = new Map<string, CompiledPolicy>();
const MAX_COMPILED_POLICIES = 64;

export function compiledPolicy(given: Partial<ValidationPolicy> | undefined): CompiledPolicy {
  if (given === undefined) return DEFAULT_COMPILED_POLICY;
  // Keyed by content, so a caller that changes its policy object between calls is read afresh.
  const list = (l: readonly string[] | undefined) => (l === undefined ? '-' : l.join('\n'));
  const key = `${given.strict}|${given.allowUnknownCommunity}|${list(given.deny)}|${list(given.allow)}|${list(given.allowDenied)}`;
  let compiled = compiledPolicies.get(key);
  if (!compiled) {
    compiled = compilePolicy(given);
    if (compiledPolicies.size >= MAX_COMPILED_POLICIES) compiledPolicies.clear();
    compiledPolicies.set(key, compiled);
  }
  return compiled;
}
