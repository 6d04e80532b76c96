/** Worker thread of prepare-pool.ts: prepares batches of records with its own catalog instance. */
import { parentPort, workerData } from 'node:worker_threads';
import { NodeCatalog } from '../schemas/catalog/catalog';
import { prepareExample } from './prepare';
import type { PrepareRequest, PrepareResponse, PrepareWorkerData } from './prepare-pool';

const { settings, catalog: data } = workerData as PrepareWorkerData;
const catalog = new NodeCatalog(data);

parentPort!.on('message', ({ seq, records }: PrepareRequest) => {
  let response: PrepareResponse;
  try {
    response = { seq, results: records.map((r) => prepareExample(r, settings, catalog)) };
  } catch (error) {
    response = { seq, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(response);
});
