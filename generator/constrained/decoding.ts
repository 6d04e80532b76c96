/**
 * What a chat completions request carries to constrain decoding, per server kind, and what to
 * try when the server refuses it. Pure: the server's identity in, request fields out.
 *
 * | server            | request                                                      | schema                 |
 * |-------------------|--------------------------------------------------------------|------------------------|
 * | openai, azure     | `response_format: {type: json_schema, json_schema: {strict: true}}` | strict form (openAiStrictSchema) |
 * | vllm ≥ 0.12       | `structured_outputs: {json}`                                 | compact (enum of types) |
 * | vllm < 0.12       | `guided_json`                                                | compact                |
 * | llamacpp          | `json_schema` (llama-server turns it into a GBNF grammar)    | compact                |
 * | ollama, unknown   | `response_format: {type: json_schema, strict: false}`        | compact                |
 *
 * Refused (a 400 naming the field): vLLM `structured_outputs` → `guided_json` → none; every
 * other → none. `none` sends nothing and says why.
 */
import type { NodeCatalog } from '../../schemas/catalog/catalog';
import type { DecodingMode } from '../types';
import { openAiStrictSchema, workflowResponseSchema } from './schemas';
import { vllmHasStructuredOutputs, type ServerIdentity } from './server-kind';

export const SCHEMA_NAME = 'n8n_workflow';

export interface DecodingPlan {
  mode: DecodingMode;
  /** Fields added to the chat completions request body. */
  request: Record<string, unknown>;
  /** The answer comes in the strict form (strict-form.ts) and is converted back. */
  strictForm: boolean;
  reason?: string;
  /** The field a refusal names, when it is this plan's (`structured_outputs`, `response_format`, …). */
  field?: string;
  /** Next plan when the server refuses this one. */
  fallback?: () => DecodingPlan;
}

export const noDecoding = (reason: string): DecodingPlan => ({ mode: 'none', request: {}, strictForm: false, reason });

const SERVER_NAMES: Record<ServerIdentity['kind'], string> = {
  openai: 'OpenAI',
  azure: 'Azure OpenAI',
  vllm: 'vLLM',
  llamacpp: 'llama.cpp',
  ollama: 'Ollama',
  unknown: 'unknown server',
};

const describe = (server: ServerIdentity) => `${SERVER_NAMES[server.kind]}${server.version ? ` ${server.version}` : ''} (${server.how})`;

/** A refusal → the plan's fallback, with the server's words in the reason. */
export function afterRefusal(plan: DecodingPlan, message: string): DecodingPlan {
  const next = plan.fallback?.() ?? noDecoding('');
  return { ...next, reason: `the server refused ${plan.field ?? plan.mode} (${message.slice(0, 300)})${next.mode === 'none' ? ': unconstrained' : `: ${next.reason ?? next.mode}`}` };
}

export function decodingPlan(server: ServerIdentity, catalog: NodeCatalog): DecodingPlan {
  const who = describe(server);
  const compact = () => workflowResponseSchema(catalog);
  switch (server.kind) {
    case 'openai':
    case 'azure': {
      const strict = openAiStrictSchema(catalog);
      return {
        mode: 'openai-strict',
        request: { response_format: { type: 'json_schema', json_schema: { name: SCHEMA_NAME, schema: strict.schema, strict: true } } },
        strictForm: true,
        field: 'response_format',
        reason: `${who}: strict json_schema of the strict form${strict.reason ? `; ${strict.reason}` : ''}`,
      };
    }
    case 'vllm': {
      const guided = (): DecodingPlan => ({ mode: 'vllm', request: { guided_json: compact() }, strictForm: false, field: 'guided_json', reason: `${who}: guided_json` });
      if (server.version && !vllmHasStructuredOutputs(server.version)) return guided();
      return {
        mode: 'vllm',
        request: { structured_outputs: { json: compact() } },
        strictForm: false,
        field: 'structured_outputs',
        reason: `${who}: structured_outputs${server.version ? '' : ' (version unknown)'}`,
        fallback: guided,
      };
    }
    case 'llamacpp':
      return { mode: 'llamacpp', request: { json_schema: compact() }, strictForm: false, field: 'json_schema', reason: `${who}: json_schema (GBNF grammar)` };
    case 'ollama':
    case 'unknown':
      return {
        mode: 'json-schema',
        request: { response_format: { type: 'json_schema', json_schema: { name: SCHEMA_NAME, schema: compact(), strict: false } } },
        strictForm: false,
        field: 'response_format',
        reason: `${who}: response_format json_schema (enforced only where the server compiles it to a grammar)`,
      };
  }
}
