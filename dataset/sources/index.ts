/**
 * The source registry: `--from` specs → one stream of source records, in the order given. A new
 * source: its file (reader + `SourceAdapter`) and one line in `SOURCES`.
 */
import { DIR_SOURCE } from './directory';
import { JSONL_SOURCE } from './jsonl';
import { N8N_SOURCE } from './n8n';
import { TEMPLATES_SOURCE } from './templates';
import { SourceSpecError, type SourceAdapter, type SourceOptions } from './source';
import type { SourceRecord } from '../types';

export { SourceSpecError, type SourceAdapter, type SourceOptions } from './source';

/** In the order usage text lists them; the first is the default `--from`. */
export const SOURCES = [TEMPLATES_SOURCE, DIR_SOURCE, JSONL_SOURCE, N8N_SOURCE] as const;

type SpecOf<A> = A extends SourceAdapter<infer Spec> ? Spec : never;
export type SourceSpec = SpecOf<(typeof SOURCES)[number]>;
/** A source's name: its `--from` prefix, the spec's `kind`, the records' `provenance.source`. */
export type SourceKind = SourceSpec['kind'];

/** The source used when `--from` is not given. */
export const DEFAULT_SOURCE = SOURCES[0].prefix;

/** "templates, dir:<path>, jsonl:<path> or n8n:<baseUrl>" (`mark` appended to the default's usage). */
export function sourceUsages(mark = ''): string {
  const usages = SOURCES.map((s) => (s.prefix === DEFAULT_SOURCE ? `${s.usage}${mark}` : s.usage));
  return `${usages.slice(0, -1).join(', ')} or ${usages.at(-1)}`;
}

// One adapter for any spec: each adapter takes only its own kind, which `adapterFor` guarantees.
const adapterFor = (kind: SourceKind) => SOURCES.find((s) => s.prefix === kind) as SourceAdapter<SourceSpec>;

export function parseSourceSpec(spec: string): SourceSpec {
  const colon = spec.indexOf(':');
  const prefix = colon > 0 ? spec.slice(0, colon) : spec;
  const rest = colon > 0 ? spec.slice(colon + 1) : undefined;
  const parsed = SOURCES.find((s) => s.prefix === prefix)?.parse(rest);
  if (!parsed) throw new SourceSpecError(`unknown source "${spec}": use ${sourceUsages()}`);
  return parsed;
}

/** The spec as `--from` takes it (the report's list of sources). */
export function describeSourceSpec(spec: SourceSpec): string {
  return adapterFor(spec.kind).describe(spec);
}

export async function* readSources(specs: SourceSpec[], options: SourceOptions = {}): AsyncGenerator<SourceRecord> {
  for (const spec of specs) yield* adapterFor(spec.kind).read(spec, options);
}
