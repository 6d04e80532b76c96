/** Job → List Events: a job's status messages and training metrics, newest first. */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { fineTuningClient } from '../../shared/client';
import { idParameter, jobIdFields } from '../../shared/descriptions';
import { inputError } from '../../../shared/errors';

const properties: INodeProperties[] = [
  ...jobIdFields,
  {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    default: 50,
    typeOptions: { minValue: 1 },
    description: 'Max number of results to return',
  },
];

export const description = updateDisplayOptions({ show: { resource: ['job'], operation: ['listEvents'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
  const jobId = idParameter(this, 'jobId', itemIndex);
  const limit = Math.max(1, Math.floor(this.getNodeParameter('limit', itemIndex, 50) as number));
  if (jobId === '') throw inputError(this.getNode(), 'Job ID is empty', itemIndex);
  const { provider } = await fineTuningClient(this);
  const events = await provider.listEvents(jobId, limit);
  return events.slice(0, limit).map((event) => ({ json: { jobId, ...event } as unknown as IDataObject, pairedItem: { item: itemIndex } }));
}
