/**
 * Constrained decoding on the fake's chat completions, per server kind: which request fields the
 * server takes, which it refuses (OpenAI: other servers' fields, strict schemas outside strict
 * mode's rules) and which it ignores (vLLM: the generation of fields it does not have), and
 * the schema a reply must then conform to. A scripted reply that does not conform is a test bug:
 * answered with a 400 naming the mismatch and recorded in `chat.violations`.
 */
import Ajv from 'ajv';
import { apiError, type Reply } from './http';
import { contextText, strictSchemaIssues } from './strict-schema';
import type { Settings } from './types';

export interface Constraint {
  /** The request field that constrains the answer (`response_format`, `structured_outputs.json`, …). */
  field: string;
  schema: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fields that constrain decoding on some server; OpenAI refuses all but its own. */
const OTHER_SERVERS_FIELDS = ['structured_outputs', 'guided_json', 'guided_regex', 'guided_choice', 'guided_grammar', 'json_schema', 'grammar'];

const vllmMinor = (version: string): [number, number] => {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
};

/** `response_format: {type: json_schema, json_schema: {schema}}` as every server reads it. */
function responseFormatSchema(body: Record<string, unknown>): { schema: unknown; strict: boolean; name: unknown } | undefined {
  const format = body.response_format;
  if (!isObject(format) || format.type !== 'json_schema' || !isObject(format.json_schema)) return undefined;
  return { schema: format.json_schema.schema, strict: format.json_schema.strict === true, name: format.json_schema.name };
}

/** The constraint the server honours for this request, none, or its refusal. */
export function readConstraint(body: Record<string, unknown>, settings: Settings): { constraint?: Constraint } | { refusal: Reply } {
  const format = responseFormatSchema(body);
  switch (settings.serverKind) {
    case 'openai': {
      const foreign = OTHER_SERVERS_FIELDS.find((f) => f in body);
      if (foreign) return { refusal: apiError(400, `Unrecognized request argument supplied: ${foreign}`) };
      if (!format) return {};
      if (typeof format.name !== 'string' || format.name === '') {
        return { refusal: apiError(400, "Missing required parameter: 'response_format.json_schema.name'.", { param: 'response_format.json_schema.name', code: 'missing_required_parameter' }) };
      }
      // Without strict, OpenAI only tries: nothing is guaranteed, nothing is checked.
      if (!format.strict) return {};
      const [first] = strictSchemaIssues(format.schema);
      if (first) return { refusal: apiError(400, `Invalid schema for response_format '${format.name}': In context=${contextText(first.context)}, ${first.message}`, { param: 'response_format' }) };
      return { constraint: { field: 'response_format', schema: format.schema } };
    }
    case 'vllm': {
      // vLLM ignores fields it does not know (with a warning in its log): guided_json from 0.12, structured_outputs before 0.10.
      const [major, minor] = vllmMinor(settings.serverVersion);
      const current = major > 0 || minor >= 12;
      const structured = isObject(body.structured_outputs) ? body.structured_outputs.json : undefined;
      if (current && structured !== undefined) return { constraint: { field: 'structured_outputs.json', schema: structured } };
      if (!current && body.guided_json !== undefined) return { constraint: { field: 'guided_json', schema: body.guided_json } };
      return format ? { constraint: { field: 'response_format', schema: format.schema } } : {};
    }
    case 'llamacpp':
      if (body.json_schema !== undefined && body.grammar !== undefined) return { refusal: apiError(400, 'Cannot use both json_schema and grammar') };
      if (format) return { constraint: { field: 'response_format', schema: format.schema } };
      return body.json_schema !== undefined ? { constraint: { field: 'json_schema', schema: body.json_schema } } : {};
    case 'ollama':
      return format ? { constraint: { field: 'response_format', schema: format.schema } } : {};
  }
}

/** Why `text` does not conform to the constraint's schema, or undefined when it does. */
export function nonConformance(text: string, constraint: Constraint): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'the reply is not JSON';
  }
  const ajv = new Ajv({ strict: false, allErrors: false });
  let validate;
  try {
    validate = ajv.compile(constraint.schema as object);
  } catch (error) {
    return `the ${constraint.field} schema does not compile: ${(error as Error).message}`;
  }
  if (validate(value)) return undefined;
  const [error] = validate.errors ?? [];
  return `${error?.instancePath || '/'} ${error?.message ?? 'does not match'}`;
}
