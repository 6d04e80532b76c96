import { isObject } from '../../json-value';
import { checkNodeParameters } from '../parameters';
import type { NodeRule } from './rule';

/** Parameters against the catalog properties of the node's type and version (checkNodeParameters). */
export const parameters: NodeRule = {
  id: 'parameters',
  codes: ['UNKNOWN_PARAMETER', 'INVALID_OPTION_VALUE', 'MISSING_REQUIRED_PARAMETER'],
  checkNode(node, context, issues) {
    // wired.info is set only when the catalog has the type at this version.
    const info = node.wired.info;
    const params = node.raw.parameters;
    if (!info || !isObject(params)) return;
    const version = node.version as number;
    const index = info.propertiesAt(version);
    if (!index) return;
    const findings = checkNodeParameters(params, index, {
      nodeName: node.name ?? `#${node.index}`,
      type: node.type as string,
      version,
      tool: info.isTool,
      path: `${node.path}/parameters`,
      room: issues.room,
    });
    for (const e of findings.errors) issues.error(e);
    for (const m of findings.missingRequired) issues.add(context.policy.policy.strict, m);
  },
};
