/** Shapes shared by the generator pipeline, its models and the evaluation harness. */
import type { FullWorkflow } from '../dataset/compact';
import type { ValidationIssue } from '../schemas/validator/issues';
import type { FixRecord } from '../schemas/fix/types';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * How a model call was constrained: OpenAI strict mode (the strict form, converted back), vLLM
 * `structured_outputs`/`guided_json`, llama.cpp `json_schema`, `response_format: json_schema` on
 * other servers, or not at all (`none`) — with the reason when it is not what was asked for.
 */
export type DecodingMode = 'openai-strict' | 'vllm' | 'llamacpp' | 'json-schema' | 'none';

export interface DecodingTrace {
  mode: DecodingMode;
  /** How the server kind was found, what was sent, or why decoding fell back. For people. */
  reason?: string;
}

export interface ModelReply {
  /** The answer; a strict-form answer already converted back to the compact workflow. */
  text: string;
  /** How this call was constrained, when constrained decoding was asked for (language models only). */
  decoding?: DecodingTrace;
  promptTokens?: number;
  completionTokens?: number;
  latencyMs: number;
}

export interface CompleteOptions {
  /** The user's request (the retrieval baseline ranks on it). */
  request: string;
  /** Constrain decoding to the workflow's JSON Schema, the way the server supports (generator/constrained/). */
  constrained?: boolean;
}

/** Anything that answers chat messages: an OpenAI-compatible endpoint or the retrieval baseline. */
export interface WorkflowModel {
  /** Model id as reported in traces and eval files (`retrieval` for the baseline). */
  readonly id: string;
  /** A baseline, not a language model: labelled so in every output. */
  readonly baseline: boolean;
  complete(messages: ChatMessage[], options: CompleteOptions): Promise<ModelReply>;
}

/** One model call of a generation: the first answer or a repair round. */
export interface RoundTrace {
  round: number;
  kind: 'generate' | 'repair';
  /** JSON could be extracted from the answer. */
  parsed: boolean;
  /** … only after repairing the JSON text (fences, prose, trailing commas, …). */
  jsonRepaired: boolean;
  /** Validator errors of this round's workflow, after deterministic repair (empty when valid; one PARSE error when nothing parsed). */
  errors: Array<Pick<ValidationIssue, 'code' | 'message' | 'path' | 'node'>>;
  /** Deterministic repair of this round's answer (fixWorkflow): fixes applied, and those only reported (below the confidence threshold). */
  fixes?: FixRecord[];
  promptTokens?: number;
  completionTokens?: number;
  latencyMs: number;
  /** How the model call was constrained, when constrained decoding was asked for (language models only). */
  decoding?: DecodingTrace;
}

export interface GenerationTrace {
  model: string;
  baseline: boolean;
  rounds: RoundTrace[];
  /** Valid after the first model answer, before any repair. */
  firstTryValid: boolean;
  /** How the workflow came to be valid: as answered, by deterministic repair alone, after repair rounds with the model, or not at all. */
  outcome?: 'first-try' | 'fixed' | 'repaired' | 'invalid';
  totalMs: number;
  promptTokens: number;
  completionTokens: number;
}

export interface GenerationResult {
  request: string;
  /** The hydrated, importable workflow (null when no JSON could be extracted at all). */
  workflow: FullWorkflow | null;
  /** Final validation: no errors. */
  valid: boolean;
  errors: RoundTrace['errors'];
  warnings: RoundTrace['errors'];
  /** The last raw model answer. */
  rawText: string;
  trace: GenerationTrace;
}
