/** Model → Delete: remove a fine-tuned model from the account. */
import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { fineTuningClient } from '../../shared/client';
import { idParameter, modelIdFields } from '../../shared/descriptions';
import { inputError } from '../../../shared/errors';

const properties: INodeProperties[] = [...modelIdFields];

export const description = updateDisplayOptions({ show: { resource: ['model'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
  const modelId = idParameter(this, 'modelId', itemIndex);
  if (modelId === '') throw inputError(this.getNode(), 'Model ID is empty', itemIndex);
  const { provider } = await fineTuningClient(this);
  await provider.deleteModel(modelId);
  return [{ json: { id: modelId, deleted: true }, pairedItem: { item: itemIndex } }];
}
