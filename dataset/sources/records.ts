/** Turning parsed JSON values into source records (shared by the file-based sources). */
import type { Provenance, SourceRecord } from '../types';
import { isObject } from '../../schemas/json-value';

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/**
 * Lift the human name / description out of the wrappers n8n workflows travel in:
 * template records `{name, description, workflow}`, the n8n.io API shape
 * `{workflow: {name, description, workflow: {...}}}`, corpus records.
 */
export function recordFromObject(value: Record<string, unknown>, provenance: Provenance): SourceRecord {
  const record: SourceRecord = { provenance, workflow: value };
  let current: unknown = value;
  for (let depth = 0; depth < 4 && isObject(current); depth++) {
    record.name ??= text(current.name);
    record.description ??= text(current.description);
    if (typeof current.views === 'number' && record.views === undefined) record.views = current.views;
    if (Array.isArray(current.nodes) || !isObject(current.workflow)) break;
    current = current.workflow;
  }
  return record;
}

export function* recordsFromValue(value: unknown, provenance: Provenance): Generator<SourceRecord> {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield { provenance, error: 'empty array' };
      return;
    }
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const ref = { ...provenance, ref: `${provenance.ref}[${i}]` };
      yield isObject(item) ? recordFromObject(item, ref) : { provenance: ref, error: 'array element is not an object' };
    }
    return;
  }
  if (!isObject(value)) {
    yield { provenance, error: `expected a workflow object, got ${value === null ? 'null' : typeof value}` };
    return;
  }
  yield recordFromObject(value, provenance);
}
