/**
 * Seeded train/validation split, stratified by trigger kind, with every structural
 * group (same node types and typed edges) on one side only, so validation never
 * scores a model on a near-copy of a training example. Deterministic: groups are
 * ordered by a seeded hash, not by a random generator.
 */
import type { NodeCatalog } from '../schemas/catalog/catalog';
import { sha1 } from '../util/hash';
import type { Workflow } from './types';

/** Share of the examples held out for validation by `flowtune dataset build` (and the bench, the tests). */
export const DEFAULT_VALIDATION_SPLIT = 0.1;

/**
 * The Fine-Tune node's Validation Split default (Dataset → Build Training Data; Job → Create, split from the
 * examples). It differs from DEFAULT_VALIDATION_SPLIT on purpose: n8n saves only values that differ from a
 * property's default, so every workflow saved with the node's default holds no value and would take a new
 * default on its next run — a changed split, so a different model. Versions 1 and 1.1 keep 0.2; a new node
 * version may take DEFAULT_VALIDATION_SPLIT. The node's descriptions hold it as a literal (n8n's lint), which
 * test/dataset/split.test.ts checks against this.
 */
export const NODE_VALIDATION_SPLIT = 0.2;

export interface SplitItem {
  stratum: string;
  group: string;
}

/** Indices of the items that go to validation. */
export function splitValidation(items: SplitItem[], fraction: number, seed: number): Set<number> {
  const validation = new Set<number>();
  if (fraction <= 0) return validation;
  const strata = new Map<string, Map<string, number[]>>();
  items.forEach((item, i) => {
    const groups = strata.get(item.stratum) ?? strata.set(item.stratum, new Map()).get(item.stratum)!;
    const members = groups.get(item.group) ?? groups.set(item.group, []).get(item.group)!;
    members.push(i);
  });
  for (const stratum of [...strata.keys()].sort()) {
    const groups = strata.get(stratum)!;
    const size = [...groups.values()].reduce((n, g) => n + g.length, 0);
    const wanted = Math.round(size * fraction);
    const order = [...groups.keys()].sort((a, b) => {
      const ha = sha1(`${seed}:${a}`);
      const hb = sha1(`${seed}:${b}`);
      return ha < hb ? -1 : ha > hb ? 1 : 0;
    });
    let taken = 0;
    for (const group of order) {
      if (taken >= wanted) break;
      const members = groups.get(group)!;
      // Never overshoot by more than half a group: keeps small strata near the fraction.
      if (taken + members.length - wanted > members.length / 2 && taken > 0) continue;
      for (const i of members) validation.add(i);
      taken += members.length;
    }
  }
  return validation;
}

/** What starts the workflow: the stratum of the split and a column of the report. */
export function triggerKind(workflow: Workflow, catalog: NodeCatalog): string {
  const kinds = new Set<string>();
  for (const node of workflow.nodes) {
    const info = catalog.get(node.type);
    if (!info?.entry.trigger) continue;
    const short = node.type.slice(node.type.lastIndexOf('.') + 1);
    if (/^(webhook|formTrigger)$/.test(short)) kinds.add('webhook');
    else if (/^(scheduleTrigger|cron|interval)$/.test(short)) kinds.add('schedule');
    else if (/chatTrigger$/i.test(short)) kinds.add('chat');
    else if (short === 'manualTrigger') kinds.add('manual');
    else if (short === 'executeWorkflowTrigger') kinds.add('sub-workflow');
    else kinds.add('app event');
  }
  if (kinds.size === 0) return 'none';
  return [...kinds].sort().join('+');
}
