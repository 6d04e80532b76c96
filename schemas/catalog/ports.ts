/**
 * Connection ports of a node description, with n8n's `required` / `maxConnections`.
 * Ports computed by an expression (`={{ ((parameters) => …)($parameter) }}`: AI Agent,
 * chains, vector stores, Merge) are evaluated here, at build time, over n8n's own
 * trusted descriptions, for every combination of the parameter values they read, so
 * the validator looks results up instead of running code.
 */
import * as vm from 'node:vm';
import type { CatalogPorts, CatalogProperty, PortCase, PortLimit } from './types';

const KNOWN_CONNECTION_TYPE = /["'`](main|ai_[A-Za-z]+)["'`]/g;
/** Past this many combinations the ports stay "depends on parameters" (no checks). */
const MAX_CASES = 400;

interface StaticPorts {
  types: string[];
  limits?: Array<PortLimit | null>;
}

function readPortList(raw: unknown[]): StaticPorts {
  const types: string[] = [];
  const limits: Array<PortLimit | null> = [];
  for (const port of raw) {
    const p = port as Record<string, unknown> | string | null | undefined;
    types.push(typeof p === 'string' ? p : typeof p?.type === 'string' ? p.type : 'main');
    const limit: PortLimit = {};
    if (typeof p === 'object' && p !== null) {
      if (p.required === true) limit.required = true;
      if (typeof p.maxConnections === 'number' && Number.isFinite(p.maxConnections)) limit.max = p.maxConnections;
    }
    limits.push(Object.keys(limit).length > 0 ? limit : null);
  }
  return limits.some((l) => l !== null) ? { types, limits } : { types };
}

/** Values a parameter can take that the editor offers: a closed list, or undefined when open. */
function closedValues(name: string, properties: CatalogProperty[]): unknown[] | undefined {
  const defs = properties.filter((p) => p.name === name);
  if (defs.length === 0) return [];
  const values = new Set<unknown>();
  for (const d of defs) {
    if (d.type === 'boolean') [true, false].forEach((v) => values.add(v));
    else if (d.type === 'options' && !d.dynamicOptions) (d.options ?? []).forEach((v) => values.add(v));
    else if (d.type === 'hidden') values.add(d.default); // fixed by the node, e.g. the Agent's type from 1.8 on
    else return undefined;
  }
  return [...values];
}

function evaluate(code: string, parameters: Record<string, unknown>, reads: Set<string>): unknown {
  const $parameter = new Proxy(parameters, {
    get(target, key) {
      if (typeof key === 'string') reads.add(key);
      return typeof key === 'string' ? target[key] : undefined;
    },
  });
  return vm.runInNewContext(code, { $parameter }, { timeout: 100 });
}

function combinations(reads: string[], values: Map<string, unknown[]>): Array<Record<string, unknown>> {
  let out: Array<Record<string, unknown>> = [{}];
  for (const key of reads) {
    const next: Array<Record<string, unknown>> = [];
    for (const partial of out) {
      next.push(partial); // unset
      for (const v of values.get(key) ?? []) next.push({ ...partial, [key]: v });
    }
    out = next;
    if (out.length > MAX_CASES) return [];
  }
  return out;
}

/** Evaluate expression ports for every combination of the parameters they read; undefined when that cannot be done. */
function evaluateCases(raw: string, properties: CatalogProperty[]): { reads: string[]; cases: PortCase[] } | undefined {
  const body = raw.trim().replace(/^=\{\{/, '').replace(/\}\}$/, '');
  const reads = new Set<string>();
  const values = new Map<string, unknown[]>();
  try {
    // Grow the set of read parameters until every combination reads no new one.
    for (let round = 0; round < 6; round++) {
      const known = [...reads];
      for (const key of known) {
        if (values.has(key)) continue;
        const closed = closedValues(key, properties);
        if (closed === undefined) return undefined;
        values.set(key, closed);
      }
      const combos = combinations(known, values);
      if (known.length > 0 && combos.length === 0) return undefined;
      const cases: PortCase[] = [];
      for (const when of combos.length > 0 ? combos : [{}]) {
        const result = evaluate(body, { ...when }, reads);
        if (!Array.isArray(result)) return undefined;
        const ports = readPortList(result);
        cases.push({ when, ...ports });
      }
      if (reads.size === known.length) return { reads: known, cases };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export function compactPorts(raw: unknown, properties: CatalogProperty[] = []): CatalogPorts {
  if (typeof raw === 'string') {
    // Expression-valued ports (`={{ … }}`): remember which types the code can produce.
    const possible = [...new Set([...raw.matchAll(KNOWN_CONNECTION_TYPE)].map((m) => m[1]))].sort();
    const ports: CatalogPorts = { types: [], dynamic: true, possible };
    const cases = evaluateCases(raw, properties);
    if (cases) ports.cases = cases;
    return ports;
  }
  if (!Array.isArray(raw)) return { types: [] };
  return readPortList(raw);
}
