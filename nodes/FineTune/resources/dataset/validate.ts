/**
 * Dataset → Validate: the fine-tuning format checks of `flowtune dataset check`
 * (OpenAI cookbook codes) over the input items, with item indices instead of line
 * numbers, token statistics and a cost estimate, as one summary item.
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { estimateTrainingCost } from '../../../../dataset/cost';
import type { TargetFormat } from '../../../../dataset/prompt';
import { inputError } from '../../../shared/errors';
import { checkItemExamples, itemExamples } from '../../shared/examples';
import { allItems } from '../../shared/types';
import { baseModelFields, promptTargetOption } from '../../shared/descriptions';

const properties: INodeProperties[] = [
  {
    displayName:
      'Each input item is one training example: chat <code>messages</code>, or <code>prompt</code> and <code>completion</code> (checked as chat with the flowtune system prompt). The output is one summary item.',
    name: 'validateNotice',
    type: 'notice',
    default: '',
  },
  ...baseModelFields('Model to fine-tune: its tokenizer, per-example token limit and training price apply'),
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    options: [
      {
        displayName: 'Epochs',
        name: 'epochs',
        type: 'number',
        default: 3,
        typeOptions: { minValue: 1, maxValue: 50 },
        description: 'Epochs of the cost estimate. Not set: the default OpenAI picks for this many examples.',
      },
      {
        displayName: 'Max Problems Listed',
        name: 'maxFindings',
        type: 'number',
        default: 100,
        typeOptions: { minValue: 1 },
        description: 'Most problems listed in the output (all are counted)',
      },
      promptTargetOption,
    ],
  },
];

export const description = updateDisplayOptions({ show: { resource: ['dataset'], operation: ['validate'] } }, properties);

interface ValidateOptions {
  epochs?: number;
  maxFindings?: number;
  target?: TargetFormat;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
  const items = this.getInputData();
  const model = String(this.getNodeParameter('model', itemIndex)).trim();
  const options = this.getNodeParameter('options', itemIndex, {}) as ValidateOptions;
  if (model === '') throw inputError(this.getNode(), 'Base Model is empty', itemIndex);
  const epochs = options.epochs;
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs >= 1 && epochs <= 50)) {
    throw inputError(this.getNode(), `Epochs must be a whole number from 1 to 50 (got ${epochs})`, itemIndex);
  }
  const examples = itemExamples(items, options.target === 'full' ? 'full' : 'compact');
  const { result, findings, tokensPerItem } = checkItemExamples(examples, model);
  // Validation examples (Build Training Data's split) are not trained on: they cost nothing.
  const trained = tokensPerItem.filter((t) => items[t.item].json.split !== 'validation');
  const { total, min, max, mean, p50, p90 } = result.tokens;
  const summary = {
    valid: findings.length === 0 && result.examples > 0,
    model,
    encoding: result.encoding,
    approximateTokens: result.approximate,
    items: items.length,
    examples: result.examples,
    skippedItems: examples.skipped,
    errorCount: findings.length,
    byCode: result.byCode,
    errors: findings.slice(0, Math.max(1, options.maxFindings ?? 100)),
    tokens: { total, min, max, mean, p50, p90 },
    limit: result.limit,
    limitDocumented: result.limitDocumented,
    overLimit: result.overLimit,
    overLimitItems: tokensPerItem.filter((t) => t.tokens > result.limit).map((t) => t.item),
    estimate: estimateTrainingCost({ tokensPerExample: trained.map((t) => t.tokens), model, ...(epochs !== undefined ? { epochs } : {}) }),
  };
  return [{ json: summary as unknown as IDataObject, pairedItem: allItems(items.length) }];
}

/** The input items are one dataset. */
export function usesAllItems(): boolean {
  return true;
}
