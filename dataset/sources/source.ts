/**
 * What a dataset source is: an adapter from one `--from` form to a stream of source records.
 * Each source's file exports its adapter and `index.ts` lists them; parsing `--from`, the
 * usage text, the report's source names and reading all loop over that list.
 */
import { FlowtuneError } from '../../core/errors';
import type { SourceRecord } from '../types';
import type { TemplatesDbOptions } from './templates-db';

/** A `--from` value that names no source, or one that cannot be read as given. */
export class SourceSpecError extends FlowtuneError {
  constructor(message: string) {
    super(message, { kind: 'invalid_input', setting: 'source' });
    this.name = 'SourceSpecError';
  }
}

/** Settings the sources read besides their spec (from the CLI's flags and environment). */
export interface SourceOptions {
  n8nApiKey?: string;
  /** Where the `templates` source's database comes from (a user's file, a cache, a download). */
  templates?: TemplatesDbOptions;
}

export interface SourceAdapter<Spec extends { kind: string }> {
  /** What a `--from` value starts with (`dir` in `dir:<path>`); also the spec's `kind` and the records' `provenance.source`. */
  prefix: Spec['kind'];
  /** The form as help and errors show it: `dir:<path>`. */
  usage: string;
  /** The spec from what follows `<prefix>:` (undefined: the value had no colon); undefined when that is not this source's form. */
  parse(rest: string | undefined): Spec | undefined;
  /** The spec as `--from` takes it, for the report (`parse` of its text gives the spec back). */
  describe(spec: Spec): string;
  read(spec: Spec, options: SourceOptions): AsyncIterable<SourceRecord>;
}

/** The adapter of a source given by one path (`<prefix>:<path>`). */
export function pathSource<K extends string>(prefix: K, read: (path: string) => AsyncIterable<SourceRecord>): SourceAdapter<{ kind: K; path: string }> {
  return {
    prefix,
    usage: `${prefix}:<path>`,
    parse: (rest) => (rest ? { kind: prefix, path: rest } : undefined),
    describe: (spec) => `${prefix}:${spec.path}`,
    read: (spec) => read(spec.path),
  };
}
