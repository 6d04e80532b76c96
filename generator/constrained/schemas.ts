/**
 * JSON Schemas of a generated workflow, one per kind of constrained decoding:
 *
 * - `workflowResponseSchema`: the compact workflow the model was trained to write, node `type` an
 *   enum of the catalog's types — for vLLM (xgrammar, guidance), llama.cpp (its JSON-Schema→GBNF
 *   converter) and other servers that turn a schema into a grammar. Every object lists its
 *   properties (xgrammar and llama.cpp close objects by default); free-form objects say
 *   `additionalProperties: true`; no keyword llama.cpp's converter skips (`pattern`, `not`,
 *   `if`, `uniqueItems`, `minimum` on numbers, …) and no object mixing `properties` with `anyOf`.
 * - `openAiStrictSchema`: the strict form (strict-form.ts) inside OpenAI strict mode's documented
 *   limits (OPENAI_STRICT_LIMITS): the node-type enum split across `anyOf` pieces of at most 250
 *   values, or — past the enum budget — an enum of the catalog's packages and a free name, with the reason.
 */
import { NODE_SETTING_KEYS, WORKFLOW_SETTING_KEYS } from '../../dataset/compact';
import type { NodeCatalog } from '../../schemas/catalog/catalog';
import { isObject } from '../../schemas/json-value';

type Schema = Record<string, unknown>;

/**
 * OpenAI structured outputs, strict mode, "Supported schemas" (platform.openai.com/docs/guides/
 * structured-outputs#supported-schemas): at most 5,000 object properties and 10 levels of
 * nesting; at most 1,000 enum values across the schema; one string enum of more than 250 values
 * at most 15,000 characters; property names, definition names, enum and const values at most
 * 120,000 characters in all. Every object `additionalProperties: false` with all properties required.
 */
export const OPENAI_STRICT_LIMITS = {
  maxObjectProperties: 5000,
  maxNesting: 10,
  maxEnumValues: 1000,
  largeEnumValues: 250,
  maxLargeEnumChars: 15_000,
  maxTotalChars: 120_000,
} as const;

/** Node types a model may write: the catalog's, without the hidden ones. Sorted. */
export function catalogNodeTypes(catalog: NodeCatalog): string[] {
  return [...catalog.types()]
    .filter((t) => !t.entry.hidden)
    .map((t) => t.entry.type)
    .sort();
}

const ON_ERROR = ['continueErrorOutput', 'continueRegularOutput', 'stopWorkflow'];

/** The compact workflow (dataset/compact.ts), node `type` an enum of the catalog's types. */
export function workflowResponseSchema(catalog: NodeCatalog): Schema {
  const entry = {
    anyOf: [
      { type: 'string' },
      {
        type: 'object',
        properties: { node: { type: 'string' }, type: { type: 'string' }, index: { type: 'integer' } },
        required: ['node', 'type', 'index'],
        additionalProperties: false,
      },
    ],
  };
  return {
    type: 'object',
    properties: {
      name: { type: 'string' },
      nodes: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            type: { type: 'string', enum: catalogNodeTypes(catalog) },
            typeVersion: { type: 'number' },
            parameters: { type: 'object', additionalProperties: true },
            credentials: { type: 'array', items: { type: 'string' } },
            disabled: { type: 'boolean' },
            onError: { type: 'string', enum: ON_ERROR },
            retryOnFail: { type: 'boolean' },
            maxTries: { type: 'integer' },
            waitBetweenTries: { type: 'integer' },
            alwaysOutputData: { type: 'boolean' },
            executeOnce: { type: 'boolean' },
          },
          required: ['name', 'type'],
          additionalProperties: false,
        },
      },
      // { source: { connectionType: [ output: [ entry ] ] } }
      connections: {
        type: 'object',
        additionalProperties: { type: 'object', additionalProperties: { type: 'array', items: { type: 'array', items: entry } } },
      },
      settings: {
        type: 'object',
        properties: { timezone: { type: 'string' }, executionTimeout: { type: 'number' }, executionOrder: { type: 'string' }, callerPolicy: { type: 'string' } },
        additionalProperties: false,
      },
    },
    required: ['nodes', 'connections'],
    additionalProperties: false,
  };
}

/** A closed object: strict mode wants every property required and nothing else allowed. */
const closed = (properties: Record<string, Schema>): Schema => ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false });

const entryList = (description: string, names?: readonly string[]): Schema => ({
  type: 'array',
  description,
  items: closed({ name: names ? { type: 'string', enum: [...names] } : { type: 'string' }, json: { type: 'string', description: 'the value as JSON text' } }),
});

/** `values` in consecutive pieces of at most `maxValues` values and `maxChars` characters. */
export function chunkEnum(values: readonly string[], maxValues: number, maxChars: number): string[][] {
  const pieces: string[][] = [];
  let piece: string[] = [];
  let chars = 0;
  for (const value of values) {
    if (piece.length > 0 && (piece.length >= maxValues || chars + value.length > maxChars)) {
      pieces.push(piece);
      piece = [];
      chars = 0;
    }
    piece.push(value);
    chars += value.length;
  }
  if (piece.length > 0) pieces.push(piece);
  return pieces;
}

/** What OpenAI counts against `maxEnumValues` and `maxTotalChars`. */
export function strictSchemaBudget(schema: unknown): { enumValues: number; chars: number } {
  const budget = { enumValues: 0, chars: 0 };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isObject(node)) return;
    if (Array.isArray(node.enum)) {
      budget.enumValues += node.enum.length;
      for (const v of node.enum) if (typeof v === 'string') budget.chars += v.length;
    }
    if (typeof node.const === 'string') budget.chars += node.const.length;
    for (const key of ['properties', '$defs', 'definitions']) {
      const named = node[key];
      if (isObject(named)) for (const name of Object.keys(named)) budget.chars += name.length;
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'enum' && key !== 'const') walk(value);
  };
  walk(schema);
  return budget;
}

export interface StrictSchema {
  schema: Schema;
  /**
   * How node `type` is constrained: one enum split into `anyOf` pieces, or — past the enum budget —
   * `package` an enum of the catalog's packages and `type` the free name within it (strict-form.ts joins them).
   */
  nodeType: 'enum' | 'package-enum';
  /** Why the enum was not used. */
  reason?: string;
}

/** `nodeType`: the node's `type` field(s) — `{type}`, or `{package, type}` when split. */
function strictSchemaWith(nodeType: Record<string, Schema>): Schema {
  return closed({
    name: { type: ['string', 'null'] },
    nodes: {
      type: 'array',
      items: closed({
        name: { type: 'string' },
        ...nodeType,
        typeVersion: { type: ['number', 'null'], description: 'null: the default version' },
        parameters: entryList('the node parameters that differ from their defaults'),
        credentials: { type: 'array', items: { type: 'string' }, description: 'credential type names' },
        settings: entryList('node settings that differ from n8n defaults', NODE_SETTING_KEYS),
      }),
    },
    connections: {
      type: 'array',
      description: 'one edge per connection: output `output` of node `from` into input `input` of node `to`',
      items: closed({ from: { type: 'string' }, type: { type: 'string', description: 'main, ai_languageModel, ai_tool, …' }, output: { type: 'integer' }, to: { type: 'string' }, input: { type: 'integer' } }),
    },
    settings: entryList('workflow settings that differ from n8n defaults', WORKFLOW_SETTING_KEYS),
  });
}

/** The strict form's schema for OpenAI strict mode, inside every documented limit whatever the catalog's size. */
export function openAiStrictSchema(catalog: NodeCatalog): StrictSchema {
  const types = catalogNodeTypes(catalog);
  const { largeEnumValues, maxLargeEnumChars, maxEnumValues, maxTotalChars } = OPENAI_STRICT_LIMITS;
  // Pieces of ≤ 250 values stay clear of the per-enum character limit (and of 15,000 characters anyway).
  const pieces = chunkEnum(types, largeEnumValues, maxLargeEnumChars).map((values) => ({ type: 'string', enum: values }));
  const enumSchema = strictSchemaWith({ type: pieces.length === 1 ? pieces[0] : { anyOf: pieces } });
  const budget = strictSchemaBudget(enumSchema);
  if (budget.enumValues <= maxEnumValues && budget.chars <= maxTotalChars) return { schema: enumSchema, nodeType: 'enum' };

  const packages = [...new Set(types.map((t) => t.slice(0, t.lastIndexOf('.'))))].sort();
  const over = budget.enumValues > maxEnumValues ? `${budget.enumValues} enum values (limit ${maxEnumValues})` : `${budget.chars} characters of names and enum values (limit ${maxTotalChars})`;
  return {
    schema: strictSchemaWith({
      package: { type: 'string', enum: packages, description: 'the node type\'s package' },
      type: { type: 'string', description: 'the node type\'s name within its package, e.g. slack for n8n-nodes-base.slack' },
    }),
    nodeType: 'package-enum',
    reason: `the catalog's ${types.length} node types would make ${over}: node type split into an enum of the catalog's ${packages.length} packages and a free name`,
  };
}
