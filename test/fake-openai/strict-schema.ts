/**
 * OpenAI strict structured outputs, as the fake enforces them: the rules of the "Supported
 * schemas" section of OpenAI's structured outputs guide, checked on a schema sent with
 * `strict: true`. Written on its own (not from flowtune's schema builder) so that tests of the
 * builder have an independent judge.
 *
 * - the root is an object, not `anyOf`;
 * - every object has `additionalProperties: false` and lists every property in `required`
 *   (free-form `{type: object}` is refused for the same reason);
 * - no unsupported keyword (composition `allOf`, `not`, `if`/`then`/`else`,
 *   `dependentRequired`/`dependentSchemas`; objects' `patternProperties`,
 *   `unevaluatedProperties`, `propertyNames`, `minProperties`/`maxProperties`; `default`);
 * - at most 5,000 object properties, 10 levels of nesting (objects and arrays counted), 1,000
 *   enum values across the schema, 15,000 characters in one string enum of more than 250 values,
 *   120,000 characters of property names, definition names, enum and const values.
 *
 * Messages follow OpenAI's wording: `In context=('properties', 'nodes'), …`.
 */
export const STRICT_LIMITS = {
  objectProperties: 5000,
  nesting: 10,
  enumValues: 1000,
  largeEnum: 250,
  largeEnumChars: 15_000,
  totalChars: 120_000,
} as const;

const UNSUPPORTED = [
  'allOf',
  'not',
  'if',
  'then',
  'else',
  'dependentRequired',
  'dependentSchemas',
  'patternProperties',
  'unevaluatedProperties',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'default',
];

export interface StrictSchemaIssue {
  /** Keys from the root to the schema in question. */
  context: string[];
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const typesOf = (schema: Record<string, unknown>): string[] => (Array.isArray(schema.type) ? schema.type.map(String) : typeof schema.type === 'string' ? [schema.type] : []);

export const contextText = (context: string[]) => `(${context.map((c) => `'${c}'`).join(', ')}${context.length === 1 ? ',' : ''})`;

/** Every way `schema` breaks strict mode; empty when OpenAI would take it. */
export function strictSchemaIssues(schema: unknown): StrictSchemaIssue[] {
  const issues: StrictSchemaIssue[] = [];
  const totals = { properties: 0, enumValues: 0, chars: 0, nesting: 0 };
  const issue = (context: string[], message: string) => issues.push({ context, message });

  const visit = (node: unknown, context: string[], level: number): void => {
    if (!isObject(node)) {
      issue(context, 'a schema must be an object');
      return;
    }
    const types = typesOf(node);
    const isObjectSchema = types.includes('object') || 'properties' in node;
    const nested = isObjectSchema || types.includes('array') ? level + 1 : level;
    totals.nesting = Math.max(totals.nesting, nested);
    for (const keyword of UNSUPPORTED) if (keyword in node) issue(context, `'${keyword}' is not permitted.`);

    if (isObjectSchema) {
      if (node.additionalProperties !== false) issue(context, "'additionalProperties' is required to be supplied and to be false.");
      const properties = isObject(node.properties) ? node.properties : {};
      const keys = Object.keys(properties);
      const required = Array.isArray(node.required) ? node.required : [];
      const missing = keys.filter((k) => !required.includes(k));
      if (!Array.isArray(node.required) && keys.length > 0) issue(context, "'required' is required to be supplied and to be an array including every key in properties.");
      else if (missing.length > 0) issue(context, `'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'.`);
      totals.properties += keys.length;
      for (const key of keys) {
        totals.chars += key.length;
        visit(properties[key], [...context, 'properties', key], nested);
      }
    }
    if (Array.isArray(node.enum)) {
      totals.enumValues += node.enum.length;
      const strings = node.enum.filter((v): v is string => typeof v === 'string');
      const chars = strings.reduce((n, s) => n + s.length, 0);
      totals.chars += chars;
      if (strings.length > STRICT_LIMITS.largeEnum && chars > STRICT_LIMITS.largeEnumChars) {
        issue(context, `enum of ${strings.length} string values has ${chars} characters in total, exceeding the limit of ${STRICT_LIMITS.largeEnumChars} for enums of more than ${STRICT_LIMITS.largeEnum} values.`);
      }
    }
    if (typeof node.const === 'string') totals.chars += node.const.length;
    if (node.items !== undefined) visit(node.items, [...context, 'items'], nested);
    if (Array.isArray(node.anyOf)) node.anyOf.forEach((branch, i) => visit(branch, [...context, 'anyOf', String(i)], nested));
    for (const defs of ['$defs', 'definitions']) {
      const named = node[defs];
      if (!isObject(named)) continue;
      for (const [name, def] of Object.entries(named)) {
        totals.chars += name.length;
        visit(def, [...context, defs, name], nested);
      }
    }
  };

  if (!isObject(schema) || 'anyOf' in schema || !typesOf(schema).includes('object')) {
    issue([], "The root schema must be of type 'object' and must not be 'anyOf'.");
    if (!isObject(schema)) return issues;
  }
  visit(schema, [], 0);
  const { objectProperties, nesting, enumValues, totalChars } = STRICT_LIMITS;
  if (totals.properties > objectProperties) issue([], `${totals.properties} object properties exceed the limit of ${objectProperties}.`);
  if (totals.nesting > nesting) issue([], `${totals.nesting} levels of nesting exceeds limit of ${nesting}.`);
  if (totals.enumValues > enumValues) issue([], `${totals.enumValues} enum values exceed the limit of ${enumValues}.`);
  if (totals.chars > totalChars) issue([], `${totals.chars} characters of property names, definition names, enum and const values exceed the limit of ${totalChars}.`);
  return issues;
}
