/**
 * Wiring checks: every connection joins existing nodes, leaves from an output the
 * source has, and carries a connection type the source can emit and the target accept.
 */
import type { NodeTypeInfo } from '../catalog/catalog';
import type { CatalogPorts } from '../catalog/types';
import { type IssueCollector, pointer } from './issues';
import { isObject } from '../json-value';

export interface WiredNode {
  name: string;
  type?: string;
  /** Undefined when the type (or version) is not in the catalog: nothing to check against. */
  info?: NodeTypeInfo;
  version: number;
  onError?: unknown;
}

function ports(node: WiredNode, side: 'inputs' | 'outputs'): CatalogPorts | undefined {
  return node.info?.variantFor(node.version)?.[side];
}

/** Can these ports carry `type`? Unknown dynamic ports accept anything. */
function portsAllow(p: CatalogPorts, type: string): boolean {
  if (p.dynamic) return !p.possible || p.possible.length === 0 || p.possible.includes(type);
  return p.types.includes(type);
}

/** How many outputs of `type` the source has; undefined when it depends on parameters. */
function outputCount(node: WiredNode, type: string): number | undefined {
  const p = ports(node, 'outputs');
  if (!p || p.dynamic) return undefined;
  const count = p.types.filter((t) => t === type).length;
  // onError: continueErrorOutput appends one extra main output for failed items.
  return type === 'main' && node.onError === 'continueErrorOutput' ? count + 1 : count;
}

function describePorts(p: CatalogPorts): string {
  if (p.dynamic) return p.possible && p.possible.length > 0 ? p.possible.join(', ') : 'depends on parameters';
  return p.types.length > 0 ? [...new Set(p.types)].join(', ') : 'none';
}

/** Where a connection sits: `/connections/<source>/<type>/<output>/<entry>`; built only for an issue. */
function connectionPath(sourceName: string, connectionType: string, output: number, entry: number): string {
  return pointer('connections', sourceName, connectionType, output, entry);
}

export function checkConnections(connections: unknown, nodes: Map<string, WiredNode>, issues: IssueCollector): number {
  if (!isObject(connections)) return 0;
  let count = 0;
  for (const sourceName of Object.keys(connections)) {
    const byType = connections[sourceName];
    const source = nodes.get(sourceName);
    if (!source) {
      issues.error({
        code: 'CONNECTION_UNKNOWN_NODE',
        message: `connections start at "${sourceName}", which is not a node of this workflow`,
        node: sourceName,
        path: pointer('connections', sourceName),
      });
    }
    if (!isObject(byType)) continue;
    for (const connectionType of Object.keys(byType)) {
      const outputs = byType[connectionType];
      if (!Array.isArray(outputs)) continue;
      const sourcePorts = source ? ports(source, 'outputs') : undefined;
      const emits = !sourcePorts || portsAllow(sourcePorts, connectionType);
      const available = source ? outputCount(source, connectionType) : undefined;
      let reportedType = false;
      for (let outputIndex = 0; outputIndex < outputs.length; outputIndex++) {
        const targets: unknown = outputs[outputIndex];
        if (!Array.isArray(targets)) continue;
        for (let i = 0; i < targets.length; i++) {
          const target: unknown = targets[i];
          if (!isObject(target)) continue;
          count++;
          if (!emits && !reportedType && sourcePorts && source) {
            reportedType = true;
            issues.error({
              code: 'CONNECTION_BAD_TYPE',
              message: `"${sourceName}" cannot emit "${connectionType}" connections (its outputs: ${describePorts(sourcePorts)})`,
              node: sourceName,
              path: pointer('connections', sourceName, connectionType),
            });
          } else if (emits && available !== undefined && outputIndex >= available) {
            issues.error({
              code: 'CONNECTION_BAD_OUTPUT_INDEX',
              message: `"${sourceName}" has ${available} "${connectionType}" output(s); output index ${outputIndex} does not exist`,
              node: sourceName,
              path: connectionPath(sourceName, connectionType, outputIndex, i),
            });
          }
          checkTarget(target, connectionType, sourceName, nodes, outputIndex, i, issues);
        }
      }
    }
  }
  return count;
}

function checkTarget(
  target: Record<string, unknown>,
  connectionType: string,
  sourceName: string,
  nodes: Map<string, WiredNode>,
  output: number,
  entry: number,
  issues: IssueCollector,
): void {
  const targetName = target.node;
  if (typeof targetName !== 'string') return;
  const node = nodes.get(targetName);
  if (!node) {
    issues.error({
      code: 'CONNECTION_UNKNOWN_NODE',
      message: `"${sourceName}" connects to "${targetName}", which is not a node of this workflow`,
      node: sourceName,
      path: `${connectionPath(sourceName, connectionType, output, entry)}/node`,
    });
    return;
  }
  const inputType = typeof target.type === 'string' ? target.type : connectionType;
  if (inputType !== connectionType) {
    issues.error({
      code: 'CONNECTION_BAD_TYPE',
      message: `connection listed under "${connectionType}" declares type "${inputType}"; both must be the same connection type`,
      node: sourceName,
      path: `${connectionPath(sourceName, connectionType, output, entry)}/type`,
    });
    return;
  }
  const inputPorts = ports(node, 'inputs');
  if (inputPorts && !portsAllow(inputPorts, inputType)) {
    issues.error({
      code: 'CONNECTION_BAD_TYPE',
      message: `"${targetName}" cannot accept "${inputType}" connections (its inputs: ${describePorts(inputPorts)})`,
      node: targetName,
      path: connectionPath(sourceName, connectionType, output, entry),
    });
  }
}
