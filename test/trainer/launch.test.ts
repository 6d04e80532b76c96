/**
 * Paid work exactly once, and timeouts (issue 11, items 5 and 7): concurrent launches
 * with the same key create one job (in one process and across processes sharing a
 * registry); a setting the provider does not take, a bad number, data the provider will
 * certainly reject — all refused before anything is uploaded; a server that never
 * answers ends the command with an error naming it.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { checkPreferenceJsonl } from '../../dataset/check-preference';
import { TrainerError, UnsupportedSettingsError } from '../../trainer/errors';
import { tryLock, withFileLock } from '../../core/file-lock';
import { JobRegistry } from '../../trainer/job-store';
import { IDEMPOTENCY_METADATA_KEY, launchJob, planLaunch, type DataLaunchRequest } from '../../trainer/launch';
import { createProvider } from '../../trainer/providers';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server';
import { newestSource } from '../helpers/sources';

const ROOT = path.resolve(__dirname, '..', '..');
const tmp = () => mkdtempSync(path.join(tmpdir(), 'flowtune-once-'));

function chat(n: number, offset = 0): string {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: `Create a workflow that handles webhook ${i + offset}` },
        { role: 'assistant', content: JSON.stringify({ nodes: [{ name: 'Webhook', type: 'n8n-nodes-base.webhook' }], connections: {} }) },
      ],
    }),
  ).join('\n') + '\n';
}

function preference(n: number): string {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      input: { messages: [{ role: 'user', content: `Create a workflow that handles webhook ${i}` }] },
      preferred_output: [{ role: 'assistant', content: '{"nodes": [], "connections": {}}' }],
      non_preferred_output: [{ role: 'assistant', content: 'Sure! Here is a workflow.' }],
    }),
  ).join('\n') + '\n';
}

function io(overrides: Partial<CliIO> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), readStdin: () => '', color: false, env: {}, ...overrides } satisfies CliIO,
  };
}

function dataFile(text: string): string {
  const file = path.join(tmp(), 'train.jsonl');
  writeFileSync(file, text);
  return file;
}

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(async () => {
  await fake.close();
});

const uploads = () => fake.requestsTo('/v1/files', 'POST');
const openai = (registry: string) => ['--provider', 'openai', '--base-url', fake.baseURL, '--api-key', 'sk-test', '--registry', registry, '--yes'];
const MODEL = ['--model', 'gpt-4o-mini-2024-07-18'];

describe('concurrent launches with the same data and settings', () => {
  it('three `train start` at once sharing a registry create one job; the others report it', async () => {
    const data = dataFile(chat(12));
    const registry = tmp();
    const runs = [io(), io(), io()];
    const codes = await Promise.all(runs.map((r) => runCli(['train', 'start', '--data', data, ...MODEL, ...openai(registry)], r.io)));
    expect(codes).toEqual([0, 0, 0]);
    expect(fake.state.jobs.size).toBe(1);
    expect(fake.requestsTo('/v1/fine_tuning/jobs', 'POST')).toHaveLength(1);
    expect(uploads()).toHaveLength(1);
    const said = runs.map((r) => r.out.join(''));
    expect(said.filter((t) => /^created job /m.test(t))).toHaveLength(1);
    expect(said.filter((t) => /^existing job /m.test(t))).toHaveLength(2);
    expect(new JobRegistry(registry).jobs()).toHaveLength(1);
  });

  it('launches without a shared registry (n8n node, two machines) keep one live job: later twins are cancelled', async () => {
    const { provider, baseURL } = createProvider({ provider: 'openai', apiKey: 'sk-test', baseURL: fake.baseURL });
    const request: DataLaunchRequest = { provider, baseURL, training: { path: 'train.jsonl', content: Buffer.from(chat(12)) }, model: 'gpt-4o-mini-2024-07-18', method: { type: 'supervised' } };
    const plan = planLaunch(request);
    const results = await Promise.all([launchJob(request, plan, {}), launchJob(request, plan, {})]);
    const live = [...fake.state.jobs.values()].filter((j) => j.phase !== 'cancelled');
    expect(live).toHaveLength(1);
    expect(results.map((r) => r.job.id)).toEqual([live[0].id, live[0].id]);
    expect(live[0].metadata?.[IDEMPOTENCY_METADATA_KEY]).toBe(plan.key);
  });
});

describe('the launch lock', () => {
  it('breaks a lock left by a process that is gone', async () => {
    const dir = tmp();
    const file = path.join(dir, 'x.lock');
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(file, JSON.stringify({ pid: dead, host: hostname(), since: new Date().toISOString(), purpose: 'test', token: 't' }));
    await expect(withFileLock(file, { purpose: 'test', waitMs: 5_000 }, async () => 'ran')).resolves.toBe('ran');
    expect(existsSync(file)).toBe(false);
  });

  it('waits for a live holder, then gives up with an error naming the file and the holder; nothing is uploaded', async () => {
    const registry = new JobRegistry(tmp());
    const { provider, baseURL } = createProvider({ provider: 'openai', apiKey: 'sk-test', baseURL: fake.baseURL });
    const request: DataLaunchRequest = { provider, baseURL, training: { path: 'train.jsonl', content: Buffer.from(chat(12)) }, model: 'gpt-4o-mini-2024-07-18', method: { type: 'supervised' } };
    const plan = planLaunch(request);
    const held = tryLock(registry.launchLockFile(plan.key), 'another launch');
    expect('lock' in held).toBe(true);
    const statuses: string[] = [];
    const error = await launchJob(request, plan, { registry, lockWaitMs: 200, onStatus: (m) => statuses.push(m) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainerError);
    expect(error).toMatchObject({ kind: 'locked', message: expect.stringContaining(`process ${process.pid}`) });
    expect((error as Error).message).toContain(registry.launchLockFile(plan.key));
    expect(statuses.join('\n')).toMatch(/another flowtune process \(pid \d+\) is launching a job with the same data and settings/);
    expect(fake.requests).toHaveLength(0);
    if ('lock' in held) held.lock.release();
    await expect(launchJob(request, plan, { registry })).resolves.toMatchObject({ reused: false });
  });
});

describe('every option checked against the provider before anything is sent', () => {
  it.each([
    ['--learning-rate', '0.0001'],
    ['--lora-r', '8'],
    ['--lora-alpha', '16'],
  ])('openai %s: a usage error naming the flag and what OpenAI takes, not a silently dropped option and a second job', async (flag, value) => {
    const data = dataFile(chat(12));
    const registry = tmp();
    expect(await runCli(['train', 'start', '--data', data, ...MODEL, ...openai(registry)], io().io)).toBe(0);
    const sent = fake.requests.length;
    const run = io();
    expect(await runCli(['train', 'start', '--data', data, ...MODEL, ...openai(registry), flag, value], run.io)).toBe(2);
    expect(run.err.join('')).toMatch(new RegExp(`${flag} is not a setting of OpenAI for --method supervised \\(it takes --epochs, --batch-size, --learning-rate-multiplier, --seed\\); nothing was uploaded`));
    expect(fake.requests).toHaveLength(sent);
    expect(fake.state.jobs.size).toBe(1);
  });

  it('together refuses a multiplier and nebius refuses DPO, in the core (the node gets the same)', () => {
    const together = createProvider({ provider: 'together', apiKey: 'k', baseURL: fake.baseURL });
    const base = { training: { path: 't.jsonl', content: Buffer.from(chat(12)) }, model: 'm' };
    const multiplier = () => planLaunch({ ...together, ...base, method: { type: 'supervised', learningRateMultiplier: 2 } });
    expect(multiplier).toThrow(UnsupportedSettingsError);
    expect(multiplier).toThrow(expect.objectContaining({ settings: ['learningRateMultiplier'], provider: 'together' }));
    const nebius = createProvider({ provider: 'nebius', apiKey: 'k', baseURL: fake.baseURL });
    expect(() => planLaunch({ ...nebius, ...base, training: { path: 't.jsonl', content: Buffer.from(preference(12)) }, method: { type: 'dpo' } })).toThrow(
      /Nebius Token Factory does not offer dpo training \(it offers: supervised\)/,
    );
    // Together takes an absolute rate and LoRA settings, DPO with beta.
    expect(() => planLaunch({ ...together, ...base, method: { type: 'supervised', learningRate: 1e-5 }, lora: { r: 8, alpha: 16 }, seed: 3 })).not.toThrow();
    expect(() => planLaunch({ ...together, ...base, training: { path: 't.jsonl', content: Buffer.from(preference(3)) }, method: { type: 'dpo', beta: 0.1 } })).not.toThrow();
    expect(fake.requests).toHaveLength(0);
  });
});

describe('numbers checked before any call', () => {
  it.each([
    [['--seed', 'abc'], /--seed must be a whole number from 0 to 2147483647 \(got "abc"\)/],
    [['--seed', '1.5'], /--seed must be a whole number/],
    [['--watch', '--interval', '0'], /--interval must be a number from 0\.001 to 86400 \(got "0"\)/],
    [['--epochs', '0'], /--epochs must be a whole number from 1 to 50/],
    [['--epochs', '2x'], /--epochs must be a whole number from 1 to 50/],
    [['--batch-size', 'many'], /--batch-size must be a whole number/],
    [['--learning-rate-multiplier', '-1'], /--learning-rate-multiplier must be a number > 0/],
    [['--timeout', '0'], /--timeout must be a number from 1 to 86400/],
    [['--beta', '0.1'], /--beta applies to --method dpo only/],
  ])('train start %j: usage error, nothing sent', async (args, message) => {
    const run = io();
    expect(await runCli(['train', 'start', '--data', dataFile(chat(12)), ...MODEL, ...openai(tmp()), ...args], run.io)).toBe(2);
    expect(run.err.join('')).toMatch(message);
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    [['list', '--provider', 'openai', '--limit', '0'], /--limit must be a whole number from 1 to 10000/],
    [['list', '--provider', 'openai', '--timeout', 'soon'], /--timeout must be a number/],
    [['watch', 'ftjob-x', '--provider', 'openai', '--interval', '0'], /--interval must be a number from 0\.001/],
    [['status', 'ftjob-x', '--provider', 'openai', '--timeout', '-5'], /--timeout must be a number/],
  ])('train %j: usage error, nothing sent', async (args, message) => {
    const run = io();
    expect(await runCli(['train', ...args, '--base-url', fake.baseURL, '--api-key', 'sk-test', '--registry', tmp()], run.io)).toBe(2);
    expect(run.err.join('')).toMatch(message);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('what the provider will certainly reject is caught locally', () => {
  it('DPO with chat data: local error naming file and line, nothing uploaded', async () => {
    const data = dataFile(chat(12));
    const run = io();
    expect(await runCli(['train', 'start', '--data', data, '--method', 'dpo', ...MODEL, ...openai(tmp())], run.io)).toBe(2);
    expect(run.err.join('')).toMatch(/fails the fine-tuning format checks \(12 error\(s\)\); nothing was uploaded/);
    expect(run.err.join('')).toMatch(/train\.jsonl:1: data_type: a chat example \("messages"\), but preference \(DPO\) training needs/);
    expect(fake.requests).toHaveLength(0);
  });

  it('DPO with preference data launches a DPO job (beta sent)', async () => {
    const run = io();
    expect(await runCli(['train', 'start', '--data', dataFile(preference(12)), '--method', 'dpo', '--beta', '0.2', ...MODEL, ...openai(tmp())], run.io)).toBe(0);
    expect(run.out.join('')).toMatch(/training: +\S+ — 12 examples/);
    const body = fake.requestsTo('/v1/fine_tuning/jobs', 'POST')[0].body as { method: unknown };
    expect(body.method).toEqual({ type: 'dpo', dpo: { hyperparameters: { beta: 0.2 } } });
  });

  it('supervised with preference data is refused too', async () => {
    const run = io();
    expect(await runCli(['train', 'start', '--data', dataFile(preference(12)), ...MODEL, ...openai(tmp())], run.io)).toBe(2);
    expect(run.err.join('')).toMatch(/train\.jsonl:1: missing_messages_list/);
    expect(fake.requests).toHaveLength(0);
  });

  it('9 examples on OpenAI: local error, nothing uploaded; 10 are enough', async () => {
    const run = io();
    expect(await runCli(['train', 'start', '--data', dataFile(chat(9)), ...MODEL, ...openai(tmp())], run.io)).toBe(2);
    expect(run.err.join('')).toMatch(/train\.jsonl has 9 example\(s\); OpenAI needs at least 10 to fine-tune\. Nothing was uploaded\./);
    expect(fake.requests).toHaveLength(0);
    expect(await runCli(['train', 'start', '--data', dataFile(chat(10)), ...MODEL, ...openai(tmp())], io().io)).toBe(0);
    expect(fake.state.jobs.size).toBe(1);
  });

  it('preference checks reuse the chat checks on each conversation, with the file’s line numbers', () => {
    const good = JSON.parse(preference(1)) as Record<string, unknown>;
    const lines = [
      JSON.stringify(good),
      '',
      JSON.stringify({ ...good, preferred_output: [{ role: 'user', content: 'x' }] }),
      JSON.stringify({ ...good, input: { messages: [{ role: 'wizard', content: 'x' }] } }),
      '{not json',
      JSON.stringify({ input: good.input }),
    ];
    const result = checkPreferenceJsonl(lines.join('\n'), 'gpt-4o-mini-2024-07-18');
    expect(result.examples).toBe(5);
    expect(result.errors.map((e) => [e.line, e.code])).toEqual([
      [3, 'data_type'],
      [4, 'unrecognized_role'],
      [5, 'invalid_json'],
      [6, 'data_type'],
    ]);
    expect(result.errors[3].message).toMatch(/no "preferred_output" and "non_preferred_output"/);
    // Both conversations of an example count.
    expect(result.tokens.perExample[0].line).toBe(1);
    expect(result.tokens.perExample[0].tokens).toBeGreaterThan(10);
  });
});

describe('timeouts', () => {
  let silent: http.Server;
  let silentURL: string;
  beforeEach(async () => {
    // Accepts connections and never answers.
    silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentURL = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`;
  });
  afterEach(async () => {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('train start against a server that never answers ends with a timeout naming the server', async () => {
    const run = io();
    const args = ['train', 'start', '--data', dataFile(chat(12)), ...MODEL, '--provider', 'openai', '--base-url', silentURL, '--api-key', 'k', '--registry', tmp(), '--yes', '--timeout', '1'];
    expect(await runCli(args, run.io)).toBe(2);
    expect(run.err.join('')).toContain(`OpenAI at ${silentURL} did not answer within 1 s (timeout)`);
  });

  it.each([
    [['list', '--provider', 'openai'], 'OpenAI'],
    [['models', '--provider', 'together'], 'Together AI'],
    [['status', 'ftjob-1', '--provider', 'nebius'], 'Nebius Token Factory'],
    [['cancel', 'ft-1', '--provider', 'together'], 'Together AI'],
    [['watch', 'ftjob-1', '--provider', 'openai'], 'OpenAI'],
  ])('train %j ends with a timeout naming %s and the base URL', async (args, label) => {
    const run = io();
    expect(await runCli(['train', ...args, '--base-url', silentURL, '--api-key', 'k', '--registry', tmp(), '--timeout', '1'], run.io)).toBe(2);
    expect(run.err.join('')).toContain(`${label} at ${silentURL} did not answer within 1 s (timeout)`);
  });
});

describe('three processes sharing one registry', () => {
  let main: string;
  const exec = promisify(execFile);

  beforeAll(() => {
    // Our own build (not dist/, which other suites rebuild): compiled once per source change.
    const out = path.join(ROOT, '.fake-openai', 'train-once-cli');
    main = path.join(out, 'cli', 'main.js');
    const sources = Math.max(...['cli', 'trainer', 'dataset', 'schemas', 'generator', 'n8n-api'].map((d) => newestSource(path.join(ROOT, d))));
    if (!existsSync(main) || statSync(main).mtimeMs < sources) {
      mkdirSync(out, { recursive: true });
      execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', out], { cwd: ROOT, stdio: 'pipe' });
    }
  }, 180_000);

  it('create one job', async () => {
    const data = dataFile(chat(12));
    const registry = tmp();
    const run = () =>
      exec(process.execPath, [main, 'train', 'start', '--data', data, ...MODEL, ...openai(registry), '--json'], { env: { ...process.env, NO_COLOR: '1' } }).then(
        ({ stdout }) => JSON.parse(stdout) as { job: { id: string }; reused: boolean },
      );
    const results = await Promise.all([run(), run(), run()]);
    expect(fake.state.jobs.size).toBe(1);
    expect(fake.requestsTo('/v1/fine_tuning/jobs', 'POST')).toHaveLength(1);
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    expect(results.filter((r) => !r.reused)).toHaveLength(1);
    expect(new JobRegistry(registry).jobs()).toHaveLength(1);
  });
});

describe('README and --help agree for train', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## `flowtune train`'), readme.indexOf('\n## ', readme.indexOf('## `flowtune train`') + 1));
  const usage = /```bash\n([\s\S]*?)```/.exec(section)![1];

  async function help(sub: string): Promise<Set<string>> {
    const run = io();
    expect(await runCli(['train', sub, '--help'], run.io)).toBe(0);
    return new Set(run.out.join('').match(/--[a-z][a-z-]*/g) ?? []);
  }

  it.each(['start', 'status', 'watch', 'cancel', 'list', 'models', 'export'])('every flag the README gives `train %s` exists, and --provider is shown as --help has it', async (sub) => {
    const lines = usage.split('\n').filter((l) => new RegExp(`^flowtune train (\\S*\\b${sub}\\b\\S*)`).test(l));
    expect(lines.length).toBeGreaterThan(0);
    // Continuation lines of `start` belong to it.
    const text = sub === 'start' ? usage.slice(0, usage.indexOf('flowtune train status')) : lines.join('\n');
    const flags = await help(sub);
    for (const flag of (text.replace(/#.*$/gm, '').match(/--[a-z][a-z-]*/g) ?? [])) expect([sub, flag, flags.has(flag)]).toEqual([sub, flag, true]);
    if (['list', 'models', 'start'].includes(sub)) expect(text).toMatch(/ --provider (p|openai)/); // required there
  });

  it('every option of `train start` is in the README', async () => {
    const documented = new Set(section.match(/--[a-z][a-z-]*/g) ?? []);
    for (const flag of await help('start')) if (flag !== '--help') expect([flag, documented.has(flag)]).toEqual([flag, true]);
  });
});
