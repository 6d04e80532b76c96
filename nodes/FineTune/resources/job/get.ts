/** Job → Get: one job's current state. */
import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { fineTuningClient } from '../../shared/client';
import { idParameter, jobIdFields } from '../../shared/descriptions';
import { inputError } from '../../../shared/errors';
import { jobJson } from '../../shared/job';

const properties: INodeProperties[] = [...jobIdFields];

export const description = updateDisplayOptions({ show: { resource: ['job'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
  const jobId = idParameter(this, 'jobId', itemIndex);
  if (jobId === '') throw inputError(this.getNode(), 'Job ID is empty', itemIndex);
  const { provider } = await fineTuningClient(this);
  const job = await provider.getJob(jobId);
  return [{ json: jobJson(job), pairedItem: { item: itemIndex } }];
}
