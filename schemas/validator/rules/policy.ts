import type { NodeTypeInfo } from '../../catalog/catalog';
import type { NodeRule } from './rule';

/** The policy's deny and allow lists (ValidationPolicy). */
export const policyNodes: NodeRule = {
  id: 'policy',
  codes: ['POLICY_DENIED_NODE'],
  checkNode(node, context, issues) {
    const { type } = node;
    if (type === undefined) return;
    const { allow, deny } = context.policy;
    const denied = listedIn(deny, type, node.info);
    if (!denied && !(allow && !listedIn(allow, type, node.info))) return;
    issues.error({
      code: 'POLICY_DENIED_NODE',
      message: `node type "${type}" is not allowed by the policy${denied ? ' (deny list)' : ' (not on the allow list)'}`,
      node: node.name,
      path: `${node.path}/type`,
    });
  },
};

/**
 * A policy on a node type covers its runtime Tool variant: denying Execute Command
 * must also keep an AI agent from running shell commands through executeCommandTool.
 */
function listedIn(list: ReadonlySet<string>, type: string, info: NodeTypeInfo | undefined): boolean {
  return list.has(type) || (info?.entry.toolOf !== undefined && list.has(info.entry.toolOf));
}
