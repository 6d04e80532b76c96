/**
 * Token counting, the cookbook's cost rule and format checks for fine-tuning JSONL, and the
 * `flowtune dataset check` command function. Reference counts come from OpenAI's tiktoken
 * (the wasm build of its Rust core) and the OpenAI cookbook's published outputs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatCheckReport, readLinesSync, runDatasetCheck, type DatasetCheckReport } from '../../cli/commands/dataset-check';
import type { CliIO } from '../../cli/io';
import { checkJsonl, checkJsonlLines, tokenStats } from '../../dataset/check';
import { BUILT_IN_PRICES, defaultEpochs, estimateTrainingCost, loadPriceTable, PriceTableError, priceFor } from '../../dataset/cost';
import { loadTemplates } from '../helpers/templates';
import { countChatTokens, countTokens, countTokensWithEncoding, DEFAULT_BASE_MODEL, DEFAULT_EXAMPLE_TOKEN_LIMIT, encodingForModel, exampleTokenLimit, fineTuningEndWarning, modelInfo } from '../../dataset/tokens';
import { DEFAULT_BUILD_SETTINGS } from '../../dataset/build';

const line = (value: unknown) => JSON.stringify(value);
const chat = (...messages: unknown[]) => line({ messages });
const user = (content: unknown = 'q') => ({ role: 'user', content });
const assistant = (content: unknown = 'a') => ({ role: 'assistant', content });

describe('model table', () => {
  it.each([
    ['gpt-4o', 'o200k_base'],
    ['gpt-4o-2024-08-06', 'o200k_base'],
    ['gpt-4o-mini', 'o200k_base'],
    ['gpt-4o-mini-2024-07-18', 'o200k_base'],
    ['gpt-4.1', 'o200k_base'],
    ['gpt-4.1-2025-04-14', 'o200k_base'],
    ['gpt-4.1-mini-2025-04-14', 'o200k_base'],
    ['gpt-4.1-nano', 'o200k_base'],
    ['gpt-4.5-preview', 'o200k_base'],
    ['o1', 'o200k_base'],
    ['o3-mini-2025-01-31', 'o200k_base'],
    ['o4-mini-2025-04-16', 'o200k_base'],
    ['gpt-3.5-turbo', 'cl100k_base'],
    ['gpt-3.5-turbo-0125', 'cl100k_base'],
    ['gpt-4', 'cl100k_base'],
    ['gpt-4-0613', 'cl100k_base'],
    ['gpt-4-turbo', 'cl100k_base'],
    ['gpt-4-turbo-2024-04-09', 'cl100k_base'],
  ])('%s → %s', (model, encoding) => {
    expect(encodingForModel(model)).toBe(encoding);
    expect(modelInfo(model).approximate).toBe(false);
  });

  it('resolves fine-tuned ids to their base model', () => {
    const info = modelInfo('ft:gpt-4o-mini-2024-07-18:my-org::9xYzAbC1');
    expect(info).toMatchObject({ base: 'gpt-4o-mini-2024-07-18', family: 'gpt-4o-mini', fineTuned: true, encoding: 'o200k_base', exampleTokenLimit: 65_536, approximate: false });
    expect(modelInfo('ft:gpt-3.5-turbo-0125:org:flowtune:abc123')).toMatchObject({ base: 'gpt-3.5-turbo-0125', encoding: 'cl100k_base', exampleTokenLimit: 16_385 });
    expect(modelInfo('ft:gpt-3.5-turbo-0613:org::x').exampleTokenLimit).toBe(4_096);
    expect(modelInfo('openai/gpt-4.1-mini').base).toBe('gpt-4.1-mini');
  });

  it('gives the documented per-example limits', () => {
    for (const model of ['gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18', 'gpt-4.1-2025-04-14', 'gpt-4.1-mini', 'gpt-4.1-nano-2025-04-14']) {
      expect(exampleTokenLimit(model)).toBe(65_536);
      expect(modelInfo(model).limitDocumented).toBe(true);
    }
    expect(exampleTokenLimit('gpt-3.5-turbo-0125')).toBe(16_385);
    expect(exampleTokenLimit('gpt-3.5-turbo-1106')).toBe(16_385);
    expect(exampleTokenLimit('gpt-3.5-turbo')).toBe(16_385);
    expect(modelInfo('gpt-4-0613').limitDocumented).toBe(false);
  });

  it('counts unknown (open) models with o200k_base, labelled approximate, with the default limit', () => {
    for (const model of ['Qwen/Qwen2.5-Coder-7B-Instruct', 'meta-llama/Llama-3.1-8B-Instruct', 'gpt-4oops']) {
      expect(modelInfo(model)).toMatchObject({ family: null, encoding: 'o200k_base', approximate: true, exampleTokenLimit: DEFAULT_EXAMPLE_TOKEN_LIMIT, limitDocumented: false });
    }
  });
});

describe('base model defaults that outlive the month', () => {
  const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

  it('the default base model is an open model whose fine-tuning does not end; its counts are estimates', () => {
    expect(DEFAULT_BUILD_SETTINGS.model).toBe(DEFAULT_BASE_MODEL);
    expect(fineTuningEndWarning(DEFAULT_BASE_MODEL, day('2026-12-06'))).toBeUndefined();
    expect(modelInfo(DEFAULT_BASE_MODEL).approximate).toBe(true);
  });

  it.each(['gpt-4o-mini-2024-07-18', 'ft:gpt-4.1-mini-2025-04-14:acme::x1', 'gpt-4o', 'gpt-3.5-turbo-0125'])('%s: warned within three months of OpenAI’s end, and after it', (model) => {
    expect(fineTuningEndWarning(model, day('2026-09-01'))).toBeUndefined();
    expect(fineTuningEndWarning(model, day('2026-12-06'))).toMatch(/^new fine-tuning jobs of .+ at OpenAI end on 2027-01-06; Qwen\/Qwen3-8B/);
    expect(fineTuningEndWarning(model, day('2027-02-01'))).toMatch(/ended on 2027-01-06/);
  });

});

describe('token counts', () => {
  it('matches tiktoken on known strings', () => {
    expect(countTokens('hello world', 'gpt-4o-mini')).toBe(2);
    expect(countTokens('hello world', 'gpt-4')).toBe(2);
    expect(countTokens('', 'gpt-4o')).toBe(0);
    const mixed = 'Zusammenfassung der Ergebnisse: 日本語のテキストとemoji 🎉';
    expect(countTokens(mixed, 'gpt-4o')).toBe(16);
    expect(countTokens(mixed, 'gpt-3.5-turbo')).toBe(23);
    const json = '{"nodes":[{"type":"n8n-nodes-base.httpRequest","typeVersion":4.2}]}';
    expect(countTokens(json, 'gpt-4.1-nano')).toBe(23);
    expect(countTokens(json, 'gpt-4-turbo')).toBe(22);
  });

  it('counts piece by piece exactly as the tokenizer counts the whole text', async () => {
    const direct = {
      o200k_base: require('gpt-tokenizer/cjs/encoding/o200k_base') as { countTokens(text: string, options: object): number },
      cl100k_base: require('gpt-tokenizer/cjs/encoding/cl100k_base') as { countTokens(text: string, options: object): number },
    };
    const tricky = [
      "I'll say it's done, they've WON'T   tabs\t\tand\r\nnewlines\n\n\n  ",
      'numbers 1234567890 3.14159 -42 1e10 ١٢٣٤',
      'Zusammenfassung: 日本語のテキスト, 한국어, العربية, emoji 🎉👩‍👩‍👧 and \u200d\ufeff',
      '<|endoftext|><|im_start|>user\n<|fim_prefix|>',
      "={{ $json.body.items.map(i => i['price'] * 1.2).join(', ') }}\n\n    return [{json: {ok: true}}];",
      ' '.repeat(40) + 'x' + '\n'.repeat(7) + '  ',
    ];
    // Every 15th n8n.io template: real JSON with code, prompts and many scripts.
    const templates = (await loadTemplates()).filter((_, i) => i % 15 === 0).map((t) => t.record.workflowJson);
    for (const name of ['o200k_base', 'cl100k_base'] as const) {
      for (const text of [...tricky, ...templates]) {
        expect(countTokensWithEncoding(text, name)).toBe(direct[name].countTokens(text, { disallowedSpecial: new Set() }));
      }
    }
  });

  it('counts special-token text as ordinary text instead of throwing', () => {
    expect(countTokens('<|endoftext|> hi', 'gpt-4o')).toBe(8);
  });

  // The cookbook's example_messages (How_to_count_tokens_with_tiktoken.ipynb): 129 prompt tokens
  // for gpt-4-0613 as counted by the OpenAI API, 124 for gpt-4o / gpt-4o-mini.
  const cookbookMessages = [
    { role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' },
    { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
    { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
    { role: 'system', name: 'example_user', content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage." },
    { role: 'system', name: 'example_assistant', content: "Let's talk later when we're less busy about how to do better." },
    { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
  ];

  it('follows num_tokens_from_messages on the cookbook example', () => {
    expect(countChatTokens(cookbookMessages, 'gpt-4-0613')).toBe(129);
    expect(countChatTokens(cookbookMessages, 'gpt-4o')).toBe(124);
    expect(countChatTokens(cookbookMessages, 'ft:gpt-4o-mini-2024-07-18:org::abc')).toBe(124);
  });

  it('counts a small chat: 3 per message + values + 3 for the reply priming', () => {
    // 3 + (3 + user 1 + "q" 1) + (3 + assistant 1 + "a" 1) = 13
    expect(countChatTokens([user(), assistant()], 'gpt-4o-mini')).toBe(13);
    expect(countChatTokens([], 'gpt-4o-mini')).toBe(3);
  });

  it('encodes tool calls as JSON, null as nothing, and skips weight', () => {
    const toolCalls = [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }];
    const messages = [
      user(),
      { role: 'assistant', content: null, tool_calls: toolCalls }, // 3 + 1 + 0 + 29
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' }, // 3 + 1 + 3 + 2
      { role: 'assistant', content: 'a', weight: 1 }, // 3 + 1 + 1
    ];
    expect(countChatTokens(messages, 'gpt-4o')).toBe(3 + 5 + 33 + 9 + 5);
  });
});

describe('cost estimate (cookbook rule)', () => {
  it.each([
    [1, 25],
    [3, 25],
    [5, 20], // the cookbook's toy dataset: "you'll train for 20 epochs"
    [10, 10],
    [30, 3], // 100 // 30 = 3: the cookbook floors
    [33, 3],
    [34, 3],
    [8_333, 3],
    [8_334, 2],
    [12_500, 2],
    [12_501, 1],
    [50_000, 1],
  ])('%i examples → %i epochs', (n, epochs) => {
    expect(defaultEpochs(n)).toBe(epochs);
  });

  it('bills Σ min(limit, tokens) × epochs at the model price', () => {
    const cost = estimateTrainingCost({ tokensPerExample: [100, 200, 70_000], model: 'gpt-4o-mini-2024-07-18' });
    expect(cost).toMatchObject({ examples: 3, epochs: 25, epochsSource: 'default', limit: 65_536, overLimit: 1, tokensPerEpoch: 65_836, billedTokens: 1_645_900 });
    expect(cost.priceKey).toBe('gpt-4o-mini-2024-07-18');
    expect(cost.usdPerMillion).toBe(3);
    expect(cost.usd).toBeCloseTo(4.9377, 10);
  });

  it('reproduces the cookbook toy output: 4306 tokens, 5 examples → 86120 billed', () => {
    const cost = estimateTrainingCost({ tokensPerExample: [26, 45, 40, 4163, 32], model: 'gpt-3.5-turbo' });
    expect(cost.tokensPerEpoch).toBe(4306);
    expect(cost.epochs).toBe(20);
    expect(cost.billedTokens).toBe(86_120);
    expect(cost.usd).toBeCloseTo(0.68896, 10);
  });

  it('takes fixed epochs and rejects impossible ones', () => {
    const cost = estimateTrainingCost({ tokensPerExample: [1_000_000 / 4, 1_000_000 / 4], model: 'gpt-4.1-2025-04-14', epochs: 2 });
    // capped at 65,536 each: 131,072 × 2 = 262,144 tokens × $25 / 1M
    expect(cost).toMatchObject({ epochs: 2, epochsSource: 'given', tokensPerEpoch: 131_072, billedTokens: 262_144, overLimit: 2 });
    expect(cost.usd).toBeCloseTo(6.5536, 10);
    expect(() => estimateTrainingCost({ tokensPerExample: [1], model: 'gpt-4o', epochs: 0 })).toThrow(RangeError);
    expect(() => estimateTrainingCost({ tokensPerExample: [1], model: 'gpt-4o', epochs: 1.5 })).toThrow(RangeError);
  });

  it('prices aliases, snapshots and fine-tuned ids by their family, never a sibling family', () => {
    expect(priceFor('gpt-4o-mini', BUILT_IN_PRICES)).toEqual({ key: 'gpt-4o-mini-2024-07-18', usdPerMillion: 3 });
    expect(priceFor('ft:gpt-4o-mini-2024-07-18:org::id', BUILT_IN_PRICES)?.usdPerMillion).toBe(3);
    expect(priceFor('gpt-4o', BUILT_IN_PRICES)?.usdPerMillion).toBe(25);
    expect(priceFor('gpt-4.1', BUILT_IN_PRICES)?.usdPerMillion).toBe(25);
    expect(priceFor('gpt-4.1-mini', BUILT_IN_PRICES)?.usdPerMillion).toBe(5);
    expect(priceFor('gpt-4.1-nano-2025-04-14', BUILT_IN_PRICES)?.usdPerMillion).toBe(1.5);
    expect(priceFor('gpt-3.5-turbo-1106', BUILT_IN_PRICES)?.usdPerMillion).toBe(8);
    expect(priceFor('gpt-4-0613', BUILT_IN_PRICES)).toBeNull();
    expect(priceFor('Qwen/Qwen2.5-Coder-7B-Instruct', BUILT_IN_PRICES)).toBeNull();
  });

  it('gives usd null without a price, and takes user prices from a table or a file', () => {
    expect(estimateTrainingCost({ tokensPerExample: [10], model: 'Qwen/Qwen2.5-Coder-7B-Instruct' }).usd).toBeNull();
    const qwen = estimateTrainingCost({ tokensPerExample: Array(200).fill(500), model: 'Qwen/Qwen2.5-Coder-7B-Instruct', prices: { 'Qwen/Qwen2.5-Coder-7B-Instruct': 2 } });
    expect(qwen).toMatchObject({ epochs: 3, billedTokens: 300_000, usdPerMillion: 2 });
    expect(qwen.usd).toBeCloseTo(0.6, 10);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'flowtune-prices-'));
    try {
      const file = path.join(dir, 'prices.json');
      writeFileSync(file, JSON.stringify({ $comment: 'mine', 'gpt-4o-mini-2024-07-18': 1.5 }));
      const table = loadPriceTable(file);
      expect(table['gpt-4o-mini-2024-07-18']).toBe(1.5);
      expect(table['gpt-4o-2024-08-06']).toBe(25); // built-in entries stay
      expect(estimateTrainingCost({ tokensPerExample: [1_000_000], model: 'gpt-4o-mini', epochs: 1, prices: file }).usd).toBeCloseTo(65_536 * 1.5 / 1e6, 10);

      writeFileSync(file, JSON.stringify({ 'gpt-4o': '25 dollars' }));
      expect(() => loadPriceTable(file)).toThrow(PriceTableError);
      writeFileSync(file, '{ not json');
      expect(() => loadPriceTable(file)).toThrow(/not valid JSON/);
      expect(() => loadPriceTable(path.join(dir, 'missing.json'))).toThrow(/cannot read price table/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('format checks', () => {
  const lines = [
    /* 1 */ chat({ role: 'system', content: 'You write n8n workflows.' }, user('Post new RSS items to Slack'), assistant('{"nodes":[]}')),
    /* 2 */ '',
    /* 3 */ '{"messages": [',
    /* 4 */ '[1, 2]',
    /* 5 */ line({ prompt: 'x', completion: 'y' }),
    /* 6 */ line({ messages: [] }),
    /* 7 */ chat({ role: 'user' }, assistant()),
    /* 8 */ chat({ ...user(), extra: 1 }, assistant()),
    /* 9 */ chat({ role: 'developer', content: 'be brief' }, user(), assistant()),
    /* 10 */ chat(user(''), assistant()),
    /* 11 */ chat(user(42), assistant()),
    /* 12 */ chat(user()),
    /* 13 */ chat(user(), { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'c1', content: 'ok' }, assistant()),
    /* 14 */ '   ',
    /* 15 */ chat('hi', assistant()),
    /* 16 */ chat({ content: 'no role' }, assistant()),
    /* 17 */ line({ messages: { role: 'user' } }),
    /* 18 */ chat(user(), { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } }, { role: 'function', name: 'f', content: '1' }, assistant()),
    /* 19 */ chat(user(), assistant(null)),
  ];
  const expected = [
    { line: 3, code: 'invalid_json' },
    { line: 4, code: 'data_type' },
    { line: 5, code: 'missing_messages_list' },
    { line: 6, code: 'missing_messages_list' },
    { line: 7, code: 'message_missing_key' },
    { line: 8, code: 'message_unrecognized_key' },
    { line: 9, code: 'unrecognized_role' },
    { line: 10, code: 'missing_content' },
    { line: 11, code: 'missing_content' },
    { line: 12, code: 'example_missing_assistant_message' },
    { line: 15, code: 'data_type' },
    { line: 16, code: 'message_missing_key' },
    { line: 17, code: 'missing_messages_list' },
    { line: 19, code: 'missing_content' },
  ];

  it('flags every category on its line, and nothing on valid or blank lines', () => {
    const result = checkJsonl(`${lines.join('\n')}\n`, 'gpt-4o-mini-2024-07-18');
    expect(result.errors.map(({ line, code }) => ({ line, code }))).toEqual(expected);
    expect(result.examples).toBe(17); // 19 lines, 2 blank (and the trailing newline)
    expect(result.byCode).toEqual({
      invalid_json: 1,
      data_type: 2,
      missing_messages_list: 3,
      message_missing_key: 2,
      message_unrecognized_key: 1,
      unrecognized_role: 1,
      missing_content: 3,
      example_missing_assistant_message: 1,
    });
    for (const e of result.errors) expect(e.message.length).toBeGreaterThan(5);
    expect(result.errors.find((e) => e.line === 8)?.message).toContain('"extra"');
    expect(result.errors.find((e) => e.line === 9)?.message).toContain('"developer"');
    // Examples with a messages list are counted, errors or not.
    expect(result.tokens.perExample.map((e) => e.line)).toEqual([1, 7, 8, 9, 10, 11, 12, 13, 15, 16, 18, 19]);
    expect(result.tokens.perExample[0].tokens).toBe(countChatTokens(JSON.parse(lines[0]).messages, 'gpt-4o-mini'));
    expect(result.overLimit).toBe(0);
  });

  it('reads CRLF files the same, and lines from any iterable', () => {
    const lf = checkJsonl(lines.join('\n'), 'gpt-4o');
    const crlf = checkJsonl(lines.join('\r\n'), 'gpt-4o');
    expect(crlf.errors).toEqual(lf.errors);
    expect(crlf.tokens).toEqual(lf.tokens);
    function* generate() {
      yield* lines;
    }
    expect(checkJsonlLines(generate(), 'gpt-4o').errors).toEqual(lf.errors);
  });

  it('flags examples over the model limit as too_many_tokens', () => {
    const long = chat(user('word '.repeat(5000)), assistant());
    const text = [chat(user(), assistant()), long].join('\n');
    const small = checkJsonl(text, 'gpt-3.5-turbo-0613'); // 4,096 per example
    expect(small.errors).toEqual([{ line: 2, code: 'too_many_tokens', message: expect.stringContaining('4096-token limit') }]);
    expect(small.overLimit).toBe(1);
    expect(small.tokens.max).toBeGreaterThan(4096);
    expect(checkJsonl(text, 'gpt-4o-mini').errors).toEqual([]);
  });

  it('names a byte-order mark that breaks the first line', () => {
    const result = checkJsonl(`\uFEFF${chat(user(), assistant())}`, 'gpt-4o');
    expect(result.errors).toEqual([{ line: 1, code: 'invalid_json', message: expect.stringContaining('byte-order mark') }]);
  });

  it('computes token statistics by nearest rank', () => {
    const stats = tokenStats([10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((tokens, i) => ({ line: i + 1, tokens })));
    expect(stats).toMatchObject({ total: 550, min: 10, max: 100, mean: 55, p50: 60, p90: 100 });
    expect(tokenStats([])).toMatchObject({ total: 0, min: 0, max: 0, mean: 0, p50: 0, p90: 0 });
  });
});

describe('flowtune dataset check (command function)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowtune-dataset-check-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function capture(stdin = ''): { io: CliIO; out: () => string; err: () => string } {
    let out = '';
    let err = '';
    return {
      io: { stdout: (t) => (out += t), stderr: (t) => (err += t), readStdin: () => stdin, color: false },
      out: () => out,
      err: () => err,
    };
  }
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const valid = Array.from({ length: 12 }, (_, i) => chat(user(`request ${i}`), assistant(`{"nodes":[${i}]}`))).join('\n');

  it('exits 0 on a valid file and prints counts, tokens and the cost rule', () => {
    const file = write('valid.jsonl', `${valid}\n`);
    const { io, out, err } = capture();
    expect(runDatasetCheck(file, { model: 'gpt-4o-mini-2024-07-18' }, io)).toBe(0);
    expect(err()).toBe('');
    expect(out()).toContain('12 example(s)');
    expect(out()).toContain('format: no errors');
    expect(out()).toContain('tokens per example');
    expect(out()).toContain('training: 8 epoch(s) (default rule: 12 examples × 3 < 100 → min(25, ⌊100 / 12⌋))');
    expect(out()).toMatch(/cost: [\d,]+ × \$3\.00 \/ 1M \(gpt-4o-mini-2024-07-18\) ≈ \$0\.\d\d/);
  });

  it('exits 1 on format errors and lists categories with their first lines', () => {
    const bad = [chat(user(), assistant()), '{oops', chat(user()), chat(user()), chat(user()), chat(user()), chat(user()), chat(user()), chat(user())].join('\n');
    const file = write('bad.jsonl', bad);
    const { io, out } = capture();
    expect(runDatasetCheck(file, { model: 'gpt-4o-mini' }, io)).toBe(1);
    expect(out()).toContain('format: 8 error(s)');
    expect(out()).toMatch(/invalid_json\s+1\s+line 2\b/);
    expect(out()).toMatch(/example_missing_assistant_message\s+7\s+lines 3, 4, 5, 6, 7, … \(2 more\)/);
    expect(out()).toContain('note: OpenAI fine-tuning needs at least 10 examples');
  });

  it('prints exactly the report as JSON with --json', () => {
    const file = write('json.jsonl', `${valid}\n${chat(user(), { role: 'bot', content: 'x' })}\n`);
    const { io, out } = capture();
    expect(runDatasetCheck(file, { model: 'gpt-4o-mini-2024-07-18', json: true }, io)).toBe(1);
    const report = JSON.parse(out()) as DatasetCheckReport;
    expect(report.file).toBe(file);
    expect(report.examples).toBe(13);
    expect(report.errors).toEqual([
      { line: 13, code: 'unrecognized_role', message: expect.any(String) },
      { line: 13, code: 'example_missing_assistant_message', message: expect.any(String) },
    ]);
    expect(report.byCode).toEqual({ unrecognized_role: 1, example_missing_assistant_message: 1 });
    expect(report.tokens.perExample).toHaveLength(13);
    expect(report.cost).toMatchObject({ examples: 13, epochs: 7, epochsSource: 'default', limit: 65_536, priceKey: 'gpt-4o-mini-2024-07-18', usdPerMillion: 3 });
    expect(report.cost.billedTokens).toBe(report.tokens.total * 7);
    expect(Object.keys(report).sort()).toEqual(['approximate', 'byCode', 'cost', 'encoding', 'errors', 'examples', 'file', 'limit', 'limitDocumented', 'model', 'overLimit', 'tokens'].sort());
  });

  it('exits 2 on a missing file or a bad price file', () => {
    const missing = capture();
    expect(runDatasetCheck(path.join(dir, 'nope.jsonl'), { model: 'gpt-4o' }, missing.io)).toBe(2);
    expect(missing.err()).toMatch(/cannot read .*nope\.jsonl: ENOENT/);
    expect(missing.out()).toBe('');
    const folder = capture();
    expect(runDatasetCheck(dir, { model: 'gpt-4o' }, folder.io)).toBe(2);
    expect(folder.err()).toContain('EISDIR');

    const file = write('ok.jsonl', valid);
    const prices = write('prices.json', '[1, 2]');
    const badPrices = capture();
    expect(runDatasetCheck(file, { model: 'gpt-4o', prices }, badPrices.io)).toBe(2);
    expect(badPrices.err()).toContain('price table');
  });

  it('reads standard input for -, and says when no price is known', () => {
    const { io, out } = capture(valid);
    expect(runDatasetCheck('-', { model: 'Qwen/Qwen2.5-Coder-7B-Instruct' }, io)).toBe(0);
    expect(out()).toContain("o200k_base, an estimate: Qwen/Qwen2.5-Coder-7B-Instruct's tokenizer is not bundled");
    expect(out()).toContain('(assumed: no documented limit for this model)');
    expect(out()).toContain('cost: no price known for Qwen/Qwen2.5-Coder-7B-Instruct');
  });

  it('dataset check prints the warning for a model whose fine-tuning ends soon', () => {
    jest.useFakeTimers({ now: new Date('2026-12-06T12:00:00Z') });
    try {
      const { io, out } = capture(valid);
      expect(runDatasetCheck('-', { model: 'gpt-4o-mini-2024-07-18' }, io)).toBe(0);
      expect(out()).toContain('warning: new fine-tuning jobs of gpt-4o-mini-2024-07-18 at OpenAI end on 2027-01-06');
      const open = capture(valid);
      expect(runDatasetCheck('-', { model: DEFAULT_BASE_MODEL }, open.io)).toBe(0);
      expect(open.out()).not.toContain('warning:');
    } finally {
      jest.useRealTimers();
    }
  });

  it('reads files in chunks without splitting characters or losing the last line', () => {
    const big = Array.from({ length: 100_000 }, (_, i) => `${i} 日本語 ü 🎉`).join('\n');
    const file = write('big.txt', big);
    expect([...readLinesSync(file)]).toEqual(big.split('\n'));
    expect([...readLinesSync(write('empty.txt', ''))]).toEqual([]);
    expect([...readLinesSync(write('nl.txt', 'a\n'))]).toEqual(['a']);
  });

  it('formats without colour codes when colour is off', () => {
    const report: DatasetCheckReport = {
      file: 'x.jsonl',
      ...checkJsonl(valid, 'gpt-4o'),
      cost: estimateTrainingCost({ tokensPerExample: [1], model: 'gpt-4o' }),
    };
    expect(formatCheckReport(report, false)).not.toMatch(/\u001b\[/);
  });
});
