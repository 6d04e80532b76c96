/**
 * Pure transformation: n8n node descriptions (the content of a package's
 * `dist/types/nodes.json`, or of a running n8n's `/types/nodes.json`) → catalog.
 * No I/O here; fetching lives in fetch.ts.
 */
import type {
  Catalog,
  CatalogGroup,
  CatalogNodeType,
  CatalogProperty,
  CatalogSource,
  CatalogVariant,
  DisplayRule,
} from './types';
import { CATALOG_FORMAT_VERSION } from './types';
import { compactPorts } from './ports';

/** The loosely typed shape of one entry of nodes.json; only fields we read. */
export interface RawNodeDescription {
  name: string;
  displayName?: string;
  description?: string;
  group?: string[];
  version: number | number[];
  defaultVersion?: number;
  inputs?: unknown;
  outputs?: unknown;
  credentials?: Array<{ name?: string }>;
  properties?: RawProperty[];
  usableAsTool?: unknown;
  /** Webhook descriptions (only whether there are any is kept). */
  webhooks?: unknown;
  polling?: boolean;
  hidden?: boolean;
  supportsCORS?: boolean;
  /** Present on declarative (routing-based) nodes. */
  requestDefaults?: unknown;
}

interface RawProperty {
  name?: string;
  type?: string;
  default?: unknown;
  required?: boolean;
  options?: Array<Record<string, unknown>>;
  values?: RawProperty[];
  modes?: Array<{ name?: string }>;
  typeOptions?: Record<string, unknown>;
  displayOptions?: { show?: DisplayRule; hide?: DisplayRule };
}

export interface PackageDescriptions {
  /** npm package name; becomes the type prefix (`n8n-nodes-base`, `@n8n/n8n-nodes-langchain`). */
  package: string;
  version: string;
  descriptions: RawNodeDescription[];
  /** Served by a running n8n: its list already holds the Tool / HitlTool types it generated. */
  runtimeTypesIncluded?: boolean;
}

function toVersions(version: number | number[]): number[] {
  const list = Array.isArray(version) ? version : [version];
  return list.filter((v) => typeof v === 'number' && Number.isFinite(v));
}

function compactRule(rule: DisplayRule | undefined): DisplayRule | undefined {
  if (!rule || typeof rule !== 'object') return undefined;
  const keys = Object.keys(rule).filter((k) => Array.isArray(rule[k]));
  if (keys.length === 0) return undefined;
  const out: DisplayRule = {};
  for (const k of keys) out[k] = rule[k];
  return out;
}

function compactProperty(raw: RawProperty): CatalogProperty | undefined {
  // Notices may have an empty name; the editor still stores `"": ""` for them.
  if (typeof raw?.name !== 'string') return undefined;
  const prop: CatalogProperty = { name: raw.name, type: typeof raw.type === 'string' ? raw.type : 'string' };
  if (raw.default !== undefined) prop.default = raw.default;
  if (raw.required === true) prop.required = true;
  const typeOptions = raw.typeOptions ?? {};
  if (prop.type === 'options' || prop.type === 'multiOptions') {
    prop.options = (raw.options ?? []).map((o) => o.value);
    if (typeOptions.loadOptionsMethod || typeOptions.loadOptions) prop.dynamicOptions = true;
  } else if (prop.type === 'collection') {
    prop.children = compactProperties(raw.options as RawProperty[] | undefined);
  } else if (prop.type === 'fixedCollection') {
    prop.groups = (raw.options ?? [])
      .filter((o) => typeof o.name === 'string')
      .map(
        (o): CatalogGroup => ({
          name: o.name as string,
          children: compactProperties(o.values as RawProperty[] | undefined),
        }),
      );
  } else if (prop.type === 'resourceLocator' && Array.isArray(raw.modes)) {
    prop.modes = raw.modes.map((m) => m.name).filter((n): n is string => typeof n === 'string');
  }
  if (typeOptions.multipleValues === true) prop.multipleValues = true;
  if (typeOptions.password === true) prop.secret = true;
  const show = compactRule(raw.displayOptions?.show);
  const hide = compactRule(raw.displayOptions?.hide);
  if (show) prop.show = show;
  if (hide) prop.hide = hide;
  return prop;
}

function compactProperties(raw: RawProperty[] | undefined): CatalogProperty[] {
  if (!Array.isArray(raw)) return [];
  return raw.map(compactProperty).filter((p): p is CatalogProperty => p !== undefined);
}

/** Parameters n8n's loader adds to descriptions at startup (so real workflows carry them). */
function loaderAddedProperties(desc: RawNodeDescription, properties: CatalogProperty[]): CatalogProperty[] {
  const added: CatalogProperty[] = [];
  if (desc.polling === true && !properties.some((p) => p.name === 'pollTimes')) {
    added.push({ name: 'pollTimes', type: 'fixedCollection', default: { item: [{ mode: 'everyMinute' }] }, opaque: true });
  }
  if (desc.requestDefaults !== undefined && !properties.some((p) => p.name === 'requestOptions')) {
    // Declarative nodes get a "request options" collection (batching, proxy, timeout…).
    added.push({ name: 'requestOptions', type: 'collection', default: {}, opaque: true });
  }
  if (desc.supportsCORS === true) {
    const options = properties.find((p) => p.name === 'options' && p.type === 'collection');
    const corsTarget = options?.children ?? added;
    if (!corsTarget.some((p) => p.name === 'allowedOrigins')) {
      corsTarget.push({ name: 'allowedOrigins', type: 'string', default: '*' });
    }
  }
  return [...added, ...properties];
}

/** Triggers start executions: n8n marks them with group 'trigger' (pollers also set `polling`). */
function isTriggerDescription(desc: RawNodeDescription): boolean {
  return !!desc.group?.includes('trigger') || desc.polling === true;
}

/**
 * Values other properties' displayOptions still react to, although no definition of
 * the parameter offers them any more (Code node `language: 'python'`): n8n still
 * knows them, so workflows that carry them are not hallucinating.
 */
function addLegacyOptions(properties: CatalogProperty[]): void {
  const offered = new Map<string, Set<unknown>>();
  const walk = (props: CatalogProperty[], visit: (p: CatalogProperty) => void) => {
    for (const p of props) {
      visit(p);
      if (p.children) walk(p.children, visit);
      for (const g of p.groups ?? []) walk(g.children, visit);
    }
  };
  walk(properties, (p) => {
    if (p.options) for (const o of p.options) (offered.get(p.name) ?? offered.set(p.name, new Set()).get(p.name)!).add(o);
  });
  const referenced = new Map<string, Set<unknown>>();
  walk(properties, (p) => {
    for (const rule of [p.show, p.hide]) {
      for (const [key, values] of Object.entries(rule ?? {})) {
        const name = key.startsWith('/') ? key.slice(1) : key;
        for (const v of values) {
          if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') continue;
          if (offered.get(name)?.has(v)) continue;
          (referenced.get(name) ?? referenced.set(name, new Set()).get(name)!).add(v);
        }
      }
    }
  });
  walk(properties, (p) => {
    const legacy = referenced.get(p.name);
    if (p.options && !p.dynamicOptions && legacy && legacy.size > 0) p.legacyOptions = [...legacy];
  });
}

function compactVariant(desc: RawNodeDescription): CatalogVariant {
  const properties = loaderAddedProperties(desc, compactProperties(desc.properties));
  addLegacyOptions(properties);
  const variant: CatalogVariant = {
    versions: toVersions(desc.version).sort((a, b) => a - b),
    inputs: compactPorts(desc.inputs, properties),
    outputs: compactPorts(desc.outputs, properties),
    credentials: [...new Set((desc.credentials ?? []).map((c) => c?.name).filter((n): n is string => typeof n === 'string'))],
    properties,
  };
  if (desc.usableAsTool) variant.usableAsTool = true;
  if (Array.isArray(desc.webhooks) && desc.webhooks.length > 0) variant.webhook = true;
  return variant;
}

function fullTypeName(pkg: string, name: string): string {
  return name.includes('.') ? name : `${pkg}.${name}`;
}

/** Build the catalog entries of one package, including the runtime `<name>Tool` variants. */
function buildPackageNodeTypes(source: PackageDescriptions): CatalogNodeType[] {
  const byType = new Map<string, CatalogNodeType>();
  for (const desc of source.descriptions) {
    if (typeof desc?.name !== 'string' || desc.version === undefined) continue;
    const type = fullTypeName(source.package, desc.name);
    const variant = compactVariant(desc);
    if (variant.versions.length === 0) continue;
    let entry = byType.get(type);
    if (!entry) {
      entry = {
        type,
        displayName: desc.displayName ?? desc.name,
        package: source.package,
        versions: [],
        defaultVersion: 0,
        trigger: false,
        group: desc.group ?? [],
        variants: [],
      };
      if (typeof desc.description === 'string') entry.description = desc.description;
      byType.set(type, entry);
    }
    entry.variants.push(variant);
    entry.versions = [...new Set([...entry.versions, ...variant.versions])].sort((a, b) => a - b);
    const declaredDefault = desc.defaultVersion ?? Math.max(...variant.versions);
    entry.defaultVersion = Math.max(entry.defaultVersion, declaredDefault);
    entry.trigger ||= isTriggerDescription(desc);
    if (desc.hidden === true) entry.hidden = true;
  }
  for (const entry of [...byType.values()]) {
    const toolVersions = entry.variants.filter((v) => v.usableAsTool).flatMap((v) => v.versions);
    const toolType = `${entry.type}Tool`;
    if (toolVersions.length === 0 || byType.has(toolType)) continue;
    byType.set(toolType, {
      type: toolType,
      displayName: `${entry.displayName} Tool`,
      package: entry.package,
      versions: [...new Set(toolVersions)].sort((a, b) => a - b),
      defaultVersion: Math.max(...toolVersions),
      trigger: false,
      group: entry.group,
      toolOf: entry.type,
      variants: [],
    });
  }
  return [...byType.values()];
}

/** n8n's operation value for "send a message and wait for the answer" (n8n-workflow's SEND_AND_WAIT_OPERATION). */
export const SEND_AND_WAIT_OPERATION = 'sendAndWait';

/**
 * n8n 2.x's rule (`hasSendAndWaitOperation` in cli/src/tool-generation/hitl-tools.ts): a
 * description that declares webhooks and has an `operation` property offering sendAndWait
 * gets a `<name>HitlTool` twin (names ending in Tool excepted).
 */
export function hasSendAndWaitOperation(variant: CatalogVariant): boolean {
  if (!variant.webhook) return false;
  return variant.properties.some((p) => p.name === 'operation' && !!p.options?.includes(SEND_AND_WAIT_OPERATION));
}

/** The `<name>HitlTool` entries n8n ≥ 2.0 generates at startup (variants derived at load, as for Tool). */
export function hitlToolEntries(nodes: CatalogNodeType[]): CatalogNodeType[] {
  const known = new Set(nodes.map((n) => n.type));
  const added: CatalogNodeType[] = [];
  for (const entry of nodes) {
    if (entry.toolOf || entry.type.endsWith('Tool')) continue;
    const versions = [...new Set(entry.variants.filter(hasSendAndWaitOperation).flatMap((v) => v.versions))].sort((a, b) => a - b);
    const type = `${entry.type}HitlTool`;
    if (versions.length === 0 || known.has(type)) continue;
    added.push({
      type,
      displayName: entry.displayName,
      package: entry.package,
      versions,
      defaultVersion: Math.max(...versions),
      trigger: false,
      group: entry.group,
      toolOf: entry.type,
      hitl: true,
      variants: [],
    });
  }
  return added;
}

export interface BuildOptions {
  /**
   * Add the `<name>HitlTool` types n8n ≥ 2.0 generates (default true). Off for an older
   * n8n, and for a live instance's descriptions, which already list what it generated.
   */
  hitlTools?: boolean;
}

export function buildCatalog(sources: PackageDescriptions[], options: BuildOptions = {}): Catalog {
  const nodes = new Map<string, CatalogNodeType>();
  const catalogSources: CatalogSource[] = [];
  for (const source of sources) {
    const entries = buildPackageNodeTypes(source);
    if (options.hitlTools !== false && !source.runtimeTypesIncluded) entries.push(...hitlToolEntries(entries));
    for (const entry of entries) nodes.set(entry.type, entry);
    catalogSources.push({ package: source.package, version: source.version, nodeTypes: entries.length });
  }
  return {
    formatVersion: CATALOG_FORMAT_VERSION,
    sources: catalogSources,
    nodes: [...nodes.values()].sort((a, b) => a.type.localeCompare(b.type)),
  };
}

/**
 * Descriptions served by a running n8n carry the package prefix in `name`
 * (`n8n-nodes-base.if`); split them by package so each keeps its provenance.
 */
export function groupDescriptionsByPackage(
  descriptions: RawNodeDescription[],
  versions: Record<string, string> = {},
): PackageDescriptions[] {
  const groups = new Map<string, RawNodeDescription[]>();
  for (const desc of descriptions) {
    if (typeof desc?.name !== 'string') continue;
    const dot = desc.name.lastIndexOf('.');
    const pkg = dot > 0 ? desc.name.slice(0, dot) : 'unknown';
    const list = groups.get(pkg) ?? [];
    list.push(desc);
    groups.set(pkg, list);
  }
  return [...groups].map(([pkg, list]) => ({ package: pkg, version: versions[pkg] ?? 'unknown', descriptions: list }));
}

/** One node per line: the committed file stays reviewable in diffs while being compact. */
export function serializeCatalog(catalog: Catalog): string {
  const head = JSON.stringify({ formatVersion: catalog.formatVersion, sources: catalog.sources });
  const lines = catalog.nodes.map((n) => JSON.stringify(n));
  return `${head.slice(0, -1)},\n"nodes":[\n${lines.join(',\n')}\n]}\n`;
}
