/**
 * Job → Create: training data from the input items, a binary JSONL file or a file
 * already on the provider; checked and priced before anything is uploaded
 * (`planLaunch`), created at most once for the same data and settings (`launchJob`:
 * the idempotency key in the job's metadata), optionally followed to the end.
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INode, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { checkJsonl } from '../../../../dataset/check';
import { DEFAULT_BUILD_SETTINGS } from '../../../../dataset/build';
import { NODE_VALIDATION_SPLIT } from '../../../../dataset/split';
import type { TargetFormat } from '../../../../dataset/prompt';
import { UnsupportedSettingsError } from '../../../../trainer/errors';
import { launchJob, planLaunch, settingsProblem, type DataFile, type DataLaunchPlan, type DataLaunchRequest, type LaunchRequest, type LaunchResult } from '../../../../trainer/launch';
import type { SupervisedMethod, TrainingSetting } from '../../../../trainer/types';
import { fineTuningClient, type FineTuningClient } from '../../shared/client';
import { inputError } from '../../../shared/errors';
import { checkItemExamples, describeFindings, itemExamples, jsonl, splitLines } from '../../shared/examples';
import { jobJson, waitForJob } from '../../shared/job';
import { allItems } from '../../shared/types';
import { baseModelFields, promptTargetOption, SINCE_V1_1, V1 } from '../../shared/descriptions';

const LOCAL = ['inputItems', 'binary'];

/**
 * Where the validation examples come from. Version 1.1 takes them from the items' "split" field by
 * default when the data are input items (Build Training Data has split them already); a binary file
 * is split off. Version 1 splits off in both cases, as before.
 */
function validationSourceFields(): INodeProperties[] {
  // Literal options (n8n's lint reads them), the same three or four in each.
  return [
    {
      displayName: 'Validation Data',
      name: 'validationSource',
      type: 'options',
      noDataExpression: true,
      default: 'field',
      displayOptions: { show: { ...SINCE_V1_1, trainingSource: ['inputItems'] } },
      options: [
        {
          name: 'Items\' "Split" Field',
          value: 'field',
          description: 'Items with <code>split: "validation"</code> (as Build Training Data outputs them) validate, the others train (all of them when no item has the field)',
        },
        { name: 'None', value: 'none', description: 'Train on everything, no validation file' },
        { name: 'Provider File ID', value: 'fileId', description: 'A validation file already uploaded to the provider' },
        { name: 'Split Off the Training Data', value: 'split', description: 'A seeded share of the examples becomes the validation file' },
      ],
    },
    {
      displayName: 'Validation Data',
      name: 'validationSource',
      type: 'options',
      noDataExpression: true,
      default: 'split',
      displayOptions: { show: { ...SINCE_V1_1, trainingSource: ['binary'] } },
      options: [
        { name: 'None', value: 'none', description: 'Train on everything, no validation file' },
        { name: 'Provider File ID', value: 'fileId', description: 'A validation file already uploaded to the provider' },
        { name: 'Split Off the Training Data', value: 'split', description: 'A seeded share of the examples becomes the validation file' },
      ],
    },
    {
      displayName: 'Validation Data',
      name: 'validationSource',
      type: 'options',
      noDataExpression: true,
      default: 'split',
      displayOptions: { show: { ...V1, trainingSource: LOCAL } },
      options: [
        {
          name: 'Items\' "Split" Field',
          value: 'field',
          description: 'Items with <code>split: "validation"</code> (as Build Training Data outputs them) validate, the others train (all of them when no item has the field)',
          displayOptions: { show: { trainingSource: ['inputItems'] } },
        },
        { name: 'None', value: 'none', description: 'Train on everything, no validation file' },
        { name: 'Provider File ID', value: 'fileId', description: 'A validation file already uploaded to the provider' },
        { name: 'Split Off the Training Data', value: 'split', description: 'A seeded share of the examples becomes the validation file' },
      ],
    },
  ];
}

/** The default of Validation Data for this node version and training source. */
function defaultValidationSource(ctx: IExecuteFunctions, source: string): string {
  return ctx.getNode().typeVersion >= 1.1 && source === 'inputItems' ? 'field' : 'split';
}

const properties: INodeProperties[] = [
  {
    displayName:
      'The data is checked and the cost estimated before anything is uploaded. Running this again with the same data and settings returns the existing job (unless it failed or was cancelled) instead of paying for another.',
    name: 'createNotice',
    type: 'notice',
    default: '',
  },
  {
    displayName: 'Training Data',
    name: 'trainingSource',
    type: 'options',
    noDataExpression: true,
    default: 'inputItems',
    options: [
      { name: 'Binary JSONL File', value: 'binary', description: 'A JSONL file in a binary property of each item: one job per item' },
      {
        name: 'Input Items',
        value: 'inputItems',
        description: 'All input items form one training file (chat <code>messages</code>, or <code>prompt</code> and <code>completion</code>): one job',
      },
      { name: 'Provider File ID', value: 'fileId', description: 'A training file already uploaded to the provider: one job per item' },
    ],
  },
  {
    displayName: 'Training File ID',
    name: 'trainingFileId',
    type: 'string',
    required: true,
    default: '',
    placeholder: 'file-abc123',
    displayOptions: { show: { trainingSource: ['fileId'] } },
    description: 'ID of a training file uploaded to the provider for fine-tuning',
  },
  {
    displayName: 'Input Binary Field',
    name: 'binaryPropertyName',
    type: 'string',
    required: true,
    default: 'data',
    displayOptions: { show: { trainingSource: ['binary'] } },
    hint: 'The name of the input binary field containing the JSONL file',
  },
  ...validationSourceFields(),
  {
    displayName: 'Validation Split',
    name: 'validationSplit',
    type: 'number',
    // NODE_VALIDATION_SPLIT (a literal for n8n's lint; a test checks they agree).
    default: 0.2,
    typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
    displayOptions: { show: { trainingSource: LOCAL, validationSource: ['split'] } },
    description: 'Share of the examples used for validation (0–1); the same data and seed always give the same split',
  },
  {
    displayName: 'Validation File ID',
    name: 'validationFileId',
    type: 'string',
    required: true,
    default: '',
    placeholder: 'file-def456',
    displayOptions: { show: { trainingSource: LOCAL, validationSource: ['fileId'] } },
    description: 'ID of a validation file uploaded to the provider',
  },
  {
    displayName: 'Validation File ID',
    name: 'validationFileId',
    type: 'string',
    default: '',
    placeholder: 'file-def456',
    displayOptions: { show: { trainingSource: ['fileId'] } },
    description: 'ID of a validation file uploaded to the provider (optional)',
  },
  ...baseModelFields('Model to fine-tune, as the provider names it (e.g. gpt-4.1-mini-2025-04-14, meta-llama/Meta-Llama-3.1-8B-Instruct)'),
  {
    displayName: 'Wait for Completion',
    name: 'waitForCompletion',
    type: 'boolean',
    default: false,
    description:
      'Whether to poll the job until it succeeded, failed or was cancelled, and output its final state (with the fine-tuned model). Cancelling the execution stops waiting but does NOT cancel the job: use Job → Cancel for that.',
  },
  {
    displayName: 'Poll Interval (Seconds)',
    name: 'pollInterval',
    type: 'number',
    default: 30,
    typeOptions: { minValue: 1 },
    displayOptions: { show: { waitForCompletion: [true] } },
    description: 'Seconds between status checks',
  },
  {
    displayName: 'Timeout (Minutes)',
    name: 'waitTimeout',
    type: 'number',
    default: 120,
    typeOptions: { minValue: 1 },
    displayOptions: { show: { waitForCompletion: [true] } },
    description: 'Stop waiting after this long with an error naming the job ID; the job keeps running and Job → Get picks it up',
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    options: [
      {
        displayName: 'Batch Size',
        name: 'batchSize',
        type: 'number',
        default: 8,
        typeOptions: { minValue: 1 },
        description: 'Examples per training step. Not set: the provider chooses.',
      },
      {
        displayName: 'Epochs',
        name: 'epochs',
        type: 'number',
        default: 3,
        typeOptions: { minValue: 1, maxValue: 50 },
        description: 'Passes over the training data (1–50). Not set: the provider chooses.',
      },
      {
        displayName: 'Learning Rate',
        name: 'learningRate',
        type: 'number',
        default: 0.00002,
        typeOptions: { minValue: 0, numberPrecision: 8 },
        description: 'Absolute learning rate, for Nebius Token Factory and Together AI (OpenAI and Azure take a multiplier instead)',
      },
      {
        displayName: 'Learning Rate Multiplier',
        name: 'learningRateMultiplier',
        type: 'number',
        default: 1,
        typeOptions: { minValue: 0, numberPrecision: 4 },
        description: "Scales the provider's default learning rate (OpenAI, Azure OpenAI)",
      },
      {
        displayName: 'Maximum Estimated Cost (USD)',
        name: 'maxCostUsd',
        type: 'number',
        default: 10,
        typeOptions: { minValue: 0, numberPrecision: 2 },
        description:
          'Refuse to upload and create the job when the estimated training cost is higher. Applies when the price of the base model is known (OpenAI models).',
      },
      {
        displayName: 'Metadata',
        name: 'metadata',
        type: 'fixedCollection',
        placeholder: 'Add Metadata',
        default: {},
        typeOptions: { multipleValues: true },
        description: 'Key-value pairs stored with the job (flowtune adds its idempotency key, flowtune_key)',
        options: [
          {
            displayName: 'Metadata',
            name: 'values',
            values: [
              { displayName: 'Key', name: 'key', type: 'string', default: '' },
              { displayName: 'Value', name: 'value', type: 'string', default: '' },
            ],
          },
        ],
      },
      {
        displayName: 'Seed',
        name: 'seed',
        type: 'number',
        default: 42,
        description: 'Training seed, for reproducible jobs where the provider supports it',
      },
      {
        displayName: 'Split Seed',
        name: 'splitSeed',
        type: 'number',
        default: 42,
        description: 'Seed of the validation split',
      },
      {
        displayName: 'Suffix',
        name: 'suffix',
        type: 'string',
        default: '',
        description: 'Up to 64 characters added to the fine-tuned model name (OpenAI: ft:BASE:ORG:SUFFIX:ID)',
      },
      promptTargetOption,
    ],
  },
];

export const description = updateDisplayOptions({ show: { resource: ['job'], operation: ['create'] } }, properties);

interface CreateOptions {
  batchSize?: number;
  epochs?: number;
  learningRate?: number;
  learningRateMultiplier?: number;
  maxCostUsd?: number;
  metadata?: { values?: Array<{ key?: string; value?: string }> };
  seed?: number;
  splitSeed?: number;
  suffix?: string;
  target?: TargetFormat;
}

function trainingMethod(options: CreateOptions): SupervisedMethod {
  return {
    type: 'supervised',
    ...(options.epochs !== undefined ? { nEpochs: options.epochs } : {}),
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.learningRateMultiplier !== undefined ? { learningRateMultiplier: options.learningRateMultiplier } : {}),
    ...(options.learningRate !== undefined ? { learningRate: options.learningRate } : {}),
  };
}

/** What `planLaunch` checks, for jobs on provider files (nothing local to plan). */
function methodProblem(method: SupervisedMethod): string | undefined {
  const { nEpochs: n, batchSize: b, learningRateMultiplier: m, learningRate: lr } = method;
  if (typeof n === 'number' && !(Number.isInteger(n) && n >= 1 && n <= 50)) return `Epochs must be a whole number from 1 to 50 (got ${n})`;
  if (typeof b === 'number' && !(Number.isInteger(b) && b >= 1)) return `Batch Size must be a whole number ≥ 1 (got ${b})`;
  if (typeof m === 'number' && !(m > 0)) return `Learning Rate Multiplier must be > 0 (got ${m})`;
  if (lr !== undefined && !(lr > 0)) return `Learning Rate must be > 0 (got ${lr})`;
  return undefined;
}

/** The node's field of each setting it offers. */
const FIELDS: Partial<Record<TrainingSetting, string>> = {
  epochs: 'Epochs',
  batchSize: 'Batch Size',
  learningRate: 'Learning Rate',
  learningRateMultiplier: 'Learning Rate Multiplier',
  seed: 'Seed',
};

/**
 * A setting the provider does not take, named by its field (the core check of the CLI,
 * `settingsProblem`, in node words); `planLaunch` then runs the rest of the same checks.
 */
function refuseUnsupported(node: INode, itemIndex: number, serviceLabel: string, request: LaunchRequest): void {
  const problem = settingsProblem(request);
  if (!(problem instanceof UnsupportedSettingsError)) return;
  const names = (list: readonly TrainingSetting[]) => list.flatMap((s) => (FIELDS[s] ? [FIELDS[s]] : []));
  throw inputError(
    node,
    `${serviceLabel} does not take ${names(problem.settings).join(', ')}: remove it from Options (nothing was uploaded)`,
    itemIndex,
    `For ${problem.method} training it takes ${names(problem.supported).join(', ')}.`,
  );
}

const dollars = (usd: number) => (usd >= 0.01 || usd === 0 ? usd.toFixed(2) : usd.toPrecision(2));

function metadataOf(options: CreateOptions): Record<string, string> | undefined {
  const entries = (options.metadata?.values ?? []).filter((e) => (e.key ?? '').trim() !== '').map((e) => [e.key!.trim(), String(e.value ?? '')] as const);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The examples of this run as JSONL lines, checked; `markedValidation(line)` reads the items' "split" field. */
async function localExamples(
  ctx: IExecuteFunctions,
  itemIndex: number,
  source: string,
  model: string,
  target: TargetFormat,
): Promise<{ lines: string[]; fileBase: string; markedValidation: (line: number) => boolean }> {
  const node = ctx.getNode();
  if (source === 'inputItems') {
    const items = ctx.getInputData();
    const examples = itemExamples(items, target);
    if (examples.lines.length === 0) throw inputError(node, 'The input items hold no training examples', itemIndex, 'Each item needs chat "messages", or "prompt" and "completion".');
    const { findings } = checkItemExamples(examples, model);
    if (findings.length > 0) {
      const { message, description } = describeFindings(findings, (f) => `Input item ${f.item}`);
      throw inputError(node, message, findings[0].item, description);
    }
    return { lines: examples.lines, fileBase: 'flowtune', markedValidation: (line) => items[examples.items[line]].json.split === 'validation' };
  }
  const property = String(ctx.getNodeParameter('binaryPropertyName', itemIndex)).trim();
  const binary = ctx.helpers.assertBinaryData(itemIndex, property);
  const fileName = binary.fileName || 'train.jsonl';
  const text = (await ctx.helpers.getBinaryDataBuffer(itemIndex, property)).toString('utf8');
  const check = checkJsonl(text, model);
  if (check.examples === 0) throw inputError(node, `The binary file ${fileName} holds no training examples`, itemIndex);
  if (check.errors.length > 0) {
    const findings = check.errors.map((e) => ({ item: e.line, code: e.code, message: e.message }));
    const { message, description } = describeFindings(findings, (f) => `${fileName} line ${f.item}`);
    throw inputError(node, message, itemIndex, description);
  }
  const lines = text
    .split('\n')
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
    .filter((l) => l.trim() !== '');
  return { lines, fileBase: fileName.replace(/\.jsonl?$/i, ''), markedValidation: () => false };
}

/** The settings of the job itself, whatever the data: base model, method, suffix, seed, metadata. */
type JobSettings = Pick<LaunchRequest, 'model' | 'method' | 'suffix' | 'seed' | 'metadata'>;

/** A job launched (or found already launched), the client that did it, and the estimate when the data were local. */
interface Launched {
  launched: LaunchResult;
  client: FineTuningClient;
  estimate: IDataObject | null;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
  const node = this.getNode();
  const source = this.getNodeParameter('trainingSource', itemIndex) as string;
  const model = String(this.getNodeParameter('model', itemIndex)).trim();
  const options = this.getNodeParameter('options', itemIndex, {}) as CreateOptions;
  const wait = this.getNodeParameter('waitForCompletion', itemIndex, false) as boolean;
  const settings = jobSettings(node, itemIndex, model, options);
  let result: Launched;
  if (source === 'fileId') result = await launchOnProviderFiles(this, itemIndex, settings);
  else if (LOCAL.includes(source)) result = await launchOnLocalExamples(this, itemIndex, source, options, settings);
  else throw inputError(node, `Unknown training data source "${source}"`, itemIndex);
  const { launched, client, estimate } = result;
  const job = wait ? await waitForLaunchedJob(this, itemIndex, client, launched) : launched.job;
  return [
    {
      json: { ...jobJson(job), reused: launched.reused, estimate },
      pairedItem: source === 'inputItems' ? allItems(this.getInputData().length) : { item: itemIndex },
    },
  ];
}

/** The job's settings from the node's fields, checked before anything is read or sent. */
function jobSettings(node: INode, itemIndex: number, model: string, options: CreateOptions): JobSettings {
  if (model === '') throw inputError(node, 'Base Model is empty', itemIndex);
  const method = trainingMethod(options);
  const problem = methodProblem(method);
  if (problem) throw inputError(node, problem, itemIndex);
  const metadata = metadataOf(options);
  return {
    model,
    method,
    ...(options.suffix ? { suffix: options.suffix } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(metadata ? { metadata } : {}),
  };
}

/** A job on training (and validation) files already on the provider. */
async function launchOnProviderFiles(ctx: IExecuteFunctions, itemIndex: number, settings: JobSettings): Promise<Launched> {
  const node = ctx.getNode();
  const trainingFileId = String(ctx.getNodeParameter('trainingFileId', itemIndex)).trim();
  const validationFileId = String(ctx.getNodeParameter('validationFileId', itemIndex, '')).trim();
  if (trainingFileId === '') throw inputError(node, 'Training File ID is empty', itemIndex);
  const client = await fineTuningClient(ctx);
  const { provider, baseURL, label } = client;
  const request: LaunchRequest = {
    provider,
    baseURL,
    training: { fileId: trainingFileId },
    ...(validationFileId ? { validation: { fileId: validationFileId } } : {}),
    ...settings,
  };
  refuseUnsupported(node, itemIndex, label, request);
  return { launched: await launchJob(request, planLaunch(request), {}), client, estimate: null };
}

/** A job on examples flowtune holds (the input items or a binary file): split, checked, priced, then uploaded. */
async function launchOnLocalExamples(ctx: IExecuteFunctions, itemIndex: number, source: string, options: CreateOptions, settings: JobSettings): Promise<Launched> {
  const node = ctx.getNode();
  const validationSource = ctx.getNodeParameter('validationSource', itemIndex, defaultValidationSource(ctx, source)) as string;
  const { lines, fileBase, markedValidation } = await localExamples(ctx, itemIndex, source, settings.model, options.target === 'full' ? 'full' : 'compact');
  const validationLines = validationLinesOf(ctx, itemIndex, source, validationSource, lines, markedValidation, options);
  const train = lines.filter((_, i) => !validationLines.has(i));
  const validation = lines.filter((_, i) => validationLines.has(i));
  if (train.length === 0) throw inputError(node, 'No training examples are left after the validation split', itemIndex);
  const validationFileId = validationSource === 'fileId' ? String(ctx.getNodeParameter('validationFileId', itemIndex)).trim() : '';
  if (validationSource === 'fileId' && validationFileId === '') throw inputError(node, 'Validation File ID is empty', itemIndex);

  const client = await fineTuningClient(ctx);
  const { provider, baseURL, label } = client;
  const training: DataFile = { path: `${fileBase}-train.jsonl`, content: jsonl(train) };
  const request: DataLaunchRequest = {
    provider,
    baseURL,
    training,
    ...(validationFileId
      ? { validation: { fileId: validationFileId } }
      : validation.length > 0
        ? { validation: { path: `${fileBase}-validation.jsonl`, content: jsonl(validation) } }
        : {}),
    ...settings,
  };
  // Checks, cost and idempotency key; nothing is sent yet.
  refuseUnsupported(node, itemIndex, label, request);
  const plan = planLaunch(request);
  const estimate = { ...plan.cost, trainingExamples: plan.training.examples, validationExamples: plan.validation?.examples ?? 0 };
  refuseOverCost(node, itemIndex, plan.cost, options.maxCostUsd, settings.model);
  return { launched: await launchJob(request, plan, {}), client, estimate };
}

/** Which of the example lines are for validation: split off, marked by the items' "split" field, or none (a provider file). */
function validationLinesOf(
  ctx: IExecuteFunctions,
  itemIndex: number,
  source: string,
  validationSource: string,
  lines: string[],
  markedValidation: (line: number) => boolean,
  options: CreateOptions,
): Set<number> {
  const node = ctx.getNode();
  if (validationSource === 'split') {
    const fraction = ctx.getNodeParameter('validationSplit', itemIndex, NODE_VALIDATION_SPLIT) as number;
    if (!(fraction >= 0 && fraction <= 1)) throw inputError(node, `Validation Split must be between 0 and 1 (got ${fraction})`, itemIndex);
    return splitLines(lines, fraction, options.splitSeed ?? DEFAULT_BUILD_SETTINGS.seed);
  }
  if (validationSource === 'field') {
    if (source !== 'inputItems') throw inputError(node, 'The items\' "split" field applies to input items only', itemIndex);
    return new Set(lines.flatMap((_, i) => (markedValidation(i) ? [i] : [])));
  }
  return new Set<number>();
}

/** Nothing is uploaded when the estimated cost is known and above Maximum Estimated Cost. */
function refuseOverCost(node: INode, itemIndex: number, cost: DataLaunchPlan['cost'], maxCost: number | undefined, model: string): void {
  if (maxCost !== undefined && cost.usd !== null && cost.usd > maxCost) {
    throw inputError(
      node,
      `The estimated training cost, $${dollars(cost.usd)}, is above the maximum of $${maxCost}: nothing was uploaded`,
      itemIndex,
      `${cost.billedTokens} billed tokens (${cost.tokensPerEpoch} per epoch × ${cost.epochs} epochs) at $${cost.usdPerMillion} per 1M tokens for ${model}. Raise "Maximum Estimated Cost (USD)" or train on less data.`,
    );
  }
}

/** The job followed until it ends (Wait for Completion). */
async function waitForLaunchedJob(ctx: IExecuteFunctions, itemIndex: number, client: FineTuningClient, launched: LaunchResult): Promise<LaunchResult['job']> {
  return waitForJob(
    ctx,
    client.provider,
    launched.job,
    {
      pollIntervalSeconds: ctx.getNodeParameter('pollInterval', itemIndex, 30) as number,
      timeoutMinutes: ctx.getNodeParameter('waitTimeout', itemIndex, 120) as number,
    },
    itemIndex,
  );
}

/** Input items are one dataset: the job is created once from all of them. */
export function usesAllItems(this: IExecuteFunctions): boolean {
  return this.getNodeParameter('trainingSource', 0) === 'inputItems';
}
