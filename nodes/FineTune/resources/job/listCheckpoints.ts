/** Job → List Checkpoints: the models saved during training (at epoch ends), usable where the provider serves them. */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { fineTuningClient } from '../../shared/client';
import { idParameter, jobIdFields } from '../../shared/descriptions';
import { inputError } from '../../../shared/errors';

const properties: INodeProperties[] = [...jobIdFields];

export const description = updateDisplayOptions({ show: { resource: ['job'], operation: ['listCheckpoints'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
  const jobId = idParameter(this, 'jobId', itemIndex);
  if (jobId === '') throw inputError(this.getNode(), 'Job ID is empty', itemIndex);
  const { provider } = await fineTuningClient(this);
  const checkpoints = await provider.listCheckpoints(jobId);
  return checkpoints.map((checkpoint) => ({ json: { jobId, ...checkpoint } as unknown as IDataObject, pairedItem: { item: itemIndex } }));
}
