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

// A batch that cannot be deserialized here has no id to answer: the pool stops this worker and fails the build.
parentPort!.on('messageerror', (error) => {
  parentPort!.postMessage({ error: `cannot read a batch: ${error.message}` } satisfies PrepareResponse);
});
