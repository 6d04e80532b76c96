/** Job → Get: one job's current state. */
import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { fineTuningClient } from '../../shared/client';
import { jobIdField } from '../../shared/descriptions';
import { inputError } from '../../shared/errors';
import { jobJson } from '../../shared/job';

const properties: INodeProperties[] = [jobIdField];

export const description = updateDisplayOptions({ show: { resource: ['job'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
  const jobId = String(this.getNodeParameter('jobId', itemIndex)).trim();
  if (jobId === '') throw inputError(this.getNode(), 'Job ID is empty', itemIndex);
  const { provider } = await fineTuningClient(this);
  const job = await provider.getJob(jobId);
  return [{ json: jobJson(job), pairedItem: { item: itemIndex } }];
}
