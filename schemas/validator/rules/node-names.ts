import { STICKY_NOTE_TYPE } from '../../graph';
import type { NodeRule } from './rule';

/** Names identify nodes in connections and expressions: two nodes of one name are an error (two sticky notes only a warning). */
export const nodeNames: NodeRule = {
  id: 'node-names',
  codes: ['DUPLICATE_NODE_NAME'],
  checkNode(node, _context, issues) {
    const earlier = node.sameNameBefore;
    if (!earlier) return;
    // Sticky notes are in neither connections nor expressions.
    const bothNotes = node.type === STICKY_NOTE_TYPE && earlier.type === STICKY_NOTE_TYPE;
    issues.add(!bothNotes, { code: 'DUPLICATE_NODE_NAME', message: `more than one node is named "${node.name}"`, node: node.name, path: `${node.path}/name` });
  },
};
