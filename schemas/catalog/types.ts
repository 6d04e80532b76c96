/**
 * The node catalog: what flowtune knows about every n8n node type, reduced to what
 * validation, compaction and hydration need. Generated from n8n's own
 * `dist/types/nodes.json` files (see build.ts) and committed as JSON.
 */

/** A displayOptions rule set exactly as n8n writes it (`{ resource: ['message'], '@version': [{ _cnd: { gte: 2 } }] }`). */
export type DisplayRule = Record<string, unknown[]>;

export interface CatalogProperty {
  name: string;
  /** n8n property type: string, number, boolean, options, multiOptions, collection, fixedCollection, resourceLocator, … */
  type: string;
  default?: unknown;
  required?: true;
  /** Static option values of `options` / `multiOptions` properties. */
  options?: unknown[];
  /** Values no option offers any more but other properties still react to (still understood by n8n). */
  legacyOptions?: unknown[];
  /** Options come from the service at runtime (loadOptionsMethod): static values are not a closed list. */
  dynamicOptions?: true;
  /** Mode names of a resourceLocator (`list`, `id`, `url`, …). */
  modes?: string[];
  show?: DisplayRule;
  hide?: DisplayRule;
  /** Children of a `collection`. */
  children?: CatalogProperty[];
  /** Groups of a `fixedCollection` (each group holds its own properties). */
  groups?: CatalogGroup[];
  /** typeOptions.multipleValues: the value (or each group's value) is a list. */
  multipleValues?: true;
  /** typeOptions.password: the value is a secret. */
  secret?: true;
  /** Opaque value: n8n adds or interprets it itself (pollTimes); no structural checks. */
  opaque?: true;
}

export interface CatalogGroup {
  name: string;
  children: CatalogProperty[];
}

/** Connection ports on one side of a node. */
export interface CatalogPorts {
  /** One entry per port, in order (e.g. If: ['main', 'main']). Empty when dynamic. */
  types: string[];
  /** Ports are computed by an expression from the node's parameters. */
  dynamic?: true;
  /** For dynamic ports: every connection type the expression mentions. Empty means unknown (anything goes). */
  possible?: string[];
  /** Per port (parallel to `types`): n8n's `required` / `maxConnections`; only when some port has one. */
  limits?: Array<PortLimit | null>;
  /**
   * Dynamic ports, evaluated when the catalog is built for every combination of the
   * parameter values their expression reads (options, booleans, unset). Absent when
   * the expression reads a parameter without a closed set of values.
   */
  cases?: PortCases;
}

export interface PortLimit {
  required?: true;
  /** maxConnections */
  max?: number;
}

export interface PortCase {
  /** Values of the read parameters; a missing key means the parameter is unset. */
  when: Record<string, unknown>;
  types: string[];
  limits?: Array<PortLimit | null>;
}

export interface PortCases {
  /** Parameters the expression reads. */
  reads: string[];
  cases: PortCase[];
}

/** One node description (several can share a type name, each for some versions). */
export interface CatalogVariant {
  versions: number[];
  inputs: CatalogPorts;
  outputs: CatalogPorts;
  credentials: string[];
  properties: CatalogProperty[];
  usableAsTool?: true;
  /**
   * The description declares `webhooks` (webhook and chat/form triggers, service triggers that
   * register a webhook, send-and-wait operations): the editor gives such nodes a `webhookId`.
   */
  webhook?: true;
}

export interface CatalogNodeType {
  /** Full type name as it appears in workflows: `<package>.<name>`. */
  type: string;
  displayName: string;
  package: string;
  description?: string;
  /** Every typeVersion, ascending. */
  versions: number[];
  defaultVersion: number;
  trigger: boolean;
  group: string[];
  hidden?: true;
  /** Set on the `<name>Tool` / `<name>HitlTool` types n8n creates at runtime: the type they are derived from. */
  toolOf?: string;
  /**
   * A `<name>HitlTool` (n8n ≥ 2.0): the human-review gate n8n generates for every node
   * with a send-and-wait operation; it takes `ai_tool` in and gives `ai_tool` out.
   */
  hitl?: true;
  /** Empty for `toolOf` entries: their variants are derived from the base type when the catalog is loaded. */
  variants: CatalogVariant[];
}

export interface CatalogSource {
  package: string;
  version: string;
  nodeTypes: number;
}

export interface Catalog {
  formatVersion: 1;
  sources: CatalogSource[];
  nodes: CatalogNodeType[];
}

export const CATALOG_FORMAT_VERSION = 1 as const;
