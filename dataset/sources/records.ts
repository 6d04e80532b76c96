/** Turning parsed JSON values into source records (shared by the file-based sources). */
import type { Provenance, SourceRecord } from '../types';
import { isObject } from '../../schemas/json-value';

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** Where collections keep a workflow's human name and description: the n8n export, template records, corpus dumps. */
export const NAME_KEYS = ['name', '_templateName', 'templateName', 'template_name', 'workflowName', 'title'] as const;
export const DESCRIPTION_KEYS = ['description', '_templateDescription', 'templateDescription', 'template_description', 'workflowDescription'] as const;
/** The same under `meta` (`meta.templateName`, `meta.templateDescription`, `meta.description`). */
const META_NAME_KEYS = ['templateName', 'name', 'title'] as const;
const META_DESCRIPTION_KEYS = ['templateDescription', 'description'] as const;

/** The first non-empty text among `keys` of `value`, then of `value.meta`. */
function firstText(value: Record<string, unknown>, keys: readonly string[], metaKeys: readonly string[]): string | undefined {
  for (const key of keys) {
    const found = text(value[key]);
    if (found !== undefined) return found;
  }
  const meta = value.meta;
  if (!isObject(meta)) return undefined;
  for (const key of metaKeys) {
    const found = text(meta[key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A workflow's (or its wrapper's) human name under any of the common keys. */
export const humanName = (value: Record<string, unknown>) => firstText(value, NAME_KEYS, META_NAME_KEYS);
/** A workflow's (or its wrapper's) human description under any of the common keys. */
export const humanDescription = (value: Record<string, unknown>) => firstText(value, DESCRIPTION_KEYS, META_DESCRIPTION_KEYS);

/**
 * Lift the human name / description out of the wrappers n8n workflows travel in:
 * template records `{name, description, workflow}`, the n8n.io API shape
 * `{workflow: {name, description, workflow: {...}}}`, corpus records — under any of the
 * common key spellings (`_templateName`, `meta.templateDescription`, …).
 */
export function recordFromObject(value: Record<string, unknown>, provenance: Provenance): SourceRecord {
  const record: SourceRecord = { provenance, workflow: value };
  let current: unknown = value;
  for (let depth = 0; depth < 4 && isObject(current); depth++) {
    record.name ??= humanName(current);
    record.description ??= humanDescription(current);
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
