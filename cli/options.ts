/** Options every command shares: extra catalogs and the validation policy. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { prepareCatalog } from '../schemas/catalog/load';
import type { NodeCatalog } from '../schemas/catalog/catalog';
import { mergePolicy, parsePolicy, type ValidationPolicy } from '../schemas/validator/policy';
import { UsageError } from './errors';
import { isExactVersion } from '../schemas/catalog/versions';

export interface CommonOptions {
  catalog: string[];
  /** Check against exactly this n8n release (its catalog replaces the stock one). */
  n8nVersion?: string;
  policy?: string;
  strict?: boolean;
  allowUnknownCommunity?: boolean;
}

/** Commander's argument parser of a repeatable option: each use adds its value. */
export const collect = (value: string, previous: string[]) => [...previous, value];

export function addCatalogOption(command: Command): Command {
  return command
    .option('--catalog <file>', 'merge an extra catalog file (repeatable)', collect, [])
    .option('--n8n-version <version>', 'check against exactly this n8n release (e.g. 1.81.4): its catalog replaces the built-in one; built from npm once, then cached');
}

export function addPolicyOptions(command: Command): Command {
  return command
    .option('--policy <file>', 'policy JSON: {"deny": [...], "allowDenied": [...], "allow": [...], "strict": bool, "allowUnknownCommunity": bool}; deny adds to the default deny list (Execute Command, SSH), only allowDenied lifts a default entry')
    .option('--strict', 'missing required parameters are errors, not warnings')
    .option('--allow-unknown-community', 'community node types no catalog knows are warnings, not errors');
}

/** The catalog the options name; with --n8n-version, built into the cache folder first if needed. */
export async function catalogFrom(options: CommonOptions, log?: (line: string) => void): Promise<NodeCatalog> {
  if (options.n8nVersion !== undefined && !isExactVersion(options.n8nVersion)) {
    throw new UsageError(`--n8n-version must be an exact n8n version like 1.81.4 (got "${options.n8nVersion}")`);
  }
  return prepareCatalog({ files: options.catalog ?? [], n8nVersion: options.n8nVersion, log });
}

export function policyFrom(options: CommonOptions): ValidationPolicy {
  let policy: ValidationPolicy = mergePolicy();
  if (options.policy) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(options.policy, 'utf8'));
    } catch (error) {
      throw new Error(`${options.policy}: cannot read policy (${(error as Error).message})`);
    }
    policy = parsePolicy(raw, options.policy);
  }
  if (options.strict) policy.strict = true;
  if (options.allowUnknownCommunity) policy.allowUnknownCommunity = true;
  return policy;
}

/** A numeric option within bounds; anything else is a usage error naming the flag and the value. */
export function numberOption(value: string, flag: string, { min, max, integer }: { min: number; max: number; integer?: boolean }): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (got "${value}")`);
  }
  return n;
}

/** `--timeout <seconds>`: how long one call to a server may take before it is abandoned. */
export function addTimeoutOption(command: Command, defaultSeconds: number, server = 'the server'): Command {
  return command.option('--timeout <seconds>', `give up on ${server} when one call takes longer than this many seconds (connecting, retries and the answer included)`, String(defaultSeconds));
}

/** The `--timeout` value in milliseconds (a usage error unless a number of seconds from 1 to 86,400). */
export function timeoutOption(value: string): number {
  return numberOption(value, '--timeout', { min: 1, max: 86_400 }) * 1000;
}
