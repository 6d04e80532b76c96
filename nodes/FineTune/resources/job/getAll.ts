/** Job → Get Many: the account's fine-tuning jobs, newest first. */
import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { fineTuningClient } from '../../shared/client';
import { resultLimit, returnAllFields } from '../../shared/descriptions';
import { jobJson } from '../../shared/job';

const properties: INodeProperties[] = [...returnAllFields()];

export const description = updateDisplayOptions({ show: { resource: ['job'], operation: ['getAll'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
  const limit = resultLimit(this.getNodeParameter('returnAll', itemIndex, false) as boolean, this.getNodeParameter('limit', itemIndex, 50) as number);
  const { provider } = await fineTuningClient(this);
  const out: INodeExecutionData[] = [];
  for await (const job of provider.listJobs(limit !== undefined ? { limit } : {})) {
    out.push({ json: jobJson(job), pairedItem: { item: itemIndex } });
    if (limit !== undefined && out.length >= limit) break;
  }
  return out;
}
