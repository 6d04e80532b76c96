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
import { TrainingDataError } from '../../generator/retrieval';
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
    const output: INodeExecutionData[] = [];
    const defaultSource = this.getNode().typeVersion >= 1.1 ? 'retrieval' : 'model';
    const catalog = nodeCatalog();
    const cancel = this.getExecutionCancelSignal();
    let resolved: ResolvedCredentialProvider | undefined;
    let n8n: N8nApiClient | undefined;
    const models = new Map<string, Promise<WorkflowModel>>();

    const wholeNumber = (value: unknown, fallback: number, label: string, max: number, itemIndex: number): number => {
      const n = value === undefined || value === '' ? fallback : Number(value);
      if (!Number.isInteger(n) || n < 0 || n > max) throw new NodeOperationError(this.getNode(), `${label} must be a whole number from 0 to ${max} (got ${String(value)})`, { itemIndex });
      return n;
    };

    const trainingIndex = async (file: string, itemIndex: number) => {
      try {
        return await retrievalIndex(file);
      } catch (error) {
        if (!(error instanceof TrainingDataError)) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
        // The file's own words go to the description: n8n rewrites messages that contain ENOENT & co.
        throw new NodeOperationError(this.getNode(), 'The training data cannot be used', {
          itemIndex,
          description: `${error.message}. Training Data Path takes an OpenAI chat JSONL file (e.g. train.jsonl of flowtune dataset build) on the n8n server.`,
        });
      }
    };

    for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
      let context: NodeErrorContext = { service: 'the model endpoint', credential: FINE_TUNING_CREDENTIAL_LABEL, itemIndex };
      try {
        const request = String(this.getNodeParameter('request', itemIndex, '') ?? '').trim();
        if (request === '') throw new NodeOperationError(this.getNode(), `Item ${itemIndex} has an empty request`, { itemIndex, description: 'Say what the workflow should do.' });
        const source = this.getNodeParameter('modelSource', itemIndex, defaultSource) as string;
        const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
        const baseline = source === 'retrieval';
        const maxRepairs = wholeNumber(options.maxRepairs, 2, 'Max Repairs', MAX_REPAIRS, itemIndex);
        const fewShot = baseline ? 0 : wholeNumber(options.fewShot, 0, 'Few-Shot Examples', MAX_FEW_SHOT, itemIndex);
        const index = baseline || fewShot > 0 ? await trainingIndex(String(options.trainingData ?? ''), itemIndex) : undefined;

        let model: WorkflowModel;
        if (baseline) {
          model = new OfflineModel(index!, catalog);
        } else {
          resolved ??= await resolveProvider(this, itemIndex);
          // A resource locator since version 1.1, a string before: extractValue reads both.
          const id = String(this.getNodeParameter('model', itemIndex, '', { extractValue: true }) ?? '').trim();
          context = { service: serviceName(resolved.credential), credential: FINE_TUNING_CREDENTIAL_LABEL, itemIndex, ...(id ? { model: id } : {}) };
          if (id === '') throw new NodeOperationError(this.getNode(), 'Choose a model', { itemIndex, description: 'Pick one from the list or give its ID, or choose the Retrieval Baseline as the Model Source.' });
          const timeoutMs = modelTimeoutMs(options);
          const serverKind = isServerKind(options.serverKind) ? options.serverKind : 'auto';
          const { provider, credential } = resolved;
          model = await oncePerKey(models, `${id}\u0000${timeoutMs}\u0000${serverKind}`, () =>
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
                    fetch: n8nFetch(this.helpers, cancel),
                  },
                  catalog,
                ),
            ),
          );
        }

        const result = await generateWorkflow(request, {
          model,
          catalog,
          maxRepairs,
          ...(!baseline && options.constrained === true ? { constrained: true } : {}),
          ...(index && fewShot > 0 ? { fewShot: { index, k: fewShot } } : {}),
          ...(!baseline && options.hints === true ? { hints: { catalog } } : {}),
          ...(options.fix === false ? { fix: false } : {}),
        });

        if (!result.valid && this.getNodeParameter('onInvalid', itemIndex, 'fail') === 'fail') {
          const shown = result.errors.slice(0, 15).map(issueLine);
          const more = result.errors.length > shown.length ? [`… and ${result.errors.length - shown.length} more`] : [];
          throw new NodeOperationError(this.getNode(), `The generated workflow for item ${itemIndex} does not validate (${result.errors.length} error(s) after ${result.trace.rounds.length} round(s))`, {
            itemIndex,
            description: linesDescription([...shown, ...more, 'Set On Invalid Result to Pass Through to output it anyway.']),
          });
        }

        const json: IDataObject = {
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

        if (result.valid && result.workflow && this.getNodeParameter('createInN8n', itemIndex, false) === true) {
          context = { service: 'n8n', credential: N8N_API_CREDENTIAL_LABEL, itemIndex };
          if (!n8n) {
            const credential = (await this.getCredentials(N8N_API_CREDENTIAL)) as { baseUrl?: string; apiKey?: string };
            if (!credential.baseUrl) throw new NodeOperationError(this.getNode(), `The "${N8N_API_CREDENTIAL_LABEL}" credential has no Base URL`, { itemIndex });
            n8n = new N8nApiClient(credential.baseUrl, credential.apiKey ?? '', n8nFetch(this.helpers, cancel));
          }
          const created = await n8n.createWorkflow(result.workflow);
          json.created = { id: created.id, name: created.name, editorUrl: created.editorUrl };
        }
        output.push({ json, pairedItem: { item: itemIndex } });
      } catch (error) {
        const nodeError = toNodeError(this.getNode(), error, context);
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
