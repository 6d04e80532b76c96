/** Model → Delete: remove a fine-tuned model from the account. */
import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { fineTuningClient } from '../../shared/client';
import { inputError } from '../../shared/errors';

const properties: INodeProperties[] = [
  {
    displayName: 'Model ID',
    name: 'modelId',
    type: 'string',
    required: true,
    default: '',
    placeholder: 'ft:gpt-4o-mini-2024-07-18:my-org:flowtune:abc123',
    description: 'ID of the fine-tuned model, e.g. <code>fineTunedModel</code> of a succeeded job. Deleting cannot be undone.',
  },
];

export const description = updateDisplayOptions({ show: { resource: ['model'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
  const modelId = String(this.getNodeParameter('modelId', itemIndex)).trim();
  if (modelId === '') throw inputError(this.getNode(), 'Model ID is empty', itemIndex);
  const { provider } = await fineTuningClient(this);
  await provider.deleteModel(modelId);
  return [{ json: { id: modelId, deleted: true }, pairedItem: { item: itemIndex } }];
}
