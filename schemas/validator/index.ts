/**
 * validateWorkflow: is this a workflow n8n will accept, built only from node types,
 * versions, parameters and wiring that exist? A pure function over plain data: no
 * I/O, never throws, never mutates its input.
 */
import { isN8nPackageType, packageOfType, type NodeCatalog } from '../catalog/catalog';
import { checkWorkflowSchema } from '../schema';
import { checkConnections, type WiredNode } from './connections';
import { DEFAULT_MAX_ISSUES, describeError, IssueCollector, pointer, type ValidationIssue, type ValidationResult, type ValidationStats } from './issues';
import { checkNodeParameters } from './parameters';
import { checkRunnable, scanWorkflow, type RuntimeNode } from './runtime';
import { mergePolicy, type ValidationPolicy } from './policy';
import { didYouMean, suggestNodeTypes } from './suggest';
import { unwrapWorkflow } from './unwrap';
import { isObject } from '../json-value';
import { STICKY_NOTE_TYPE } from '../graph';
import { checkJsonTextLimits } from '../limits';

export * from './issues';
export * from './policy';
export { unwrapWorkflow } from './unwrap';

export interface ValidateOptions {
  catalog: NodeCatalog;
  policy?: Partial<ValidationPolicy>;
  /** Issues kept per workflow (default DEFAULT_MAX_ISSUES); the rest are counted in `truncated`. */
  maxIssues?: number;
}

const emptyStats = (): ValidationStats => ({ nodes: 0, connections: 0, triggers: 0, nodeTypes: 0, unknownNodeTypes: 0 });

function result(issues: IssueCollector, stats: ValidationStats): ValidationResult {
  const { truncated } = issues;
  const valid = issues.errors.length === 0 && truncated.errors === 0;
  const out: ValidationResult = { valid, errors: issues.errors, warnings: issues.warnings, stats };
  if (truncated.errors + truncated.warnings > 0) out.truncated = { ...truncated };
  return out;
}

function parseJson(text: string): { value?: unknown; issue?: ValidationIssue } {
  const violation = checkJsonTextLimits(text);
  if (violation) return { issue: { code: 'LIMIT_EXCEEDED', message: `too large to check: ${violation.message}` } };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { issue: { code: 'INVALID_JSON', message: `not valid JSON: ${(error as Error).message}` } };
  }
}

function formatVersions(versions: number[]): string {
  return versions.join(', ');
}

export function validateWorkflow(value: unknown, options: ValidateOptions): ValidationResult {
  const issues = new IssueCollector(options.maxIssues ?? DEFAULT_MAX_ISSUES);
  const stats = emptyStats();
  try {
    validateInto(value, options, issues, stats);
  } catch (error) {
    // Defence in depth: a shape the checks did not foresee is reported, never thrown.
    issues.error({ code: 'SCHEMA', message: `cannot check this value: ${describeError(error)}` });
  }
  return result(issues, stats);
}

function validateInto(value: unknown, options: ValidateOptions, issues: IssueCollector, stats: ValidationStats): void {
  const { catalog } = options;
  const { policy, allow, deny } = compiledPolicy(options.policy);

  let input = value;
  if (typeof input === 'string') {
    const parsed = parseJson(input);
    if (parsed.issue) return issues.error(parsed.issue);
    input = parsed.value;
  }
  const { workflow } = unwrapWorkflow(input);
  // Before any recursive check: a hostile input is one error, never a stack overflow.
  // The same walk reads the expressions of node parameters for the runnable rules.
  const { violation, scan } = scanWorkflow(workflow);
  if (violation) return issues.error({ code: 'LIMIT_EXCEEDED', message: `too large to check: ${violation.message}`, ...(violation.path !== undefined ? { path: violation.path } : {}) });
  if (!isObject(workflow)) {
    issues.error({
      code: 'SCHEMA',
      message: `expected a workflow object with "nodes" and "connections", got ${Array.isArray(workflow) ? 'an array' : workflow === null ? 'null' : typeof workflow}`,
      path: '',
    });
    return;
  }
  for (const schemaIssue of checkWorkflowSchema(workflow)) issues.error(schemaIssue);
  if (!Array.isArray(workflow.nodes)) return;

  const wired = new Map<string, WiredNode>();
  const seenTypes = new Set<string>();
  const unknownTypes = new Set<string>();
  const runtimeNodes: RuntimeNode[] = [];
  const nodes: unknown[] = workflow.nodes;

  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (!isObject(node)) continue;
    stats.nodes++;
    const nodePath = `/nodes/${i}`;
    const name = typeof node.name === 'string' ? node.name : undefined;
    const type = typeof node.type === 'string' ? node.type : undefined;
    const version = typeof node.typeVersion === 'number' ? node.typeVersion : undefined;

    const wiredNode: WiredNode = { name: name ?? '', type, version: version ?? 0, onError: node.onError };
    if (name !== undefined) runtimeNodes.push({ raw: node, index: i, wired: wiredNode });
    if (name !== undefined) {
      const earlier = wired.get(name);
      if (earlier) {
        // Names identify nodes in connections and expressions; sticky notes are in neither.
        const bothNotes = type === STICKY_NOTE_TYPE && earlier.type === STICKY_NOTE_TYPE;
        issues.add(!bothNotes, { code: 'DUPLICATE_NODE_NAME', message: `more than one node is named "${name}"`, node: name, path: `${nodePath}/name` });
      }
      // As in n8n's Workflow class, the last node of a name is the one connections reach.
      wired.set(name, wiredNode);
    }
    if (type === undefined) continue;
    seenTypes.add(type);

    const info = catalog.get(type);
    const denied = listedIn(deny, type, info);
    if (denied || (allow && !listedIn(allow, type, info))) {
      issues.error({
        code: 'POLICY_DENIED_NODE',
        message: `node type "${type}" is not allowed by the policy${denied ? ' (deny list)' : ' (not on the allow list)'}`,
        node: name,
        path: `${nodePath}/type`,
      });
    }

    if (!info) {
      unknownTypes.add(type);
      const pkg = packageOfType(type);
      const community = pkg !== '' && !isN8nPackageType(type) && !catalog.hasPackage(pkg);
      const issue: ValidationIssue = {
        code: 'UNKNOWN_NODE_TYPE',
        message: community
          ? `node type "${type}" is from community package "${pkg}", which no loaded catalog describes`
          : `node type "${type}" does not exist`,
        node: name,
        path: `${nodePath}/type`,
      };
      // Past the cap the issue is only counted: skip the costly suggestion.
      const suggestion = issues.room > 0 ? didYouMean(suggestNodeTypes(type, catalog)) : undefined;
      if (suggestion) issue.suggestion = suggestion;
      issues.add(!(community && policy.allowUnknownCommunity), issue);
      continue;
    }

    const knownVersion = version !== undefined && info.hasVersion(version);
    if (version !== undefined && !knownVersion) {
      issues.error({
        code: 'UNKNOWN_TYPE_VERSION',
        message: `"${type}" has no typeVersion ${version} (versions: ${formatVersions(info.entry.versions)})`,
        node: name,
        path: `${nodePath}/typeVersion`,
        suggestion: `use typeVersion ${info.entry.defaultVersion}`,
      });
    }
    if (info.entry.trigger && node.disabled !== true) stats.triggers++;
    if (knownVersion) wiredNode.info = info;

    if (!knownVersion || !isObject(node.parameters)) continue;
    const index = info.propertiesAt(version as number);
    if (!index) continue;
    const findings = checkNodeParameters(
      node.parameters,
      index,
      { nodeName: name ?? `#${i}`, type, version: version as number, tool: info.isTool, path: `${nodePath}/parameters`, room: issues.room },
    );
    for (const e of findings.errors) issues.error(e);
    for (const m of findings.missingRequired) issues.add(policy.strict, m);
  }

  stats.nodeTypes = seenTypes.size;
  stats.unknownNodeTypes = unknownTypes.size;
  stats.connections = checkConnections(workflow.connections, wired, issues);
  checkRunnable(runtimeNodes, wired, workflow.connections, workflow.nodes.length, issues, scan);

  if (stats.triggers === 0 && !hasUnknownTriggerLikeType(unknownTypes)) {
    issues.warning({ code: 'NO_TRIGGER', message: 'no enabled trigger node: nothing starts this workflow', path: pointer('nodes') });
  }
}

/**
 * A policy on a node type covers its runtime Tool variant: denying Execute Command
 * must also keep an AI agent from running shell commands through executeCommandTool.
 */
function listedIn(list: ReadonlySet<string>, type: string, info: ReturnType<NodeCatalog['get']>): boolean {
  return list.has(type) || (info?.entry.toolOf !== undefined && list.has(info.entry.toolOf));
}

interface CompiledPolicy {
  policy: ValidationPolicy;
  allow: ReadonlySet<string> | undefined;
  deny: ReadonlySet<string>;
}

function compilePolicy(given: Partial<ValidationPolicy> | undefined): CompiledPolicy {
  const policy = mergePolicy(given);
  return { policy, allow: policy.allow ? new Set(policy.allow) : undefined, deny: new Set(policy.deny) };
}

// Callers validate many workflows under one policy: merge it once per distinct policy, not per workflow.
const DEFAULT_COMPILED_POLICY = compilePolicy(undefined);
const compiledPolicies = new Map<string, CompiledPolicy>();
const MAX_COMPILED_POLICIES = 64;

function compiledPolicy(given: Partial<ValidationPolicy> | undefined): CompiledPolicy {
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

/** A type missing from the catalog named "…Trigger" may well start the workflow: do not claim otherwise. */
function hasUnknownTriggerLikeType(types: Set<string>): boolean {
  for (const t of types) if (/trigger$/i.test(t)) return true;
  return false;
}
