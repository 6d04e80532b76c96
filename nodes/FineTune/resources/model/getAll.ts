/** Model → Get Many: the fine-tuned models of the account, newest first. */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { fineTuningClient } from '../../shared/client';
import { resultLimit, returnAllFields } from '../../shared/descriptions';

const properties: INodeProperties[] = [...returnAllFields()];

export const description = updateDisplayOptions({ show: { resource: ['model'], operation: ['getAll'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
  const limit = resultLimit(this.getNodeParameter('returnAll', itemIndex, false) as boolean, this.getNodeParameter('limit', itemIndex, 50) as number);
  const { provider } = await fineTuningClient(this);
  const models = await provider.listModels();
  return (limit === undefined ? models : models.slice(0, limit)).map((model) => ({ json: model as unknown as IDataObject, pairedItem: { item: itemIndex } }));
}
