/**
 * The fake OpenAI-compatible server as a separate process (`npm run fake-openai`), driven by the
 * built `flowtune` command in another process: what an end-to-end setup outside jest looks like.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

jest.setTimeout(120_000);

const root = path.join(__dirname, '..');

describe('fake OpenAI server as a process', () => {
  let server: ChildProcess | undefined;
  let baseURL = '';

  beforeAll(async () => {
    const compiled = spawnSync('npx', ['tsc', '-p', 'tsconfig.fake-openai.json'], { cwd: root, encoding: 'utf8' });
    expect(compiled.status).toBe(0);
    server = spawn(process.execPath, [path.join(root, '.fake-openai', 'test', 'fake-openai', 'main.js'), '--port', '0', '--auto-advance', '20'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: server!.stdout! }).once('line', resolve);
      server!.once('exit', (code) => reject(new Error(`fake server exited with ${code}`)));
    });
    baseURL = (JSON.parse(firstLine) as { baseURL: string }).baseURL;
  });

  afterAll(() => {
    server?.kill('SIGTERM');
  });

  it('takes a fine-tuning job from `flowtune train start` and reports it succeeded to `train watch`', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowtune-fake-process-'));
    const line = (i: number) =>
      JSON.stringify({ messages: [{ role: 'user', content: `Webhook ${i} to Slack` }, { role: 'assistant', content: JSON.stringify({ nodes: [], connections: {} }) }] });
    writeFileSync(path.join(dir, 'train.jsonl'), `${Array.from({ length: 12 }, (_, i) => line(i)).join('\n')}\n`);
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(root, 'dist', 'cli', 'main.js'), ...args, '--registry', path.join(dir, 'registry')], { encoding: 'utf8', env: { ...process.env, OPENAI_API_KEY: 'sk-test' } });
    const started = cli('train', 'start', '--data', path.join(dir, 'train.jsonl'), '--provider', 'openai', '--base-url', baseURL, '--model', 'gpt-4o-mini-2024-07-18', '--yes', '--json');
    expect(started.status).toBe(0);
    const { job } = JSON.parse(started.stdout) as { job: { id: string } };
    const watched = cli('train', 'watch', job.id, '--interval', '0.01');
    expect(watched.status).toBe(0);
    expect(watched.stdout).toMatch(/succeeded: ft:gpt-4o-mini-2024-07-18:/);
  });
});
