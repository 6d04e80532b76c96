/** Worker thread of prepare-pool.ts: prepares batches of records with its own catalog instance. */
import { parentPort, workerData } from 'node:worker_threads';
import { NodeCatalog } from '../schemas/catalog/catalog';
import { prepareExample } from './prepare';
import type { PrepareRequest, PrepareResponse, PrepareWorkerData } from './prepare-pool';

const catalog = new NodeCatalog((workerData as PrepareWorkerData).catalog);

parentPort!.on('message', ({ id, settings, records }: PrepareRequest) => {
  let response: PrepareResponse;
  try {
    response = { id, results: records.map((r) => prepareExample(r, settings, catalog)) };
  } catch (error) {
    response = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(response);
});
