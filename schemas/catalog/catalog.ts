/**
 * NodeCatalog: the in-memory, indexed form of one or more catalogs. Lookups the
 * validator needs per node (type → variant for a version → properties that exist at
 * that version, by name) are computed once and memoised, so validating thousands of
 * workflows costs a few map lookups per node.
 */
import { hasSendAndWaitOperation, SEND_AND_WAIT_OPERATION } from './build';
import { existsForNode } from './display';
import type { Catalog, CatalogNodeType, CatalogProperty, CatalogSource, CatalogVariant } from './types';

/** Packages whose node types ship with n8n itself (anything else is a community package). */
export const N8N_PACKAGES = ['n8n-nodes-base', '@n8n/n8n-nodes-langchain'] as const;

export function packageOfType(type: string): string {
  const dot = type.lastIndexOf('.');
  return dot > 0 ? type.slice(0, dot) : '';
}

export function isN8nPackageType(type: string): boolean {
  return (N8N_PACKAGES as readonly string[]).includes(packageOfType(type));
}

/** Properties of one variant that exist at one version, indexed for the validator. */
export interface PropertyIndex {
  list: CatalogProperty[];
  byName: Map<string, CatalogProperty[]>;
  /**
   * Definitions (in order, by name) of the parameters other properties' displayOptions
   * read, that have a default: the only defaults display decisions can depend on.
   */
  controllingByName: Map<string, CatalogProperty[]>;
  /** Names of the top-level parameters any displayOptions rule reads (with or without a default). */
  ruleNames: Set<string>;
  /** Required properties of the types n8n flags when empty. */
  required: CatalogProperty[];
}

/** Property types n8n's parameter-issue check flags when required and empty. */
export const REQUIRED_CHECKED_TYPES = new Set(['string', 'dateTime', 'options', 'multiOptions', 'resourceLocator']);

export class NodeTypeInfo {
  readonly isTool: boolean;
  private readonly indexes = new Map<number, PropertyIndex>();
  private readonly byVersion = new Map<number, CatalogVariant>();

  constructor(
    readonly entry: CatalogNodeType,
    readonly variants: CatalogVariant[],
  ) {
    this.isTool = entry.type.endsWith('Tool');
    for (const variant of variants) for (const v of variant.versions) if (!this.byVersion.has(v)) this.byVersion.set(v, variant);
  }

  get type(): string {
    return this.entry.type;
  }

  hasVersion(version: number): boolean {
    return this.variantFor(version) !== undefined;
  }

  variantFor(version: number): CatalogVariant | undefined {
    return this.byVersion.get(version);
  }

  /** Properties that exist at `version` (their `@version` / `@tool` conditions pass). */
  propertiesAt(version: number): PropertyIndex | undefined {
    const cached = this.indexes.get(version);
    if (cached) return cached;
    const variant = this.variantFor(version);
    if (!variant) return undefined;
    const index = indexProperties(variant.properties, version, this.isTool);
    this.indexes.set(version, index);
    return index;
  }
}

export function indexProperties(properties: CatalogProperty[], version: number, tool: boolean): PropertyIndex {
  const list = properties.filter((p) => existsForNode(p, version, tool));
  const byName = new Map<string, CatalogProperty[]>();
  const controllingNames = new Set<string>();
  for (const prop of list) {
    const same = byName.get(prop.name);
    if (same) same.push(prop);
    else byName.set(prop.name, [prop]);
    for (const rule of [prop.show, prop.hide]) {
      for (const key of Object.keys(rule ?? {})) {
        if (key.startsWith('@')) continue;
        controllingNames.add((key.startsWith('/') ? key.slice(1) : key).split('.')[0]);
      }
    }
  }
  const controllingByName = new Map<string, CatalogProperty[]>();
  for (const p of list) {
    if (!controllingNames.has(p.name) || p.default === undefined || p.type === 'collection' || p.type === 'fixedCollection') continue;
    controllingByName.set(p.name, [...(controllingByName.get(p.name) ?? []), p]);
  }
  const required = list.filter((p) => p.required && REQUIRED_CHECKED_TYPES.has(p.type));
  return { list, byName, controllingByName, ruleNames: controllingNames, required };
}

/** The properties n8n adds when it turns a `usableAsTool` description into `<name>Tool`. */
function toolProperties(properties: CatalogProperty[], description: string): CatalogProperty[] {
  if (properties.some((p) => p.name === 'toolDescription')) return properties;
  const hasResourceOrOperation = properties.some((p) => p.name === 'resource' || p.name === 'operation');
  const added: CatalogProperty[] = [];
  if (hasResourceOrOperation) {
    added.push({ name: 'descriptionType', type: 'options', options: ['auto', 'manual'], default: 'auto' });
  }
  const toolDescription: CatalogProperty = { name: 'toolDescription', type: 'string', default: description, required: true };
  if (hasResourceOrOperation) toolDescription.show = { descriptionType: ['manual'] };
  added.push(toolDescription);
  return [...added, ...properties];
}

function deriveToolVariants(tool: CatalogNodeType, base: CatalogNodeType): CatalogVariant[] {
  return base.variants
    .filter((v) => v.usableAsTool && v.versions.some((ver) => tool.versions.includes(ver)))
    .map((v) => ({
      versions: v.versions,
      inputs: { types: [] },
      outputs: { types: ['ai_tool'] },
      credentials: v.credentials,
      properties: toolProperties(v.properties, base.description ?? ''),
    }));
}

/**
 * n8n's `filterHitlToolProperties`: its own required `message`; resource, operation and
 * responseType become hidden parameters fixed to the send-and-wait choice (so the display
 * rules that read them still hold); every other property stays.
 */
function hitlToolProperties(properties: CatalogProperty[]): CatalogProperty[] {
  const operation = properties.find((p) => p.name === 'operation' && p.options?.includes(SEND_AND_WAIT_OPERATION));
  const resource = operation?.show?.resource?.[0];
  const out: CatalogProperty[] = [
    { name: 'message', type: 'string', default: '=The agent wants to call {{ $tool.name }}', required: true },
  ];
  for (const prop of properties) {
    if (prop.name === 'resource') {
      if (typeof resource === 'string') out.push({ name: 'resource', type: 'hidden', default: resource });
    } else if (prop.name === 'operation') {
      out.push({ name: 'operation', type: 'hidden', default: SEND_AND_WAIT_OPERATION });
    } else if (prop.name === 'responseType') {
      out.push({ name: 'responseType', type: 'hidden', default: 'approval' });
    } else if (prop.name !== 'message') {
      out.push(prop);
    }
  }
  // One definition per hidden name (a node defines operation once per resource).
  return out.filter((p, i) => p.type !== 'hidden' || out.findIndex((q) => q.name === p.name) === i);
}

function deriveHitlToolVariants(tool: CatalogNodeType, base: CatalogNodeType): CatalogVariant[] {
  return base.variants
    .filter((v) => hasSendAndWaitOperation(v) && v.versions.some((ver) => tool.versions.includes(ver)))
    .map((v) => ({
      versions: v.versions,
      // The gate wraps the tools wired into it and is itself a tool of the agent.
      inputs: { types: ['ai_tool'] },
      outputs: { types: ['ai_tool'] },
      credentials: v.credentials,
      properties: hitlToolProperties(v.properties),
      webhook: true,
    }));
}

/**
 * Merge catalogs: later catalogs add node types, and add variants for versions an
 * earlier catalog does not know (an older n8n's catalog loaded beside the stock one).
 */
export function mergeCatalogs(catalogs: Catalog[]): Catalog {
  const nodes = new Map<string, CatalogNodeType>();
  const sources: CatalogSource[] = [];
  for (const catalog of catalogs) {
    sources.push(...catalog.sources);
    for (const entry of catalog.nodes) {
      const existing = nodes.get(entry.type);
      if (!existing) {
        nodes.set(entry.type, entry);
        continue;
      }
      const known = new Set(existing.versions);
      const extraVariants = entry.variants
        .map((v) => ({ ...v, versions: v.versions.filter((ver) => !known.has(ver)) }))
        .filter((v) => v.versions.length > 0);
      nodes.set(entry.type, {
        ...existing,
        versions: [...new Set([...existing.versions, ...entry.versions])].sort((a, b) => a - b),
        defaultVersion: Math.max(existing.defaultVersion, entry.defaultVersion),
        variants: [...existing.variants, ...extraVariants],
      });
    }
  }
  return { formatVersion: 1, sources, nodes: [...nodes.values()] };
}

export class NodeCatalog {
  readonly sources: CatalogSource[];
  private readonly byType = new Map<string, NodeTypeInfo>();
  /** Lower-cased short name → full types, for suggestions. */
  readonly byShortName = new Map<string, string[]>();

  /** @param data the catalog as plain data, kept (e.g. to hand to worker threads) */
  constructor(readonly data: Catalog) {
    const catalog = data;
    this.sources = catalog.sources;
    const entries = new Map(catalog.nodes.map((n) => [n.type, n]));
    for (const entry of catalog.nodes) {
      const base = entry.toolOf ? entries.get(entry.toolOf) : undefined;
      const variants = base ? (entry.hitl ? deriveHitlToolVariants(entry, base) : deriveToolVariants(entry, base)) : entry.variants;
      this.byType.set(entry.type, new NodeTypeInfo(entry, variants));
      const short = entry.type.slice(entry.type.lastIndexOf('.') + 1).toLowerCase();
      this.byShortName.set(short, [...(this.byShortName.get(short) ?? []), entry.type]);
    }
  }

  static from(catalogs: Catalog[]): NodeCatalog {
    return new NodeCatalog(catalogs.length === 1 ? catalogs[0] : mergeCatalogs(catalogs));
  }

  get(type: string): NodeTypeInfo | undefined {
    return this.byType.get(type);
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  get size(): number {
    return this.byType.size;
  }

  types(): IterableIterator<NodeTypeInfo> {
    return this.byType.values();
  }

  /** Does any loaded catalog come from this package (so its types are known, not community unknowns)? */
  hasPackage(pkg: string): boolean {
    return this.sources.some((s) => s.package === pkg);
  }
}
