/**
 * Dataset → Build Training Data: n8n workflows (as the n8n node's "Get Many Workflows"
 * outputs them) or template records `{name, description, workflow}` in, one chat
 * training example per request out (Requests Per Workflow, default 1). The per-workflow work is the dataset
 * build's own (`prepareExample`: clean, redact, validate, compact, request); the
 * order-dependent steps are the build's too: `Acceptor` (duplicates, token limit, counts) and `splitValidation`.
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { DEFAULT_BUILD_SETTINGS } from '../../../../dataset/build';
import { MAX_REQUESTS_PER_WORKFLOW } from '../../../../dataset/requests';
import { estimateTrainingCost } from '../../../../dataset/cost';
import { Acceptor, rejectionDetail, type AcceptCounts, type Rejection } from '../../../../dataset/accept';
import type { Prepared, PrepareResult, PrepareSettings } from '../../../../dataset/prepare';
import { defaultWorkerCount, prepareRecords } from '../../../../dataset/prepare-pool';
import { SYSTEM_PROMPT_VERSION, systemPrompt, type TargetFormat } from '../../../../dataset/prompt';
import { Redactor, redactText } from '../../../../dataset/redact';
import { summarizeTokens, type RejectReason } from '../../../../dataset/report';
import { humanDescription, humanName } from '../../../../dataset/sources/records';
import type { SourceRecord } from '../../../../dataset/types';
import { NODE_VALIDATION_SPLIT, splitValidation } from '../../../../dataset/split';
import { exampleTokenLimit } from '../../../../dataset/tokens';
import { loadCatalog } from '../../../../schemas/catalog/load';
import { isObject } from '../../../../schemas/json-value';
import { inputError } from '../../../shared/errors';
import { baseModelFields } from '../../shared/descriptions';
import { allItems } from '../../shared/types';

const properties: INodeProperties[] = [
  {
    displayName:
      'Each input item is one workflow: connect the n8n node\'s "Get Many Workflows" (or items like <code>{name, description, workflow}</code>). All items form one dataset. Secrets are redacted and invalid workflows are rejected with their reason in the report.',
    name: 'buildNotice',
    type: 'notice',
    default: '',
  },
  ...baseModelFields('Model to fine-tune: its tokenizer counts the tokens, and examples over its per-example limit are rejected'),
  {
    displayName: 'Validation Split',
    name: 'validationSplit',
    type: 'number',
    // NODE_VALIDATION_SPLIT (a literal for n8n's lint; a test checks they agree).
    default: 0.2,
    typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
    description:
      'Share of the examples marked <code>split: "validation"</code> (0–1). The split is seeded and keeps workflows of the same structure on one side.',
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    options: [
      {
        displayName: 'Include Report',
        name: 'includeReport',
        type: 'boolean',
        default: true,
        description: 'Whether to add a last item with the report: counts, rejected workflows with their reasons, redactions, tokens and cost estimate',
      },
      {
        displayName: 'Maximum Nodes',
        name: 'maxNodes',
        type: 'number',
        default: 100,
        typeOptions: { minValue: 1 },
        description: 'Workflows with more nodes are rejected',
      },
      {
        displayName: 'Minimum Nodes',
        name: 'minNodes',
        type: 'number',
        default: 2,
        typeOptions: { minValue: 1 },
        description: 'Workflows with fewer nodes are rejected',
      },
      {
        displayName: 'Remove Duplicates',
        name: 'dedupe',
        type: 'boolean',
        default: true,
        description: `Whether to reject exact copies, more than ${DEFAULT_BUILD_SETTINGS.maxPerStructure} workflows of the same structure (node types and connections), and near-identical requests`,
      },
      {
        displayName: 'Requests Per Workflow',
        name: 'requestsPerWorkflow',
        type: 'number',
        default: 1,
        typeOptions: { minValue: 1, maxValue: MAX_REQUESTS_PER_WORKFLOW },
        description:
          'How many requests of different length (title-like, a sentence, a short paragraph) each workflow yields: one output item each, all on the same side of the split',
      },
      {
        displayName: 'Seed',
        name: 'seed',
        type: 'number',
        default: 42,
        description: 'Seed of the validation split: the same seed and data give the same split',
      },
      {
        displayName: 'Target Format',
        name: 'target',
        type: 'options',
        default: 'compact',
        options: [
          { name: 'Compact', value: 'compact', description: 'Defaults, IDs and positions left out (fewer tokens; expand with flowtune)' },
          { name: 'Full', value: 'full', description: 'The workflow as n8n exports it' },
        ],
        description: 'How the assistant answers are written',
      },
    ],
  },
];

export const description = updateDisplayOptions({ show: { resource: ['dataset'], operation: ['buildTrainingData'] } }, properties);

interface BuildOptions {
  includeReport?: boolean;
  maxNodes?: number;
  minNodes?: number;
  dedupe?: boolean;
  seed?: number;
  target?: TargetFormat;
  requestsPerWorkflow?: number;
}

const idText = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/** What prepareExample needs from one item, and how the output names it. */
function readItem(json: IDataObject): { record: Omit<SourceRecord, 'provenance'>; name?: string; id?: string } {
  const wrapper = !Array.isArray(json.nodes) && (isObject(json.workflow) || typeof json.workflow === 'string');
  const inner = wrapper && isObject(json.workflow) ? (json.workflow as IDataObject) : json;
  const name = humanName(json) ?? humanName(inner);
  const descriptionText = humanDescription(json) ?? humanDescription(inner);
  const id = idText(json.id) ?? idText(inner.id);
  const record: Omit<SourceRecord, 'provenance'> = {
    ...(name !== undefined ? { name } : {}),
    ...(descriptionText !== undefined ? { description: descriptionText } : {}),
    // A template's workflow may arrive as JSON text; prepareExample parses it.
    ...(wrapper && typeof json.workflow === 'string' ? { text: json.workflow } : { workflow: json }),
  };
  return { record, ...(name !== undefined ? { name } : {}), ...(id !== undefined ? { id } : {}) };
}

/** Items from which the build prepares on worker threads (below, starting workers costs more than it saves). */
const WORKER_THRESHOLD = 200;

/** A rejection as the node words it: duplicates name the earlier input item. */
function itemRejectionDetail(rejection: Rejection<number>): string | undefined {
  switch (rejection.reason) {
    case 'exact_duplicate':
      return `same workflow as input item ${rejection.sameAs}`;
    case 'structural_duplicate':
      return `${rejection.sharing} accepted workflow(s) share its node types and connections`;
    case 'near_duplicate_request':
      return `its request is nearly the same as input item ${rejection.nearOwner}'s`;
    default:
      return rejectionDetail(rejection);
  }
}

interface ItemRejection {
  item: number;
  name: string | null;
  id: string | null;
  reason: RejectReason;
  detail?: string;
}

/** The node's build settings, checked. */
interface NodeBuildSettings {
  model: string;
  /** Validation Split. */
  fraction: number;
  seed: number;
  dedupe: boolean;
  includeReport: boolean;
  /** What each workflow is prepared with. */
  prepare: PrepareSettings;
}

/** An accepted workflow: its prepared example, its requests left after the duplicate checks, how the output names it. */
interface AcceptedItem {
  item: number;
  prepared: Prepared;
  requests: Prepared['requests'];
  name: string | null;
  id: string | null;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
  const items = this.getInputData();
  const settings = buildSettings(this, itemIndex);
  const limit = exampleTokenLimit(settings.model);
  const acceptor = new Acceptor<number>({
    maxPerStructure: DEFAULT_BUILD_SETTINGS.maxPerStructure,
    nearDuplicateThreshold: DEFAULT_BUILD_SETTINGS.nearDuplicateThreshold,
    tokenLimit: limit,
    dedupe: settings.dedupe,
  });
  const { accepted, rejections } = await acceptItems(items, settings.prepare, acceptor);
  const validation = splitValidation(
    accepted.map((a) => ({ stratum: a.prepared.stratum, group: a.prepared.group })),
    settings.fraction,
    settings.seed,
  );
  const out = exampleItems(accepted, validation, systemPrompt(settings.prepare.target));
  if (settings.includeReport) {
    const report = buildReport(settings, items.length, accepted, rejections, validation, out, acceptor.counts, limit);
    out.push({ json: { report: report as unknown as IDataObject }, pairedItem: allItems(items.length) });
  }
  return out;
}

function buildSettings(ctx: IExecuteFunctions, itemIndex: number): NodeBuildSettings {
  const model = String(ctx.getNodeParameter('model', itemIndex)).trim();
  const fraction = ctx.getNodeParameter('validationSplit', itemIndex, NODE_VALIDATION_SPLIT) as number;
  const options = ctx.getNodeParameter('options', itemIndex, {}) as BuildOptions;
  if (model === '') throw inputError(ctx.getNode(), 'Base Model is empty', itemIndex);
  if (!(fraction >= 0 && fraction <= 1)) throw inputError(ctx.getNode(), `Validation Split must be between 0 and 1 (got ${fraction})`, itemIndex);
  const target: TargetFormat = options.target === 'full' ? 'full' : 'compact';
  const minNodes = options.minNodes ?? DEFAULT_BUILD_SETTINGS.minNodes;
  const maxNodes = options.maxNodes ?? DEFAULT_BUILD_SETTINGS.maxNodes;
  const requestsPerWorkflow = Math.min(MAX_REQUESTS_PER_WORKFLOW, Math.max(1, Math.floor(options.requestsPerWorkflow ?? 1)));
  return {
    model,
    fraction,
    seed: options.seed ?? DEFAULT_BUILD_SETTINGS.seed,
    dedupe: options.dedupe ?? true,
    includeReport: options.includeReport ?? true,
    prepare: { target, model, countTokens: true, minNodes, maxNodes, minViews: 0, requestsPerWorkflow },
  };
}

/** Every input item prepared and decided in order: the accepted workflows, and the rejected ones with their reason. */
async function acceptItems(items: INodeExecutionData[], settings: PrepareSettings, acceptor: Acceptor<number>): Promise<{ accepted: AcceptedItem[]; rejections: ItemRejection[] }> {
  const catalog = loadCatalog();
  const accepted: AcceptedItem[] = [];
  const rejections: ItemRejection[] = [];
  const read = items.map((input) => readItem(input.json));
  const consider = (item: number, result: PrepareResult) => {
    const { name, id } = read[item];
    // Names reach the output too: they are redacted like everything else.
    const shownName = name === undefined ? null : redactText(name, new Redactor());
    const verdict = acceptor.accept(result, item);
    if (verdict.accepted) accepted.push({ item, prepared: verdict.example, requests: verdict.requests, name: shownName, id: id ?? null });
    else {
      const detail = itemRejectionDetail(verdict.rejection);
      rejections.push({ item, name: shownName, id: id ?? null, reason: verdict.rejection.reason, ...(detail ? { detail } : {}) });
    }
  };
  // Large inputs are prepared on worker threads: n8n's main thread stays free for other
  // executions, and the pool, kept warm for a while, serves the next run without warming up.
  const workers = items.length >= WORKER_THRESHOLD ? defaultWorkerCount() : 0;
  async function* records(): AsyncGenerator<SourceRecord> {
    for (let item = 0; item < read.length; item++) yield { ...read[item].record, provenance: { source: 'n8n', ref: String(item) } };
  }
  let item = 0;
  for await (const { result } of prepareRecords(records(), settings, catalog, workers)) consider(item++, result);
  return { accepted, rejections };
}

/** One item per request; a workflow's requests share its side of the split. */
function exampleItems(accepted: AcceptedItem[], validation: Set<number>, system: string): INodeExecutionData[] {
  return accepted.flatMap((a, index) =>
    a.requests.map((request) => ({
      json: {
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: request.text },
          { role: 'assistant', content: a.prepared.target },
        ],
        split: validation.has(index) ? 'validation' : 'train',
        source: { name: a.name, id: a.id },
        tokens: request.tokens,
      },
      pairedItem: { item: a.item },
    })),
  );
}

/** The report item: settings, counts, rejections, tokens and the cost of training on the train split. */
function buildReport(
  settings: NodeBuildSettings,
  read: number,
  accepted: AcceptedItem[],
  rejections: ItemRejection[],
  validation: Set<number>,
  examples: INodeExecutionData[],
  counts: AcceptCounts,
  limit: number,
) {
  const { model } = settings;
  const trainTokens = accepted.filter((_, index) => !validation.has(index)).flatMap((a) => a.requests.map((r) => r.tokens));
  return {
    systemPromptVersion: SYSTEM_PROMPT_VERSION,
    target: settings.prepare.target,
    model,
    seed: settings.seed,
    validationSplit: settings.fraction,
    dedupe: settings.dedupe,
    counts: {
      read,
      accepted: accepted.length,
      rejected: rejections.length,
      train: examples.filter((o) => o.json.split === 'train').length,
      validation: examples.filter((o) => o.json.split === 'validation').length,
    },
    rejected: counts.rejected,
    rejections,
    invalidCodes: counts.invalidCodes,
    requests: counts.requestSources,
    redactions: counts.redactions,
    tokens: { ...summarizeTokens(accepted.map((a) => a.prepared.tokens)), limit, overLimit: counts.overLimit },
    cost: estimateTrainingCost({ tokensPerExample: trainTokens, model }),
  };
}

/** The input items are one dataset. */
export function usesAllItems(): boolean {
  return true;
}
