/**
 * Request → model → extract → validate → deterministic repair → repair rounds → hydrate →
 * final validation. The catalog validator decides "valid"; what fixWorkflow cannot fix goes
 * back to the model for up to `maxRepairs` rounds. Every generation returns the workflow and a trace.
 */
import { hydrateWorkflow, type CompactWorkflow, type FullWorkflow } from '../dataset/compact';
import type { NodeCatalog } from '../schemas/catalog/catalog';
import { isObject } from '../schemas/json-value';
import { checkJsonLimits } from '../schemas/limits';
import { unwrapWorkflow, validateWorkflow, type ValidationPolicy } from '../schemas/validator';
import type { ValidationIssue } from '../schemas/validator/issues';
import { extractJson } from './extract';
import { fixWorkflow, type FixConfidence, type FixRecord } from '../schemas/fix';
import { buildMessages, type PromptOptions } from './prompt';
import type { ChatMessage, GenerationResult, RoundTrace, WorkflowModel } from './types';

export interface GenerateOptions extends PromptOptions {
  model: WorkflowModel;
  catalog: NodeCatalog;
  policy?: Partial<ValidationPolicy>;
  /** Repair rounds after the first answer (default 2). */
  maxRepairs?: number;
  constrained?: boolean;
  /** Deterministic repair (fixWorkflow) of each answer before any repair round (default true). */
  fix?: boolean;
  /** Fixes below this confidence are reported in the trace, not applied (default `medium`). */
  fixMinConfidence?: FixConfidence;
}

type Issue = RoundTrace['errors'][number];
const brief = (i: ValidationIssue): Issue => ({ code: i.code, message: i.message, ...(i.path ? { path: i.path } : {}), ...(i.node ? { node: i.node } : {}) });

/**
 * A model answer (compact, or full as n8n exports it) → an importable workflow. Credentials
 * written as n8n's `{type: {id, name}}` map keep their types; ids and positions are made anew.
 */
export function toFullWorkflow(value: unknown, catalog: NodeCatalog): FullWorkflow | undefined {
  const { workflow } = unwrapWorkflow(value);
  if (!isObject(workflow) || !Array.isArray(workflow.nodes)) return undefined;
  const nodes = workflow.nodes.map((node) =>
    isObject(node) && isObject(node.credentials) && !Array.isArray(node.credentials) ? { ...node, credentials: Object.keys(node.credentials) } : node,
  );
  return hydrateWorkflow({ ...workflow, nodes } as unknown as CompactWorkflow, { catalog });
}

type Answer =
  | { ok: true; workflow: FullWorkflow; jsonRepaired: boolean }
  /** `final`: past the size limits — a rejection, not something to send back for repair. */
  | { ok: false; parsed: boolean; jsonRepaired: boolean; issue: Issue; final: boolean };

/** One model answer → a hydrated workflow, or why not. Limits are checked before anything recursive. */
export function readAnswer(text: string, catalog: NodeCatalog): Answer {
  const extracted = extractJson(text);
  if (!extracted.ok) {
    return { ok: false, parsed: false, jsonRepaired: false, issue: { code: extracted.tooLarge ? 'LIMIT_EXCEEDED' : 'SCHEMA', message: extracted.error }, final: extracted.tooLarge === true };
  }
  const { jsonRepaired } = extracted;
  const violation = checkJsonLimits(unwrapWorkflow(extracted.value).workflow);
  if (violation) {
    const issue: Issue = { code: 'LIMIT_EXCEEDED', message: `the answer is too large to use: ${violation.message}`, ...(violation.path !== undefined ? { path: violation.path } : {}) };
    return { ok: false, parsed: true, jsonRepaired, issue, final: true };
  }
  const workflow = toFullWorkflow(extracted.value, catalog);
  if (!workflow) return { ok: false, parsed: true, jsonRepaired, issue: { code: 'SCHEMA', message: 'the JSON has no "nodes" list' }, final: false };
  return { ok: true, workflow, jsonRepaired };
}

function repairMessage(errors: readonly ValidationIssue[] | string): string {
  if (typeof errors === 'string') return `Your answer could not be read as JSON (${errors}). Answer with the complete workflow as one JSON object and nothing else.`;
  const lines = errors.slice(0, 20).map((e) => `- ${e.code}${e.node ? ` (node "${e.node}")` : ''}: ${e.message}${e.suggestion ? ` — ${e.suggestion}` : ''}`);
  const more = errors.length > 20 ? `\n- … and ${errors.length - 20} more` : '';
  return `The workflow does not validate against n8n's node catalog:\n${lines.join('\n')}${more}\nFix these problems and answer with the complete corrected workflow JSON only.`;
}

export async function generateWorkflow(request: string, options: GenerateOptions): Promise<GenerationResult> {
  const started = performance.now();
  const { model, catalog } = options;
  const maxRepairs = options.maxRepairs ?? 2;
  const messages: ChatMessage[] = buildMessages(request, options);
  const rounds: RoundTrace[] = [];
  let workflow: FullWorkflow | null = null;
  let errors: Issue[] = [];
  let warnings: Issue[] = [];
  let rawText = '';

  for (let round = 0; round <= maxRepairs; round++) {
    const reply = await model.complete(messages, { request, ...(options.constrained ? { constrained: true } : {}) });
    rawText = reply.text;
    const fromReply = {
      ...(reply.promptTokens !== undefined ? { promptTokens: reply.promptTokens } : {}),
      ...(reply.completionTokens !== undefined ? { completionTokens: reply.completionTokens } : {}),
      ...(reply.decoding ? { decoding: reply.decoding } : {}),
    };
    const answer = readAnswer(reply.text, catalog);
    const kind = round === 0 ? 'generate' : 'repair';
    let feedback: string;
    if (!answer.ok) {
      errors = [answer.issue];
      warnings = [];
      rounds.push({ round, kind, parsed: answer.parsed, jsonRepaired: answer.jsonRepaired, errors, ...fromReply, latencyMs: reply.latencyMs });
      if (answer.final) break;
      feedback = repairMessage(answer.issue.message);
    } else {
      workflow = answer.workflow;
      let result = validateWorkflow(answer.workflow, { catalog, ...(options.policy ? { policy: options.policy } : {}) });
      // Deterministic repair first: what it can fix never costs a model round.
      let fixes: FixRecord[] | undefined;
      if (!result.valid && options.fix !== false) {
        const fixed = fixWorkflow(answer.workflow, { catalog, ...(options.policy ? { policy: options.policy } : {}), ...(options.fixMinConfidence ? { minConfidence: options.fixMinConfidence } : {}) });
        if (fixed.fixes.length > 0) fixes = fixed.fixes;
        if (fixed.changed) {
          workflow = fixed.workflow as FullWorkflow;
          result = fixed.validation;
        }
      }
      errors = result.errors.map(brief);
      warnings = result.warnings.map(brief);
      rounds.push({ round, kind, parsed: true, jsonRepaired: answer.jsonRepaired, errors, ...(fixes ? { fixes } : {}), ...fromReply, latencyMs: reply.latencyMs });
      if (result.valid) break;
      feedback = repairMessage(result.errors);
    }
    // The retrieval baseline does not read messages: repairing it would repeat the same answer.
    if (model.baseline) break;
    messages.push({ role: 'assistant', content: reply.text }, { role: 'user', content: feedback });
  }

  const last = rounds[rounds.length - 1];
  const valid = workflow !== null && last.errors.length === 0;
  const firstTryValid = rounds[0].parsed && rounds[0].errors.length === 0 && !rounds[0].fixes?.some((f) => f.applied);
  return {
    request,
    workflow,
    valid,
    errors,
    warnings,
    rawText,
    trace: {
      model: model.id,
      baseline: model.baseline,
      rounds,
      firstTryValid,
      outcome: firstTryValid ? 'first-try' : !valid ? 'invalid' : rounds.length === 1 ? 'fixed' : 'repaired',
      totalMs: performance.now() - started,
      promptTokens: rounds.reduce((n, r) => n + (r.promptTokens ?? 0), 0),
      completionTokens: rounds.reduce((n, r) => n + (r.completionTokens ?? 0), 0),
    },
  };
}
