/**
 * Model-written requests against the fake OpenAI-compatible server: real n8n.io templates get
 * requests from scripted answers, a second build is served from the cache without a call, bad
 * answers and failed calls fall back to the rule-based requests with a count, 429/5xx are retried
 * after the server's Retry-After, and the CLI refuses to spend without --yes when nobody can confirm.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { buildDataset, DEFAULT_BUILD_SETTINGS, type BuildOptions } from '../../dataset/build';
import { compactWorkflow } from '../../dataset/compact';
import { cleanWorkflow } from '../../dataset/clean';
import { FORMATS } from '../../dataset/formats';
import { RequestsEndpointError, RequestsNotConfirmedError, writeRequestsWithModel, type ModelRequestItem, type ModelRequestsOptions } from '../../dataset/model-requests';
import { cacheKey, RequestsCache } from '../../dataset/model-requests/cache';
import { checkAnswer, copiesDescription, textLanguage } from '../../dataset/model-requests/check';
import { retryAfterMs } from '../../dataset/model-requests/client';
import { buildRequestsPrompt, REQUESTS_PROMPT_VERSION, stylesFor } from '../../dataset/model-requests/prompt';
import { loadCatalog } from '../../schemas/catalog/load';
import { startFakeOpenAI, type ChatRequest, type FakeOpenAI } from '../fake-openai/server';
import { loadTemplates, stockOnly, type ParsedTemplate } from '../helpers/templates';

const catalog = loadCatalog();
const tmp = (prefix = 'flowtune-modelreq-') => mkdtempSync(path.join(tmpdir(), prefix));
const MODEL = 'gpt-4o-mini';
const CHAT = '/v1/chat/completions';

const userText = (request: ChatRequest) => String(request.messages.find((m) => m.role === 'user')?.content ?? '');
const titleOf = (request: ChatRequest) => /^Title: (.*)$/m.exec(userText(request))?.[1] ?? '';

/** What a well-behaved model answers: three English requests about the title, in the styles' bounds. */
function goodAnswer(request: ChatRequest): Record<string, unknown> {
  const title = titleOf(request).slice(0, 120);
  return {
    requests: [
      `Automate this: ${title}`,
      `I want n8n to take care of this for me whenever it runs: ${title}. Keep it simple.`,
      `Please build me a workflow for the following job, with the trigger and apps it needs, and tell me what comes out at the end: ${title}. It should run on its own without me.`,
    ],
  };
}

/** Stock templates with an English title and description (the fake answers in English), at most `n`. */
async function englishTemplates(n: number): Promise<ParsedTemplate[]> {
  const picked: ParsedTemplate[] = [];
  for (const t of stockOnly(await loadTemplates(), catalog)) {
    const language = textLanguage(`${t.record.name}\n${t.record.description}`);
    if (language.script === 'latin' && language.language === 'en' && t.record.name.length >= 12) picked.push(t);
    if (picked.length >= n) break;
  }
  return picked;
}

function writeTemplates(dir: string, templates: ParsedTemplate[]): void {
  for (const { record, workflow } of templates) {
    writeFileSync(path.join(dir, `t${record.id}.json`), JSON.stringify({ name: record.name, description: record.description, workflow }));
  }
}

function buildOptions(outDir: string, input: string, requestsModel?: ModelRequestsOptions): BuildOptions {
  return {
    ...DEFAULT_BUILD_SETTINGS,
    sources: [{ kind: 'dir', path: input }],
    outDir,
    catalog,
    formats: new Set(FORMATS),
    workers: 0,
    // The model writes as many requests as the build asks per workflow: three (terse, typical, detailed).
    requestsPerWorkflow: 3,
    ...(requestsModel ? { requestsModel } : {}),
  };
}

const userMessages = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { messages: Array<{ role: string; content: string }> }).messages.find((m) => m.role === 'user')!.content);

/** Items for writeRequestsWithModel straight from templates (compact, as a build's target). */
function itemsFrom(templates: ParsedTemplate[]): ModelRequestItem[] {
  return templates.map(({ record, workflow }) => ({
    key: String(record.id),
    compactWorkflow: compactWorkflow(cleanWorkflow(workflow).workflow, { catalog }),
    title: record.name,
    description: record.description,
    fallback: [`rule-based request ${record.id}`],
  }));
}

describe('model-written requests in a dataset build (fake server)', () => {
  let fake: FakeOpenAI;
  let input: string;
  let cacheDir: string;
  let first: { out: string; report: Awaited<ReturnType<typeof buildDataset>> };
  /** Titles the fake answered with a placeholder (only accepted workflows are asked). */
  const badlyAnswered = new Set<string>();
  const confirmations: number[] = [];

  const options = (): ModelRequestsOptions => ({
    model: MODEL,
    baseURL: fake.baseURL,
    apiKey: 'sk-test',
    cacheDir,
    concurrency: 4,
    confirm: (estimate) => {
      confirmations.push(estimate.calls);
      return true;
    },
  });

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    input = tmp();
    cacheDir = tmp('flowtune-modelreq-cache-');
    const templates = await englishTemplates(70);
    writeTemplates(input, templates);
    // A few workflows' answers leak a redaction placeholder: they must fall back, counted.
    const bad = new Set(templates.slice(3, 6).map((t) => t.record.name));
    fake.chat.respondWith((request) => {
      if (!bad.has(titleOf(request))) return goodAnswer(request);
      badlyAnswered.add(titleOf(request));
      return { requests: ['Mail <EMAIL_1> every morning', 'Send a digest to my inbox every morning please', 'Every morning, collect the news and mail them to me'] };
    });
    const out = path.join(tmp(), 'out');
    first = { out, report: await buildDataset(buildOptions(out, input, options())) };
  }, 120_000);

  afterAll(() => fake.close());

  it('asks the model once per accepted workflow and writes its requests (three per workflow, one side of the split)', () => {
    const { report } = first;
    const stats = report.modelRequests!;
    expect(report.counts.accepted).toBeGreaterThanOrEqual(51);
    expect(stats.items).toBe(report.counts.accepted);
    expect(stats.calls).toBe(report.counts.accepted);
    expect(fake.chat.requests).toHaveLength(report.counts.accepted);
    expect(stats.fromModel).toBeGreaterThanOrEqual(50);
    expect(badlyAnswered.size).toBeGreaterThanOrEqual(1);
    expect(stats).toMatchObject({ fellBack: badlyAnswered.size, fallbackReasons: { placeholder: badlyAnswered.size }, cached: 0, retries: 0, jsonMode: true });
    expect(stats.failures[0]).toMatchObject({ reason: 'placeholder' });
    expect(confirmations).toEqual([report.counts.accepted]);

    // The prompt: temperature 0, JSON mode, the title, the description and the compact workflow.
    const asked = fake.chat.requests.find((r) => userText(r).includes('Workflow:\n{"nodes":[{"name":'))!;
    expect(asked).toMatchObject({ model: MODEL, temperature: 0, response_format: { type: 'json_object' } });
    expect(userText(asked)).toMatch(/^Title: \S/);
    expect(userText(asked)).toMatch(/Description:\n\S/);
    expect(userText(asked)).toContain('"type":"n8n-nodes-base.');
    // Workflows over the cap are summarised: one line per node, then the connections.
    const summarised = fake.chat.requests.filter((r) => userText(r).includes('Workflow (summarised):\nNodes ('));
    expect(summarised).toHaveLength(stats.summarised);

    // 3 pairs per model-written example; an example that fell back keeps its rule-based requests (1 to 3, no augmentation).
    const pairs = report.counts.train + report.counts.validation;
    expect(pairs).toBeGreaterThanOrEqual(3 * stats.fromModel + stats.fellBack);
    expect(pairs).toBeLessThanOrEqual(3 * stats.fromModel + 3 * stats.fellBack);
    expect(report.requests.sources.model).toBe(3 * stats.fromModel);
    const requests = [...userMessages(path.join(first.out, 'train.jsonl')), ...userMessages(path.join(first.out, 'validation.jsonl'))];
    expect(requests.filter((r) => r.startsWith('Automate this: '))).toHaveLength(stats.fromModel);
    expect(requests.some((r) => r.includes('<EMAIL_1>') && r.includes('every morning'))).toBe(false);
    // The three requests of one workflow are on the same side of the split.
    const titles = (file: string) => userMessages(path.join(first.out, file)).map((r) => /^Automate this: (.*)$|runs: (.*)\. Keep it simple\.$|at the end: (.*)\. It should run on its own without me\.$/.exec(r)?.slice(1).find((t) => t !== undefined));
    const train = titles('train.jsonl');
    const validation = titles('validation.jsonl');
    expect(validation.length).toBeGreaterThan(0);
    for (const title of validation.filter((t) => t !== undefined)) {
      expect(train).not.toContain(title);
      expect(validation.filter((t) => t === title).length % 3).toBe(0);
    }

    const markdown = readFileSync(path.join(first.out, 'REPORT.md'), 'utf8');
    expect(markdown).toContain('## Model-written requests');
    expect(markdown).toContain(`| fallback: placeholder | ${badlyAnswered.size} |`);
  });

  it('serves a second build from the cache: zero calls, no confirmation asked, the same files', async () => {
    const callsBefore = fake.requestsTo(CHAT).length;
    const confirmationsBefore = confirmations.length;
    const out = path.join(tmp(), 'out');
    const report = await buildDataset(buildOptions(out, input, { ...options(), concurrency: 1 }));
    expect(fake.requestsTo(CHAT).length).toBe(callsBefore);
    expect(confirmations.length).toBe(confirmationsBefore);
    expect(report.modelRequests).toMatchObject({ calls: 0, cached: first.report.counts.accepted, fromModel: first.report.modelRequests!.fromModel, fellBack: badlyAnswered.size, promptTokens: 0, completionTokens: 0 });
    for (const file of ['train.jsonl', 'validation.jsonl', 'train.alpaca.json', 'validation.sharegpt.jsonl']) {
      expect(readFileSync(path.join(out, file), 'utf8')).toBe(readFileSync(path.join(first.out, file), 'utf8'));
    }
  }, 120_000);

  it('a refused estimate spends nothing and writes nothing', async () => {
    const callsBefore = fake.requestsTo(CHAT).length;
    const out = path.join(tmp(), 'out');
    const refused = buildDataset(buildOptions(out, input, { ...options(), cacheDir: tmp('flowtune-modelreq-empty-'), confirm: () => false }));
    await expect(refused).rejects.toThrow(RequestsNotConfirmedError);
    expect(fake.requestsTo(CHAT).length).toBe(callsBefore);
    expect(existsSync(path.join(out, 'train.jsonl'))).toBe(false);
  }, 120_000);
});

describe('writeRequestsWithModel: answers, retries, cache', () => {
  let fake: FakeOpenAI;
  let templates: ParsedTemplate[];
  const waits: number[] = [];
  const sleep = (ms: number) => {
    waits.push(ms);
    return Promise.resolve();
  };

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    templates = await englishTemplates(6);
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.chat.reset();
    fake.chat.respondWith(goodAnswer);
    fake.faults.clear();
    fake.requests.length = 0;
    waits.length = 0;
  });

  const run = (items: ModelRequestItem[], extra: Partial<ModelRequestsOptions> = {}) =>
    writeRequestsWithModel(items, { model: MODEL, baseURL: fake.baseURL, apiKey: 'sk-test', cacheDir: tmp('flowtune-modelreq-cache-'), concurrency: 1, sleep, ...extra });

  it('falls back per example on a wrong answer (not JSON, a placeholder, too long, the wrong count), with a count per reason', async () => {
    const items = itemsFrom(templates.slice(0, 5));
    fake.chat.reply(
      'Sure! Here are some requests: first, second, third.',
      { requests: ['Send the <OPENAI_API_KEY_1> report to Slack', 'A typical request that is fine enough', 'A detailed request that is fine enough as well'] },
      { requests: ['Short one is fine', 'x'.repeat(351), 'A detailed request that is fine enough'] },
      { requests: ['Only one request'] },
      goodAnswer,
    );
    const { requests, stats } = await run(items);
    expect([...requests.keys()]).toEqual(items.map((i) => i.key));
    expect([...requests.values()].map((r) => r.source)).toEqual(['fallback', 'fallback', 'fallback', 'fallback', 'model']);
    expect(requests.get(items[0].key)!.texts).toEqual(items[0].fallback);
    expect(stats).toMatchObject({ calls: 5, fromModel: 1, fellBack: 4, fallbackReasons: { not_json: 1, placeholder: 1, too_long: 1, wrong_count: 1 } });
    expect(stats.failures.map((f) => [f.key, f.reason])).toEqual([
      [items[0].key, 'not_json'],
      [items[1].key, 'placeholder'],
      [items[2].key, 'too_long'],
      [items[3].key, 'wrong_count'],
    ]);
  });

  it('retries a 429 after the Retry-After the server sent, and 5xx with doubling backoff', async () => {
    const [item] = itemsFrom(templates.slice(0, 1));
    fake.faults.add({ path: CHAT, status: 429, headers: { 'retry-after-ms': '40' } });
    let result = await run([item]);
    expect(result.requests.get(item.key)!.source).toBe('model');
    expect(result.stats).toMatchObject({ calls: 1, retries: 1, fellBack: 0 });
    expect(waits).toEqual([40]);
    expect(fake.requestsTo(CHAT).map((r) => r.outcome)).toEqual([429, 200]);

    waits.length = 0;
    fake.requests.length = 0;
    fake.faults.add({ path: CHAT, status: 503, times: 2 });
    result = await run([item], { backoffMs: 100 });
    expect(result.stats).toMatchObject({ calls: 1, retries: 2, fromModel: 1 });
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(75);
    expect(waits[0]).toBeLessThanOrEqual(125);
    expect(waits[1]).toBeGreaterThanOrEqual(150);
    expect(waits[1]).toBeLessThanOrEqual(250);
  });

  it('a call that keeps failing falls back (call_failed) and is not cached', async () => {
    const items = itemsFrom(templates.slice(0, 2));
    const cacheDir = tmp('flowtune-modelreq-cache-');
    fake.faults.add({ path: CHAT, status: 500, times: 3 });
    const { requests, stats } = await run(items, { maxRetries: 2, cacheDir });
    expect(requests.get(items[0].key)).toEqual({ texts: items[0].fallback, source: 'fallback' });
    expect(requests.get(items[1].key)!.source).toBe('model');
    expect(stats).toMatchObject({ calls: 2, retries: 2, fellBack: 1, fallbackReasons: { call_failed: 1 } });
    expect(stats.failures[0].message).toContain('after 2 retries');
    // The failed one is asked again next time; the good one is not.
    const again = await run(items, { cacheDir });
    expect(again.stats).toMatchObject({ calls: 1, cached: 1, fromModel: 2 });
  });

  it('times out a call that hangs and retries it', async () => {
    const [item] = itemsFrom(templates.slice(0, 1));
    fake.faults.add({ path: CHAT, hang: true });
    const { requests, stats } = await run([item], { timeoutMs: 300 });
    expect(requests.get(item.key)!.source).toBe('model');
    expect(stats.retries).toBe(1);
    expect(fake.requestsTo(CHAT).map((r) => r.outcome)).toEqual(['hung', 200]);
  });

  it('goes on without JSON mode when the server refuses it', async () => {
    const [item] = itemsFrom(templates.slice(0, 1));
    fake.faults.add({ path: CHAT, status: 400, body: { error: { message: "Invalid parameter: 'response_format' of type 'json_object' is not supported with this model.", type: 'invalid_request_error', param: 'response_format', code: null } } });
    const { requests, stats } = await run([item]);
    expect(requests.get(item.key)!.source).toBe('model');
    expect(stats).toMatchObject({ jsonMode: false, retries: 0 });
    const sent = fake.requestsTo(CHAT).map((r) => r.body as Record<string, unknown>);
    expect(sent).toHaveLength(2);
    expect(sent[0].response_format).toEqual({ type: 'json_object' });
    expect(sent[1].response_format).toBeUndefined();
  });

  it('stops at a wrong key: every call would fail the same way', async () => {
    const items = itemsFrom(templates.slice(0, 3));
    await expect(run(items, { apiKey: 'sk-wrong', concurrency: 2 })).rejects.toThrow(RequestsEndpointError);
    expect(fake.requestsTo(CHAT).length).toBeLessThanOrEqual(2);
  });

  it('keeps the order of the items whatever order the answers come in', async () => {
    const items = itemsFrom(templates.slice(0, 6));
    // The first answers are the slowest.
    fake.faults.add({ path: CHAT, delayMs: 150, times: 2 });
    const { requests } = await run(items, { concurrency: 4 });
    expect([...requests.keys()]).toEqual(items.map((i) => i.key));
    for (const item of items) expect(requests.get(item.key)!.texts[0]).toBe(`Automate this: ${item.title!.slice(0, 120)}`);
  });

  it('estimates tokens and cost before the calls; the cache counts as free', async () => {
    const items = itemsFrom(templates.slice(0, 3));
    const cacheDir = tmp('flowtune-modelreq-cache-');
    const seen: Array<{ calls: number; usd: number | null; promptTokens: number }> = [];
    const { estimate } = await run(items, { cacheDir, confirm: (e) => (seen.push(e), true) });
    expect(estimate).toMatchObject({ calls: 3, cached: 0, priceKey: 'gpt-4o-mini', tokensEstimated: false });
    expect(estimate.promptTokens).toBeGreaterThan(300);
    expect(estimate.usd).toBeCloseTo((estimate.promptTokens * 0.15 + estimate.completionTokens * 0.6) / 1e6, 10);
    expect(seen).toHaveLength(1);
    // No price for a self-hosted model: the estimate says so (and a refusal spends nothing).
    await expect(run(items, { model: 'my-local-model', cacheDir, confirm: () => false })).rejects.toMatchObject({ estimate: { calls: 3, usd: null, priceKey: null, tokensEstimated: true } });
    // Training prices (dataset/prices.json) never price calls.
    await expect(run(items, { model: 'gpt-3.5-turbo-0125', cacheDir, confirm: () => false })).rejects.toMatchObject({ estimate: { usd: null } });
    // Served from the cache: nothing to confirm.
    const again = await run(items, { cacheDir, confirm: () => (seen.push({ calls: -1, usd: null, promptTokens: 0 }), true) });
    expect(again.estimate).toMatchObject({ calls: 0, cached: 3 });
    expect(seen).toHaveLength(1);
  });
});

describe('answer checks', () => {
  const styles = stylesFor(3);
  const ok = (requests: string[]) => JSON.stringify({ requests });

  it('accepts a fenced answer and collapses whitespace', () => {
    const result = checkAnswer('```json\n{"requests": ["Post  new Typeform answers to Slack", "When a Typeform form is answered, post it to #leads", "Every new answer of my Typeform goes to Slack with the name"]}\n```', { styles });
    expect(result).toEqual({ ok: true, texts: ['Post new Typeform answers to Slack', 'When a Typeform form is answered, post it to #leads', 'Every new answer of my Typeform goes to Slack with the name'] });
  });

  it('names the problem and the request at fault', () => {
    expect(checkAnswer('{"items": []}', { styles })).toMatchObject({ ok: false, problem: { code: 'wrong_shape' } });
    expect(checkAnswer('{"requests": ["a request long enough", 3, "x"]}', { styles })).toMatchObject({ ok: false, problem: { code: 'wrong_shape', index: 1 } });
    expect(checkAnswer(ok(['short', 'A typical request long enough', 'A detailed request long enough']), { styles })).toMatchObject({ ok: false, problem: { code: 'too_short', index: 0 } });
    expect(checkAnswer(ok(['x'.repeat(161), 'A typical request long enough', 'A detailed request long enough']), { styles })).toMatchObject({ ok: false, problem: { code: 'too_long', index: 0 } });
    expect(checkAnswer(ok(['Email <PHONE_2> the summary', 'A typical request long enough', 'A detailed request long enough']), { styles })).toMatchObject({ ok: false, problem: { code: 'placeholder' } });
    // A placeholder shape the redactor never writes is refused too.
    expect(checkAnswer(ok(['Use <API_TOKEN_1> for the call', 'A typical request long enough', 'A detailed request long enough']), { styles })).toMatchObject({ ok: false, problem: { code: 'placeholder' } });
    expect(checkAnswer(ok(['Send new leads to Slack', 'send new leads to slack!', 'A detailed request long enough']), { styles })).toMatchObject({ ok: false, problem: { code: 'duplicate', index: 1 } });
  });

  it('wants the language of the title and description (script, then common words)', () => {
    const german = { styles, title: 'Neue Bestellungen an Slack senden', description: 'Dieser Workflow sendet jede neue Bestellung aus Shopify mit dem Namen und dem Betrag an einen Slack-Kanal, wenn sie eingeht.' };
    const english = ['Send every new Shopify order to Slack', 'When a new order comes in from Shopify, post the name and the amount to my Slack channel', 'Each time a new Shopify order is placed, send it to the Slack channel with the customer name and the amount of the order'];
    expect(checkAnswer(ok(english), german)).toMatchObject({ ok: false, problem: { code: 'wrong_language', index: 0 } });
    const inGerman = ['Neue Shopify-Bestellungen an Slack', 'Wenn eine neue Bestellung in Shopify eingeht, schicke den Namen und den Betrag an Slack', 'Sende jede neue Bestellung aus Shopify mit dem Namen des Kunden und dem Betrag an den Slack-Kanal für den Vertrieb'];
    expect(checkAnswer(ok(inGerman), german)).toMatchObject({ ok: true });
    const russian = { styles, title: 'Отправка новых заказов в Slack', description: 'Этот рабочий процесс отправляет каждый новый заказ в канал Slack.' };
    expect(checkAnswer(ok(english), russian)).toMatchObject({ ok: false, problem: { code: 'wrong_language', index: 0 } });
    expect(textLanguage('日本語のワークフローを作成してください').script).toBe('cjk');
  });

  it('refuses a copy of the description', () => {
    const description = 'This workflow watches a Gmail inbox for new emails with attachments and saves every attachment into a Google Drive folder named after the sender.';
    expect(copiesDescription('watches a Gmail inbox for new emails with attachments and saves every attachment into a Google Drive folder', description)).toBe(true);
    expect(copiesDescription('Save my Gmail attachments into Google Drive, one folder per sender', description)).toBe(false);
    // The title's words are the user's to repeat, even where the description repeats them too.
    const title = 'Save new Gmail attachments to a Google Drive folder named after the sender';
    expect(copiesDescription(`Please: ${title}`, `${title}. ${description}`, title)).toBe(false);
    expect(copiesDescription(`Please: ${title}`, `${title}. ${description}`)).toBe(true);
    const copied = ['Save Gmail attachments to Drive', 'This workflow watches a Gmail inbox for new emails with attachments and saves every attachment', 'A detailed request long enough to pass'];
    expect(checkAnswer(ok(copied), { styles, description })).toMatchObject({ ok: false, problem: { code: 'copies_description', index: 1 } });
  });
});

describe('prompt and cache', () => {
  it('summarises a workflow over the token cap and keeps the prompt under it', async () => {
    const big = stockOnly(await loadTemplates(), catalog).sort((a, b) => b.record.workflowJson.length - a.record.workflowJson.length)[0];
    const workflow = compactWorkflow(cleanWorkflow(big.workflow).workflow, { catalog });
    const full = buildRequestsPrompt({ workflow, title: big.record.name }, { count: 3, model: MODEL, maxWorkflowTokens: 100_000 });
    const capped = buildRequestsPrompt({ workflow, title: big.record.name, description: big.record.description }, { count: 3, model: MODEL, maxWorkflowTokens: 400 });
    expect(full.summarised).toBe(false);
    expect(capped.summarised).toBe(true);
    expect(capped.messages[1].content).toContain('Workflow (summarised):\nNodes (');
    // The cap, plus the fixed text, the title and at most MAX_DESCRIPTION_CHARS of description.
    expect(capped.promptTokens).toBeLessThan(400 + 1200);
    expect(capped.promptTokens).toBeLessThan(full.promptTokens);
    expect(stylesFor(1)).toEqual(['typical']);
    expect(stylesFor(4)).toEqual(['terse', 'typical', 'detailed', 'terse']);
  });

  it('keys answers by model, prompt version, settings and messages; unreadable entries are misses; rewrites stay whole', () => {
    const messages = [{ role: 'user' as const, content: 'hello' }];
    const key = cacheKey({ model: 'm', promptVersion: REQUESTS_PROMPT_VERSION, settings: { temperature: 0, maxTokens: 10 }, messages });
    expect(cacheKey({ model: 'm', promptVersion: REQUESTS_PROMPT_VERSION, settings: { maxTokens: 10, temperature: 0 }, messages })).toBe(key);
    expect(cacheKey({ model: 'other', promptVersion: REQUESTS_PROMPT_VERSION, settings: { temperature: 0, maxTokens: 10 }, messages })).not.toBe(key);
    expect(cacheKey({ model: 'm', promptVersion: 'v0', settings: { temperature: 0, maxTokens: 10 }, messages })).not.toBe(key);
    expect(cacheKey({ model: 'm', promptVersion: REQUESTS_PROMPT_VERSION, settings: { temperature: 0.5, maxTokens: 10 }, messages })).not.toBe(key);

    const dir = tmp('flowtune-modelreq-cache-');
    const a = new RequestsCache(dir);
    const b = new RequestsCache(dir);
    expect(a.get(key)).toBeUndefined();
    for (let i = 0; i < 20; i++) (i % 2 ? a : b).put(key, { text: `{"requests": ["answer"]}`, promptTokens: 5 }, 'm');
    expect(b.get(key)).toEqual({ text: '{"requests": ["answer"]}', promptTokens: 5 });
    const shard = path.join(dir, key.slice(0, 2));
    expect(readdirSync(shard)).toEqual([`${key}.json`]);
    writeFileSync(path.join(shard, `${key}.json`), '{"version": 1, "key": "');
    expect(a.get(key)).toBeUndefined();
  });

  it('reads Retry-After in milliseconds, seconds and as a date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
    expect(retryAfterMs(new Headers({}))).toBeUndefined();
  });
});

describe('flowtune dataset build --requests-model', () => {
  let fake: FakeOpenAI;
  let input: string;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    fake.chat.respondWith(goodAnswer);
    input = tmp();
    writeTemplates(input, await englishTemplates(3));
  });
  afterAll(() => fake.close());

  async function cli(args: string[], confirm?: (question: string) => Promise<boolean>) {
    let stdout = '';
    let stderr = '';
    const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: () => '', color: false, env: {}, ...(confirm ? { confirm } : {}) };
    const code = await runCli(['dataset', 'build', '--from', `dir:${input}`, '--workers', '0', '--requests-per-workflow', '3', '--requests-model', MODEL, '--requests-base-url', fake.baseURL, '--requests-api-key', 'sk-test', ...args], io);
    return { code, stdout, stderr };
  }

  it('refuses to spend without --yes when nobody can confirm, before any call; --yes goes ahead; a cached re-run needs no confirmation', async () => {
    const cache = tmp('flowtune-modelreq-cache-');
    const out = path.join(tmp(), 'out');
    const refused = await cli(['--out', out, '--requests-cache', cache]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/requests model gpt-4o-mini at .*: \d+ call\(s\) to make, 0 answer\(s\) cached; [\d,]+ prompt \+ ~[\d,]+ answer tokens, ≈ \$0\.\d{4}/);
    expect(refused.stderr).toContain('not calling gpt-4o-mini: confirm the estimated cost with --yes (no terminal to ask on); nothing was spent');
    expect(fake.requestsTo(CHAT)).toHaveLength(0);
    expect(existsSync(path.join(out, 'train.jsonl'))).toBe(false);

    const declined = await cli(['--out', out, '--requests-cache', cache], () => Promise.resolve(false));
    expect(declined.code).toBe(0);
    expect(declined.stderr).toContain('was not confirmed; nothing was spent; the dataset was not written');
    expect(fake.requestsTo(CHAT)).toHaveLength(0);

    const paid = await cli(['--out', out, '--requests-cache', cache, '--yes']);
    expect(paid.code).toBe(0);
    const calls = fake.requestsTo(CHAT).length;
    expect(calls).toBeGreaterThan(0);
    expect(paid.stdout).toMatch(new RegExp(`model requests \\(gpt-4o-mini\\): ${calls} of ${calls} example\\(s\\) from the model, 0 fell back`));

    const cached = await cli(['--out', out, '--requests-cache', cache]);
    expect(cached.code).toBe(0);
    expect(fake.requestsTo(CHAT).length).toBe(calls);
    expect(cached.stdout).toContain(`0 call(s), ${calls} cached`);
  }, 120_000);

  it('takes an OpenAI key from the environment only for api.openai.com, and needs --requests-model for its options', async () => {
    const { requestsModelOptions } = await import('../../cli/commands/dataset');
    const base = { from: [], out: 'x', target: 'compact', format: 'all', validationSplit: '0.1', seed: '1', model: 'm', minNodes: '2', maxNodes: '9', minViews: '0', maxPerStructure: '3', nearDuplicate: '0.8', augment: '0', requestsPerWorkflow: '2', requestsConcurrency: '4', requestsTimeout: '120' };
    expect(requestsModelOptions({ ...base, requestsModel: 'gpt-4o-mini' }, { OPENAI_API_KEY: 'sk-openai' })).toMatchObject({ baseURL: 'https://api.openai.com/v1', apiKey: 'sk-openai' });
    expect(requestsModelOptions({ ...base, requestsModel: 'qwen', requestsBaseUrl: 'http://localhost:8000/v1' }, { OPENAI_API_KEY: 'sk-openai' })).not.toHaveProperty('apiKey');
    expect(requestsModelOptions({ ...base, requestsModel: 'qwen', requestsBaseUrl: 'https://api.together.xyz/v1' }, { OPENAI_API_KEY: 'sk-openai', FLOWTUNE_REQUESTS_API_KEY: 'tg' })).toMatchObject({ apiKey: 'tg' });
    expect(() => requestsModelOptions({ ...base, requestsModel: 'gpt-4o-mini' }, {})).toThrow(/no API key for https:\/\/api\.openai\.com/);
    expect(() => requestsModelOptions({ ...base, requestsBaseUrl: 'http://localhost:8000/v1' }, {})).toThrow('--requests-base-url needs --requests-model <id>');
    const bad = await cli(['--out', path.join(tmp(), 'o'), '--requests-concurrency', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--requests-concurrency');
  });
});
