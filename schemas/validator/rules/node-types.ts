import { isN8nPackageType, packageOfType } from '../../catalog/catalog';
import type { ValidationIssue } from '../issues';
import { didYouMean, suggestNodeTypes } from '../suggest';
import type { NodeRule } from './rule';

/** Every node type, and its typeVersion, exists in the catalog. */
export const nodeTypes: NodeRule = {
  id: 'node-types',
  codes: ['UNKNOWN_NODE_TYPE', 'UNKNOWN_TYPE_VERSION'],
  checkNode(node, context, issues) {
    const { type, info, version } = node;
    if (type === undefined) return;
    if (!info) {
      const { catalog, policy } = context;
      const pkg = packageOfType(type);
      const community = pkg !== '' && !isN8nPackageType(type) && !catalog.hasPackage(pkg);
      const issue: ValidationIssue = {
        code: 'UNKNOWN_NODE_TYPE',
        message: community ? `node type "${type}" is from community package "${pkg}", which no loaded catalog describes` : `node type "${type}" does not exist`,
        node: node.name,
        path: `${node.path}/type`,
      };
      // Past the cap the issue is only counted: skip the costly suggestion.
      const suggestion = issues.room > 0 ? didYouMean(suggestNodeTypes(type, catalog)) : undefined;
      if (suggestion) issue.suggestion = suggestion;
      issues.add(!(community && policy.policy.allowUnknownCommunity), issue);
      return;
    }
    if (version === undefined || node.wired.info) return;
    issues.error({
      code: 'UNKNOWN_TYPE_VERSION',
      message: `"${type}" has no typeVersion ${version} (versions: ${info.entry.versions.join(', ')})`,
      node: node.name,
      path: `${node.path}/typeVersion`,
      suggestion: `use typeVersion ${info.entry.defaultVersion}`,
    });
  },
};
