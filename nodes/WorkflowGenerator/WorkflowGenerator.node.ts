import {
  NodeConnectionTypes,
  NodeOperationError,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import { ChatCompletionsModel } from '../../generator/models';
import { isServerKind } from '../../generator/constrained/server-kind';
import { generateWorkflow } from '../../generator/pipeline';
import { BASELINE_LABEL, OfflineModel } from '../../generator/offline/model';
import { TrainingDataError, type RetrievalIndex } from '../../generator/retrieval';
import type { GenerationResult, WorkflowModel } from '../../generator/types';
import { N8nApiClient } from '../../n8n-api/client';
import { n8nFetch } from '../shared/transport';
import { DEFAULT_MODEL_TIMEOUT_MS, modelTimeoutMs, oncePerKey, resolveProvider, serviceName, type ResolvedCredentialProvider } from '../shared/connection';
import { searchModels } from '../shared/searchModels';
import { modelProperty } from '../shared/model-fields';
import { FINE_TUNING_CREDENTIAL, FINE_TUNING_CREDENTIAL_LABEL, N8N_API_CREDENTIAL, N8N_API_CREDENTIAL_LABEL } from '../shared/provider';
import { continueOnFailItem, linesDescription, toNodeError, type NodeErrorContext } from '../shared/errors';
import { nodeCatalog, retrievalIndex } from './shared/resources';

/**
 * Version 1.1: the offline baseline is the default model source and the model is a resource
 * locator (From List / By ID). Version 1 keeps its free-text model and the chat model as default
 * source, so that saved workflows (which store only values that differ from the defaults) keep
 * doing what they did.
 */
const V1 = { '@version': [1] };
const SINCE_V1_1 = { '@version': [{ _cnd: { gte: 1.1 } }] };
/** Every version of the node (a credential's `show` rule below lists them all). */
const VERSIONS = [1, 1.1];
const MAX_REPAIRS = 10;
const MAX_FEW_SHOT = 10;

/** A validation issue in one line, as the CLI prints it. */
const issueLine = (e: GenerationResult['errors'][number]) => `${e.code}${e.node ? ` [${e.node}]` : ''}: ${e.message}`;

export class WorkflowGenerator implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Workflow Generator',
    name: 'workflowGenerator',
    icon: { light: 'file:../../icons/flowtune.svg', dark: 'file:../../icons/flowtune.dark.svg' },
    group: ['transform'],
    version: VERSIONS,
    defaultVersion: 1.1,
    // $parameter gives a resource locator's value (the model ID).
    subtitle: '={{ $parameter["modelSource"] === "retrieval" ? "retrieval baseline" : $parameter["model"] }}',
    description: 'Turn a request into an n8n workflow validated against the node catalog, with a fine-tuned model or the offline retrieval baseline',
    defaults: { name: 'Workflow Generator' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [
      { name: FINE_TUNING_CREDENTIAL, required: true, displayOptions: { show: { modelSource: ['model'] } } },
      {
        name: N8N_API_CREDENTIAL,
        displayName: `Credential for ${N8N_API_CREDENTIAL_LABEL}`,
        required: true,
        // n8n's editor reads credential `displayOptions` to guess a node's authentication field:
        // - a field that a `show` rule names, all of whose values are listed there (a yes/no field always
        //   is), is taken for it and hidden, so `show: {createInN8n: [true]}` would hide the switch;
        // - a credential with no `show` rule at all is taken for a choice among the node's credentials,
        //   and "Create new credential" then opens the first one's form (Fine-Tuning API).
        // So: shown in every version (`@version` is no field), hidden while the switch is off.
        displayOptions: { show: { '@version': VERSIONS }, hide: { createInN8n: [false] } },
      },
    ],
    properties: [
      {
        displayName: 'Request',
        name: 'request',
        type: 'string',
        typeOptions: { rows: 4 },
        default: '',
        required: true,
        placeholder: 'e.g. Post new GitHub issues to a Slack channel',
        description: 'What the workflow should do',
      },
      {
        displayName: 'Model Source',
        name: 'modelSource',
        type: 'options',
        noDataExpression: true,
        default: 'retrieval',
        displayOptions: { show: SINCE_V1_1 },
        options: [
          {
            name: 'Fine-Tuned or Any Chat Model',
            value: 'model',
            description: `A model served by the provider of the ${FINE_TUNING_CREDENTIAL_LABEL} credential (or an OpenAI-compatible server)`,
          },
          {
            name: 'Retrieval Baseline (Offline, No Model)',
            value: 'retrieval',
            description: 'A baseline to compare models with, not a language model: the training workflow that best covers the apps, trigger and AI pattern of the request, adapted to it. No credential needed.',
          },
        ],
      },
      {
        displayName: 'Model Source',
        name: 'modelSource',
        type: 'options',
        noDataExpression: true,
        default: 'model',
        displayOptions: { show: V1 },
        options: [
          {
            name: 'Fine-Tuned or Any Chat Model',
            value: 'model',
            description: `A model served by the provider of the ${FINE_TUNING_CREDENTIAL_LABEL} credential (or an OpenAI-compatible server)`,
          },
          {
            name: 'Retrieval Baseline (Offline)',
            value: 'retrieval',
            description: 'No model and no key: the training workflow that best covers the request, adapted to it. A baseline, not a language model.',
          },
        ],
      },
      {
        ...modelProperty,
        description: 'A fine-tuned model of the account, or any model ID the endpoint serves (a vLLM LoRA name, an Ollama model, …)',
        displayOptions: { show: { ...SINCE_V1_1, modelSource: ['model'] } },
      },
      {
        displayName: 'Model',
        name: 'model',
        type: 'string',
        default: '',
        required: true,
        placeholder: 'e.g. ft:gpt-4o-mini-2024-07-18:acme:flowtune:abc123',
        description: 'Model ID: a fine-tuned model (the Fine-Tuned Chat node lists them), a vLLM LoRA name, an Ollama model, …',
        displayOptions: { show: { ...V1, modelSource: ['model'] } },
      },
      {
        displayName:
          'The retrieval baseline reads the apps, trigger and AI pattern your request names, picks the training workflow that covers them best and adapts it (the trigger you ask for, missing apps added, apps you did not name taken out), without any language model. Outputs are labelled as a baseline.',
        name: 'baselineNotice',
        type: 'notice',
        default: '',
        displayOptions: { show: { modelSource: ['retrieval'] } },
      },
      {
        displayName: 'On Invalid Result',
        name: 'onInvalid',
        type: 'options',
        default: 'fail',
        description: 'What to do when the workflow still fails validation after the repair rounds',
        options: [
          { name: 'Fail', value: 'fail', description: 'Stop with the validator errors (or an error item with Continue On Fail)' },
          { name: 'Pass Through', value: 'passThrough', description: 'Output it anyway, with valid: false and the errors' },
        ],
      },
      {
        displayName: 'Create in N8n',
        name: 'createInN8n',
        type: 'boolean',
        default: false,
        description: `Whether to create the workflow (inactive) in n8n through its public API when it validates, with the ${N8N_API_CREDENTIAL_LABEL} credential; the output gets its ID and editor URL`,
      },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        options: [
          {
            displayName: 'Catalog Hints',
            name: 'hints',
            type: 'boolean',
            default: false,
            description: 'Whether to add likely node types from the catalog to the request',
            displayOptions: { show: { '/modelSource': ['model'] } },
          },
          {
            displayName: 'Constrained JSON Schema',
            name: 'constrained',
            type: 'boolean',
            default: false,
            description:
              "Whether to constrain decoding to the workflow's JSON Schema with the catalog's node types, so that the model cannot invent a node type, the way the Server Kind takes it",
            displayOptions: { show: { '/modelSource': ['model'] } },
          },
          {
            displayName: 'Few-Shot Examples',
            name: 'fewShot',
            type: 'number',
            typeOptions: { minValue: 0, maxValue: MAX_FEW_SHOT },
            default: 0,
            description: 'Training examples nearest to the request shown to the model before it',
            displayOptions: { show: { '/modelSource': ['model'] } },
          },
          {
            displayName: 'Fix Deterministically',
            name: 'fix',
            type: 'boolean',
            default: true,
            description:
              'Whether to repair what the validator finds without a model call first (nearest node type and version, unknown parameters, dangling or mistyped connections, duplicate names, …); the output lists every fix',
          },
          {
            displayName: 'Max Repairs',
            name: 'maxRepairs',
            type: 'number',
            typeOptions: { minValue: 0, maxValue: MAX_REPAIRS },
            default: 2,
            description: 'Rounds that send the validator errors back to the model',
            displayOptions: { show: { '/modelSource': ['model'] } },
          },
          {
            displayName: 'Server Kind',
            name: 'serverKind',
            type: 'options',
            default: 'auto',
            options: [
              { name: 'Auto-Detect', value: 'auto', description: 'From the host (OpenAI, Azure OpenAI), else a probe of the server of at most 2 seconds' },
              { name: 'Azure OpenAI', value: 'azure', description: 'Strict JSON Schema, as on OpenAI' },
              { name: 'Llama.cpp', value: 'llamacpp', description: 'The json_schema field, turned into a grammar by llama-server' },
              { name: 'Ollama', value: 'ollama', description: 'Response format json_schema' },
              { name: 'OpenAI', value: 'openai', description: 'Strict JSON Schema within its limits, converted back before validation' },
              { name: 'vLLM', value: 'vllm', description: 'Structured_outputs (guided_json before vLLM 0.12)' },
            ],
            description: 'How Constrained JSON Schema is sent to the model server',
            displayOptions: { show: { '/modelSource': ['model'] } },
          },
          {
            displayName: 'Timeout',
            name: 'timeout',
            type: 'number',
            typeOptions: { minValue: 1 },
            default: DEFAULT_MODEL_TIMEOUT_MS,
            description: 'Milliseconds to wait for each model answer, retries included',
            displayOptions: { show: { '/modelSource': ['model'] } },
          },
          {
            displayName: 'Training Data Path',
            name: 'trainingData',
            type: 'string',
            default: '',
            placeholder: '/data/flowtune-dataset/train.jsonl',
            description:
              'OpenAI chat JSONL on the n8n server, for the retrieval baseline and few-shot examples. Empty: flowtune-dataset/train.jsonl of the working folder, else a build from the n8n.io templates made once into the cache folder.',
          },
        ],
      },
    ],
  };

  methods = {
    listSearch: { searchModels },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const run = new GenerationRun(this);
    const output: INodeExecutionData[] = [];
    for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
      try {
        output.push({ json: await run.generate(itemIndex), pairedItem: { item: itemIndex } });
      } catch (error) {
        const nodeError = toNodeError(this.getNode(), error, run.errorContext);
        if (this.continueOnFail()) {
          output.push(continueOnFailItem(nodeError, { item: itemIndex }));
          continue;
        }
        throw nodeError;
      }
    }
    return [output];
  }
}

/** An item's parameters, checked. */
interface ItemSettings {
  request: string;
  /** The offline retrieval baseline rather than a served model. */
  baseline: boolean;
  options: IDataObject;
  maxRepairs: number;
  fewShot: number;
}

/**
 * One execution of the node: what its items share (the catalog, the provider, the served models, the n8n
 * client, each made once) and whom the item in hand last talked to (its error's context).
 */
class GenerationRun {
  private readonly defaultSource: string;
  private readonly catalog = nodeCatalog();
  private readonly cancel: ReturnType<IExecuteFunctions['getExecutionCancelSignal']>;
  private resolved: ResolvedCredentialProvider | undefined;
  private n8n: N8nApiClient | undefined;
  private readonly models = new Map<string, Promise<WorkflowModel>>();
  private context: NodeErrorContext = {};

  constructor(private readonly fns: IExecuteFunctions) {
    this.defaultSource = fns.getNode().typeVersion >= 1.1 ? 'retrieval' : 'model';
    this.cancel = fns.getExecutionCancelSignal();
  }

  /** The context of the item in hand's error: the service and credential it was talking to. */
  get errorContext(): NodeErrorContext {
    return this.context;
  }

  /** The output of one item: the generated workflow, its validation and trace, and where it was created. */
  async generate(itemIndex: number): Promise<IDataObject> {
    this.context = { service: 'the model endpoint', credential: FINE_TUNING_CREDENTIAL_LABEL, itemIndex };
    const settings = this.itemSettings(itemIndex);
    const { baseline, options, fewShot } = settings;
    const index = baseline || fewShot > 0 ? await this.trainingIndex(String(options.trainingData ?? ''), itemIndex) : undefined;
    const model = baseline ? new OfflineModel(index!, this.catalog) : await this.servedModel(options, itemIndex);
    const result = await generateWorkflow(settings.request, {
      model,
      catalog: this.catalog,
      maxRepairs: settings.maxRepairs,
      ...(!baseline && options.constrained === true ? { constrained: true } : {}),
      ...(index && fewShot > 0 ? { fewShot: { index, k: fewShot } } : {}),
      ...(!baseline && options.hints === true ? { hints: { catalog: this.catalog } } : {}),
      ...(options.fix === false ? { fix: false } : {}),
    });
    if (!result.valid && this.fns.getNodeParameter('onInvalid', itemIndex, 'fail') === 'fail') throw this.invalidResultError(result, itemIndex);
    const json = resultJson(result);
    if (result.valid && result.workflow && this.fns.getNodeParameter('createInN8n', itemIndex, false) === true) {
      json.created = await this.createInN8n(result.workflow, itemIndex);
    }
    return json;
  }

  private itemSettings(itemIndex: number): ItemSettings {
    const request = String(this.fns.getNodeParameter('request', itemIndex, '') ?? '').trim();
    if (request === '') throw new NodeOperationError(this.fns.getNode(), `Item ${itemIndex} has an empty request`, { itemIndex, description: 'Say what the workflow should do.' });
    const source = this.fns.getNodeParameter('modelSource', itemIndex, this.defaultSource) as string;
    const options = this.fns.getNodeParameter('options', itemIndex, {}) as IDataObject;
    const baseline = source === 'retrieval';
    const maxRepairs = this.wholeNumber(options.maxRepairs, 2, 'Max Repairs', MAX_REPAIRS, itemIndex);
    const fewShot = baseline ? 0 : this.wholeNumber(options.fewShot, 0, 'Few-Shot Examples', MAX_FEW_SHOT, itemIndex);
    return { request, baseline, options, maxRepairs, fewShot };
  }

  private wholeNumber(value: unknown, fallback: number, label: string, max: number, itemIndex: number): number {
    const n = value === undefined || value === '' ? fallback : Number(value);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new NodeOperationError(this.fns.getNode(), `${label} must be a whole number from 0 to ${max} (got ${String(value)})`, { itemIndex });
    return n;
  }

  private async trainingIndex(file: string, itemIndex: number): Promise<RetrievalIndex> {
    try {
      return await retrievalIndex(file);
    } catch (error) {
      if (!(error instanceof TrainingDataError)) throw new NodeOperationError(this.fns.getNode(), error as Error, { itemIndex });
      // The file's own words go to the description: n8n rewrites messages that contain ENOENT & co.
      throw new NodeOperationError(this.fns.getNode(), 'The training data cannot be used', {
        itemIndex,
        description: `${error.message}. Training Data Path takes an OpenAI chat JSONL file (e.g. train.jsonl of flowtune dataset build) on the n8n server.`,
      });
    }
  }

  /** The chosen model where the credential's provider serves it, made once per model and settings. */
  private async servedModel(options: IDataObject, itemIndex: number): Promise<WorkflowModel> {
    this.resolved ??= await resolveProvider(this.fns, itemIndex);
    // A resource locator since version 1.1, a string before: extractValue reads both.
    const id = String(this.fns.getNodeParameter('model', itemIndex, '', { extractValue: true }) ?? '').trim();
    this.context = { service: serviceName(this.resolved.credential), credential: FINE_TUNING_CREDENTIAL_LABEL, itemIndex, ...(id ? { model: id } : {}) };
    if (id === '') throw new NodeOperationError(this.fns.getNode(), 'Choose a model', { itemIndex, description: 'Pick one from the list or give its ID, or choose the Retrieval Baseline as the Model Source.' });
    const timeoutMs = modelTimeoutMs(options);
    const serverKind = isServerKind(options.serverKind) ? options.serverKind : 'auto';
    const { provider, credential } = this.resolved;
    return oncePerKey(this.models, `${id}\u0000${timeoutMs}\u0000${serverKind}`, () =>
      provider.servingFor(id).then(
        (serving) =>
          new ChatCompletionsModel(
            {
              baseURL: serving.baseURL,
              model: serving.model,
              headers: serving.headers,
              apiKey: credential.apiKey || 'not-needed',
              timeoutMs,
              serverKind,
              fetch: n8nFetch(this.fns.helpers, this.cancel),
            },
            this.catalog,
          ),
      ),
    );
  }

  private invalidResultError(result: GenerationResult, itemIndex: number): NodeOperationError {
    const shown = result.errors.slice(0, 15).map(issueLine);
    const more = result.errors.length > shown.length ? [`… and ${result.errors.length - shown.length} more`] : [];
    return new NodeOperationError(this.fns.getNode(), `The generated workflow for item ${itemIndex} does not validate (${result.errors.length} error(s) after ${result.trace.rounds.length} round(s))`, {
      itemIndex,
      description: linesDescription([...shown, ...more, 'Set On Invalid Result to Pass Through to output it anyway.']),
    });
  }

  /** The workflow created in n8n through its API (the client made once per execution). */
  private async createInN8n(workflow: NonNullable<GenerationResult['workflow']>, itemIndex: number): Promise<IDataObject> {
    this.context = { service: 'n8n', credential: N8N_API_CREDENTIAL_LABEL, itemIndex };
    if (!this.n8n) {
      const credential = (await this.fns.getCredentials(N8N_API_CREDENTIAL)) as { baseUrl?: string; apiKey?: string };
      if (!credential.baseUrl) throw new NodeOperationError(this.fns.getNode(), `The "${N8N_API_CREDENTIAL_LABEL}" credential has no Base URL`, { itemIndex });
      this.n8n = new N8nApiClient(credential.baseUrl, credential.apiKey ?? '', n8nFetch(this.fns.helpers, this.cancel));
    }
    const created = await this.n8n.createWorkflow(workflow);
    return { id: created.id, name: created.name, editorUrl: created.editorUrl };
  }
}

/** An item's output fields, in order, from a generation result. */
function resultJson(result: GenerationResult): IDataObject {
  return {
    workflow: result.workflow as unknown as IDataObject | null,
    valid: result.valid,
    errors: result.errors as unknown as IDataObject[],
    warnings: result.warnings as unknown as IDataObject[],
    // What deterministic repair changed (applied) or only suggested (below the confidence threshold), every round.
    fixes: result.trace.rounds.flatMap((r) => r.fixes ?? []) as unknown as IDataObject[],
    trace: result.trace as unknown as IDataObject,
    model: result.trace.model,
    baseline: result.trace.baseline,
    ...(result.trace.baseline ? { label: BASELINE_LABEL } : {}),
  };
}
