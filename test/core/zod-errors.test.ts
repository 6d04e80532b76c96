/**
 * The project's own files and replies read with zod schemas: a bad one is an error that
 * names the file (or service) and the field, in the "<file>: <field>: <what>" voice of
 * core/zod-errors.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { describeShapeIssues, fieldPath, parseShape, type ShapeIssue } from '../../core/zod-errors';
import { loadPriceTable, PriceTableError } from '../../dataset/cost';
import { parsePolicy, PolicyError } from '../../schemas/validator/policy';
import { JobRegistry, type JobRecord } from '../../trainer/job-store';
import { BundleError, exportBundle, MANIFEST_GENERATOR } from '../../trainer/bundles';
import { TrainerError } from '../../trainer/errors';
import { OpenAIProvider } from '../../trainer/providers/openai';
import { TogetherProvider } from '../../trainer/providers/together';

const dirs: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowtune-shapes-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The error a call throws (fails the test when it throws none). */
function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, got none');
}

async function rejected(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, got none');
}

describe('core/zod-errors', () => {
  test('field paths: dots, indexes, and quoted keys that are not identifiers', () => {
    expect(fieldPath([])).toBe('');
    expect(fieldPath(['jobs', 2, 'provider'])).toBe('jobs[2].provider');
    expect(fieldPath(['gpt-4o'])).toBe('["gpt-4o"]');
    expect(fieldPath(['summary', 'n8n.checks'])).toBe('summary["n8n.checks"]');
  });

  test('one message per issue: "<file>: <field>: <what>", the value it got, custom wording kept', () => {
    const schema = z
      .object({ name: z.string(), count: z.number().int().nonnegative(), tags: z.array(z.string()), mode: z.enum(['a', 'b']) })
      .strict()
      .refine((v) => v.name !== 'x', { message: 'must not be "x"', path: ['name'] });
    let issues: ShapeIssue[] = [];
    const fail = (message: string, found: ShapeIssue[]) => {
      issues = found;
      return new Error(message);
    };
    const error = thrown(() => parseShape(schema, { count: -1, tags: ['ok', 3], mode: 'c', extra: true }, 'file.json', fail));
    expect(error.message).toBe(
      'file.json: name: is missing; count: must be ≥ 0, got -1; tags[1]: must be a string, got 3; mode: must be one of "a", "b", got "c"; unknown field(s) extra',
    );
    expect(issues).toEqual([
      { field: 'name', message: 'is missing' },
      { field: 'count', message: 'must be ≥ 0, got -1' },
      { field: 'tags[1]', message: 'must be a string, got 3' },
      { field: 'mode', message: 'must be one of "a", "b", got "c"' },
      { field: '', message: 'unknown field(s) extra' },
    ]);
    expect(thrown(() => parseShape(schema, [1], 'file.json', fail)).message).toBe('file.json: must be an object, got a list');
    expect(thrown(() => parseShape(schema, { name: 'x', count: 1, tags: [], mode: 'a' }, 'file.json', fail)).message).toBe('file.json: name: must not be "x"');
    expect(parseShape(schema, { name: 'y', count: 1, tags: [], mode: 'b' }, 'file.json', fail)).toEqual({ name: 'y', count: 1, tags: [], mode: 'b' });
  });

  test('long lists of issues are cut after five', () => {
    const issues = Array.from({ length: 7 }, (_, i) => ({ field: `f${i}`, message: 'is missing' }));
    expect(describeShapeIssues('f.json', issues)).toBe('f.json: f0: is missing; f1: is missing; f2: is missing; f3: is missing; f4: is missing; and 2 more');
  });
});

describe('policy files', () => {
  test.each([
    [['n8n-nodes-base.set'], 'my-policy.json: must be an object, got a list'],
    [{ deny: 'n8n-nodes-base.set' }, 'my-policy.json: deny: must be a list, got "n8n-nodes-base.set"'],
    [{ allow: ['n8n-nodes-base.set', 7] }, 'my-policy.json: allow[1]: must be a string, got 7'],
    [{ strict: 'yes' }, 'my-policy.json: strict: must be true or false, got "yes"'],
    [{ denyList: [] }, 'my-policy.json: unknown field(s) denyList'],
    [{ allowDenied: ['n8n-nodes-base.sshh'] }, 'my-policy.json: allowDenied: lifts entries of the default deny list (n8n-nodes-base.executeCommand, n8n-nodes-base.ssh); n8n-nodes-base.sshh is not one'],
    [{ deny: ['n8n-nodes-base.ssh'], allowDenied: ['n8n-nodes-base.ssh'] }, 'my-policy.json: allowDenied: n8n-nodes-base.ssh is in both "deny" and "allowDenied"'],
  ])('%j → %s', (value, message) => {
    const error = thrown(() => parsePolicy(value, 'my-policy.json'));
    expect(error).toBeInstanceOf(PolicyError);
    expect(error.message).toBe(message);
  });
});

describe('price tables', () => {
  test('a bad price names the file and the model id; comments ($-keys) are skipped', () => {
    const file = path.join(tmp(), 'prices.json');
    writeFileSync(file, JSON.stringify({ $comment: 'anything', 'gpt-4o': '25 dollars', 'gpt-4o-mini': -1 }));
    const error = thrown(() => loadPriceTable(file));
    expect(error).toBeInstanceOf(PriceTableError);
    expect(error.message).toBe(
      `${file}: ["gpt-4o"]: must be a number, got "25 dollars"; ["gpt-4o-mini"]: must be ≥ 0, got -1 (a price table is a JSON object of model id → USD per 1M training tokens)`,
    );
    writeFileSync(file, '[1, 2]');
    expect(thrown(() => loadPriceTable(file)).message).toBe(`${file}: must be an object, got a list (a price table is a JSON object of model id → USD per 1M training tokens)`);
  });
});

describe('the job registry', () => {
  const record: JobRecord = {
    provider: 'openai',
    baseURL: 'https://api.openai.com/v1',
    jobId: 'ftjob-1',
    key: 'k'.repeat(16),
    model: 'gpt-4o-mini',
    trainingFile: 'file-1',
    dataPath: 'train.jsonl',
    createdAt: '2026-12-01T00:00:00.000Z',
    status: 'queued',
  };

  test('a bad record names jobs.json and the field', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'jobs.json'), JSON.stringify({ version: 1, jobs: [record, { ...record, provider: 'acme', jobId: undefined }], uploads: [] }));
    const error = thrown(() => new JobRegistry(dir).jobs());
    expect(error.message).toBe(
      `${path.join(dir, 'jobs.json')}: jobs[1].provider: must be one of "openai", "azure", "nebius", "together", got "acme"; jobs[1].jobId: is missing (in the job registry; fix or move it away)`,
    );
    writeFileSync(path.join(dir, 'jobs.json'), JSON.stringify({ version: 2, jobs: [] }));
    expect(thrown(() => new JobRegistry(dir).jobs()).message).toContain(`${path.join(dir, 'jobs.json')}: version: must be 1, got 2`);
  });

  test('fields it does not know are kept when the registry is written back; a missing list is empty', () => {
    const dir = tmp();
    const file = path.join(dir, 'jobs.json');
    writeFileSync(file, JSON.stringify({ jobs: [{ ...record, tags: ['newer flowtune'] }], note: 'kept' }));
    const registry = new JobRegistry(dir);
    expect(registry.jobs()).toEqual([{ ...record, tags: ['newer flowtune'] }]);
    registry.update('ftjob-1', { status: 'running' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, jobs: [{ ...record, status: 'running', tags: ['newer flowtune'] }], uploads: [], note: 'kept' });
  });
});

describe('bundle manifests', () => {
  test("a previous bundle's broken manifest names the file and the field; another tool's manifest is not ours", async () => {
    const root = tmp();
    const data = path.join(root, 'train.jsonl');
    const example = { messages: [{ role: 'user', content: 'make a workflow' }, { role: 'assistant', content: '{"nodes":[],"connections":{}}' }] };
    writeFileSync(data, `${JSON.stringify(example)}\n`);
    const out = path.join(root, 'bundle');
    mkdirSync(out);
    writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ generator: MANIFEST_GENERATOR, files: [{ path: 'README.md' }, { path: 3 }] }));
    const options = { tool: 'axolotl', settings: { baseModel: 'Qwen/Qwen3-8B' }, data, out };
    const error = await rejected(exportBundle(options));
    expect(error).toBeInstanceOf(BundleError);
    expect(error.message).toBe(`${path.join(out, 'manifest.json')}: files[1].path: must be a string, got 3 (the manifest of a previous bundle; fix it or remove the directory)`);

    writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ name: 'another tool' }));
    expect((await rejected(exportBundle(options))).message).toContain('holds no flowtune bundle');

    rmSync(out, { recursive: true });
    await exportBundle(options);
    const written = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { files: Array<{ path: string }> };
    expect(written.files.map((f) => f.path)).toContain('README.md');
    // The bundle just written is read back without complaint.
    await expect(exportBundle(options)).resolves.toMatchObject({ outDir: out });
  });
});

describe('provider replies', () => {
  /** A fetch that answers every call with this JSON. */
  const answering = (body: unknown): typeof fetch =>
    (async () => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })) as unknown as typeof fetch;

  test('an OpenAI job without a status names the service and the field; extra fields do not matter', async () => {
    const job = { id: 'ftjob-1', model: 'gpt-4o-mini', created_at: 1, training_file: 'file-1', something_new: { nested: true } };
    const provider = new OpenAIProvider({ apiKey: 'sk-test', baseURL: 'http://localhost:1/v1', fetch: answering(job), maxRetries: 0 });
    const error = await rejected(provider.getJob('ftjob-1'));
    expect(error).toBeInstanceOf(TrainerError);
    expect((error as TrainerError).kind).toBe('server');
    expect(error.message).toBe('openai: the fine-tuning job in the answer: status: is missing');

    const ok = new OpenAIProvider({ apiKey: 'sk-test', baseURL: 'http://localhost:1/v1', fetch: answering({ ...job, status: 'running' }), maxRetries: 0 });
    await expect(ok.getJob('ftjob-1')).resolves.toMatchObject({ id: 'ftjob-1', status: 'running', model: 'gpt-4o-mini', raw: { something_new: { nested: true } } });
  });

  test('a Together job with a wrong id names the field; unknown fields and loose numbers are fine', async () => {
    const job = { status: 'running', id: 42, model: 'Qwen/Qwen3-8B', brand_new_field: [1, 2], token_count: 'many' };
    const provider = new TogetherProvider({ apiKey: 'tk-test', baseURL: 'http://localhost:1/v1', fetch: answering(job), maxRetries: 0 });
    const error = await rejected(provider.getJob('ft-1'));
    expect(error).toBeInstanceOf(TrainerError);
    expect(error.message).toBe('together: the fine-tuning job in the answer: id: must be a string, got 42');

    const ok = new TogetherProvider({ apiKey: 'tk-test', baseURL: 'http://localhost:1/v1', fetch: answering({ ...job, id: 'ft-1' }), maxRetries: 0 });
    await expect(ok.getJob('ft-1')).resolves.toMatchObject({ id: 'ft-1', status: 'running', trainedTokens: null });
  });
});
