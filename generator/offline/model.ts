/**
 * The offline baseline "model": read the request's intent (intent.ts), pick the training
 * workflow that covers it best (pick.ts), adapt it to the request (adapt.ts). It needs no
 * key and no weights, so `generate` and `eval` work on a fresh machine — and it is a
 * baseline, labelled so in every output, never presented as a language model.
 */
import { hydrateWorkflow } from '../../dataset/compact';
import type { NodeCatalog } from '../../schemas/catalog/catalog';
import { validateWorkflow } from '../../schemas/validator';
import type { RetrievalIndex } from '../retrieval';
import type { ChatMessage, CompleteOptions, ModelReply, WorkflowModel } from '../types';
import { adaptWorkflow, composeWorkflow, type Adaptation } from './adapt';
import { readIntent, type Intent } from './intent';
import { buildOfflineIndex, type OfflineIndex } from './learn';
import { consensusPicks } from './pick';

/** How every output of the offline baseline is labelled (CLI, Workflow Generator node, eval report). */
export const BASELINE_LABEL =
  'baseline: the training workflow that best covers the services, trigger and AI pattern the request names, adapted to it — not a language model';

/** Picked workflows adapted in turn, best first, until one validates. */
const CANDIDATES = 5;

export interface OfflineGeneration extends Adaptation {
  intent: Intent;
  /** Line of the training example the workflow was adapted from (0 when composed). */
  from: { line: number; name: string; score: number };
  valid: boolean;
}

/** Request → workflow (compact), with the intent read and what was changed. Pure given the index. */
export function generateOffline(request: string, index: OfflineIndex, examples: RetrievalIndex['examples']): OfflineGeneration {
  const intent = readIntent(request, index);
  const picks = consensusPicks(intent, index, CANDIDATES);
  const isValid = (adaptation: Adaptation) => validateWorkflow(hydrateWorkflow(adaptation.workflow, { catalog: index.catalog }), { catalog: index.catalog }).valid;
  // The best workflow starts another way and lacks a named service: composing beats bending it that far.
  const best = picks[0]?.profile;
  const named = intent.services.filter((s) => s.named);
  const lacksService = best !== undefined && named.some((s) => !best.services.has(s.key));
  const startsOtherwise = best !== undefined && intent.trigger !== undefined && !best.triggers.includes(intent.trigger.type);
  // "Monitor GitHub issues …" picked a workflow that writes files to GitHub: the service the request listens on is one it acts on there.
  const triggerService = intent.trigger ? index.services.serviceOf(intent.trigger.type) : undefined;
  const actsOnTriggerService = triggerService !== undefined && best !== undefined && best.services.has(triggerService);
  // …or thinks with a model nobody asked for: when the request says how it starts and which services it uses, that is
  // the workflow ("Save new Typeform responses to Google Sheets" is no Gemini ticket categoriser).
  const unaskedAi = best !== undefined && !intent.ai.llm && best.roles.has('model');
  const saysItAll = intent.trigger !== undefined && named.length > 0;
  // The composed workflow when it validates, built and checked at most once (two reasons below may ask for it).
  let composition: OfflineGeneration | null | undefined;
  const validComposition = (): OfflineGeneration | undefined => {
    if (composition === undefined) {
      const composed = composeWorkflow(intent, index);
      composition = isValid(composed) ? { ...composed, intent, from: { line: 0, name: '', score: 0 }, valid: true } : null;
    }
    return composition ?? undefined;
  };
  if ((startsOtherwise && (lacksService || actsOnTriggerService)) || (unaskedAi && (startsOtherwise || saysItAll))) {
    const composed = validComposition();
    if (composed) return composed;
  }
  let first: OfflineGeneration | undefined;
  for (const pick of picks) {
    const adaptation = adaptWorkflow(pick.profile, intent, index);
    // Its glue worked on what services nobody asked for gave (a Reddit filter before a Discord post): when the request says
    // how it starts and what it uses, compose (a RAG workflow stays adapted: composing builds no vector store).
    if (first === undefined && saysItAll && adaptation.unaskedActions > 0 && !intent.ai.rag) {
      const composed = validComposition();
      if (composed) return composed;
    }
    const valid = isValid(adaptation);
    const generation = { ...adaptation, intent, from: { line: examples[pick.profile.id].line, name: pick.profile.workflow.name ?? '', score: pick.score }, valid };
    if (valid) return generation;
    first ??= generation;
  }
  if (first) return first;
  // No training workflow at all could be read: an empty workflow, reported invalid by the pipeline.
  return { workflow: { nodes: [], connections: {} }, changes: [], unaskedActions: 0, intent, from: { line: 0, name: '', score: 0 }, valid: false };
}

const offlineIndexes = new WeakMap<RetrievalIndex, { catalog: NodeCatalog; index: OfflineIndex }>();

/** The offline index of a training set, built once per retrieval index and catalog. */
export function offlineIndexFor(retrieval: RetrievalIndex, catalog: NodeCatalog): OfflineIndex {
  const cached = offlineIndexes.get(retrieval);
  if (cached && cached.catalog === catalog) return cached.index;
  const index = buildOfflineIndex(retrieval.examples, catalog);
  offlineIndexes.set(retrieval, { catalog, index });
  return index;
}

export class OfflineModel implements WorkflowModel {
  /** `retrieval`, as `--model retrieval` and saved Workflow Generator nodes name it. */
  readonly id = 'retrieval';
  readonly baseline = true;

  constructor(
    readonly retrieval: RetrievalIndex,
    readonly catalog: NodeCatalog,
  ) {}

  async complete(_messages: ChatMessage[], options: CompleteOptions): Promise<ModelReply> {
    const started = performance.now();
    const generation = generateOffline(options.request, offlineIndexFor(this.retrieval, this.catalog), this.retrieval.examples);
    return { text: JSON.stringify(generation.workflow), latencyMs: performance.now() - started };
  }
}
