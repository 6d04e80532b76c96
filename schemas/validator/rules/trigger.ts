import { pointer } from '../issues';
import type { WorkflowRule } from './rule';

/** Something starts the workflow: an enabled trigger node (a warning). */
export const trigger: WorkflowRule = {
  id: 'trigger',
  codes: ['NO_TRIGGER'],
  check(context, issues) {
    if (context.stats.triggers > 0 || hasUnknownTriggerLikeType(context.unknownTypes)) return;
    issues.warning({ code: 'NO_TRIGGER', message: 'no enabled trigger node: nothing starts this workflow', path: pointer('nodes') });
  },
};

/** A type missing from the catalog named "…Trigger" may well start the workflow: do not claim otherwise. */
function hasUnknownTriggerLikeType(types: Set<string>): boolean {
  for (const t of types) if (/trigger$/i.test(t)) return true;
  return false;
}
