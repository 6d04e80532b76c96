/**
 * Workflows arrive wrapped: template records `{name, description, workflow}`, the
 * n8n.io API shape `{workflow: {name, workflow: {nodes, connections}}}`, corpus
 * records. Descend through `workflow` properties until something with `nodes`.
 */
import { isObject } from '../json-value';

export interface Unwrapped {
  workflow: unknown;
  /** The nearest wrapper's name, when the workflow itself has none. */
  name?: string;
}

export function unwrapWorkflow(value: unknown): Unwrapped {
  let current = value;
  let name: string | undefined;
  for (let depth = 0; depth < 4 && isObject(current) && !Array.isArray(current.nodes) && isObject(current.workflow); depth++) {
    if (typeof current.name === 'string') name = current.name;
    current = current.workflow;
  }
  if (isObject(current) && typeof current.name === 'string') name = current.name;
  return name === undefined ? { workflow: current } : { workflow: current, name };
}
