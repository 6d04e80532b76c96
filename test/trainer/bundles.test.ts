/**
 * Trainer bundles (`flowtune train export`): per-tool files and config keys (YAML parsed back,
 * Python syntax-checked when python3 is on the machine), data round trips, the base model →
 * template mapping, input errors with file and line, settings validation, atomic writes and
 * byte-identical output — on small datasets generated in temp folders.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import type { CliIO } from '../../cli/io';
import { registerTrainExport } from '../../cli/commands/train-export';
import { SYSTEM_PROMPT_VERSION, systemPrompt } from '../../dataset/prompt';
import { OutputFiles } from '../../dataset/writer';
import {
  BundleError,
  bundleFiles,
  checkTool,
  datasetHash,
  dropOverLength,
  exportBundle,
  parseChatJsonl,
  readBundleData,
  TOOLS,
  validateSettings,
  type BundleData,
  type BundleFile,
  type BundleSettings,
  type ChatExample,
  type TrainerTool,
} from '../../trainer/bundles';
import { py, sh, yamlDocument, yamlNumber } from '../../trainer/bundles/emit';
import { detectFamily, family, looksInstructTuned, unslothTemplate, vllmMaxLoraRank } from '../../trainer/bundles/templates';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'flowtune-bundles-'));

// ---------------------------------------------------------------------------------------------
// Parsers used to read the generated files back

const python3 = spawnSync('python3', ['-c', 'import sys; print(sys.version_info[0])'], { encoding: 'utf8' }).stdout?.trim() === '3';
const pyyaml = python3 && spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;

/**
 * YAML as the trainers read it: PyYAML (what Axolotl and LLaMA-Factory use) when python3 has it,
 * else js-yaml (present through jest's own dependencies).
 */
function parseYaml(text: string): Record<string, unknown> {
  if (pyyaml) {
    const run = spawnSync('python3', ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))'], { input: text, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`PyYAML could not read:\n${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  }
  const jsyaml = require('js-yaml') as { safeLoad?: (t: string) => unknown; load: (t: string) => unknown };
  return (jsyaml.safeLoad ?? jsyaml.load)(text) as Record<string, unknown>;
}

/** Python syntax check (ast.parse) when python3 is on the machine; returns whether it ran. */
function checkPythonSyntax(source: string): boolean {
  if (!python3) return false;
  const run = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: source, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`generated Python does not parse:\n${run.stderr}`);
  return true;
}

function jsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

// ---------------------------------------------------------------------------------------------
// A small generated dataset

const SYSTEM = systemPrompt('compact');

function example(i: number, system = SYSTEM): ChatExample {
  const workflow = {
    name: `Flow ${i} — “quoted” ünïcode`,
    nodes: [
      { name: 'Webhook', type: 'n8n-nodes-base.webhook', parameters: { path: `hook-${i}` } },
      { name: 'Set', type: 'n8n-nodes-base.set', parameters: { note: `line 1\nline 2 "q" \\ backslash #${i}` } },
    ],
    connections: { Webhook: { main: [['Set']] } },
  };
  return {
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: `Request ${i}: when a webhook fires, set a field; don't "forget" the tab\tand emoji 🚀` },
      { role: 'assistant', content: JSON.stringify(workflow) },
    ],
  };
}

const TRAIN = Array.from({ length: 6 }, (_, i) => example(i));
const VALIDATION = Array.from({ length: 2 }, (_, i) => example(100 + i));

function data(train = TRAIN, validation = VALIDATION): BundleData {
  return {
    train,
    validation,
    provenance: {
      trainFile: 'train.jsonl',
      validationFile: validation.length > 0 ? 'validation.jsonl' : null,
      systemPromptVersion: SYSTEM_PROMPT_VERSION,
      flowtuneVersion: '0.1.0-test',
      droppedOverLength: { train: 0, validation: 0 },
    },
  };
}

function settings(overrides: Partial<BundleSettings> = {}): BundleSettings {
  return validateSettings({ baseModel: 'meta-llama/Llama-3.1-8B-Instruct', ...overrides });
}

function file(files: BundleFile[], p: string): string {
  const found = files.find((f) => f.path === p);
  if (!found) throw new Error(`no ${p} in bundle (has ${files.map((f) => f.path).join(', ')})`);
  return found.content;
}

const jsonlOf = (examples: ChatExample[]) => examples.map((e) => JSON.stringify(e)).join('\n') + '\n';

function writeDataset(dir: string, train = TRAIN, validation = VALIDATION, report = true): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'train.jsonl'), jsonlOf(train));
  if (validation.length > 0) writeFileSync(path.join(dir, 'validation.jsonl'), jsonlOf(validation));
  if (report) writeFileSync(path.join(dir, 'report.json'), JSON.stringify({ systemPromptVersion: 'flowtune-system-v0-test' }));
  return dir;
}

function readTree(dir: string, base = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(path.join(dir, base), { withFileTypes: true })) {
    const rel = base ? `${base}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, readTree(dir, rel));
    else out[rel] = readFileSync(path.join(dir, rel), 'utf8');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('base model → family and templates', () => {
  test.each([
    ['meta-llama/Llama-3.1-8B-Instruct', 'llama3'],
    ['meta-llama/Meta-Llama-3-8B-Instruct', 'llama3'],
    ['unsloth/Llama-3.2-3B-Instruct-bnb-4bit', 'llama3'],
    ['meta-llama/Llama-4-Scout-17B-16E-Instruct', 'llama4'],
    ['Qwen/Qwen2.5-Coder-7B-Instruct', 'qwen2.5'],
    ['Qwen/Qwen3-8B', 'qwen3'],
    ['Qwen/Qwen3-32B', 'qwen3'],
    ['Qwen/Qwen3-4B-Instruct-2507', 'qwen3-instruct'],
    ['Qwen/Qwen3.5-4B-Instruct', 'qwen3.5'],
    ['mistralai/Mistral-7B-Instruct-v0.3', 'mistral'],
    ['mistralai/Mixtral-8x7B-Instruct-v0.1', 'mistral'],
    ['mistralai/Mistral-Nemo-Instruct-2407', 'mistral-nemo'],
    ['mistralai/Mistral-Small-3.2-24B-Instruct-2506', 'mistral-small'],
    ['google/gemma-2-9b-it', 'gemma2'],
    ['google/gemma-3-4b-it', 'gemma3'],
    ['google/gemma-7b-it', 'gemma'],
    ['microsoft/Phi-3.5-mini-instruct', 'phi3.5'],
    ['microsoft/Phi-3-mini-4k-instruct', 'phi3'],
    ['microsoft/phi-4', 'phi4'],
    ['HuggingFaceTB/SmolLM2-1.7B-Instruct', null],
  ])('%s → %s', (id, expected) => {
    expect(detectFamily(id)).toBe(expected);
  });

  test('each tool gets its own name for the family template', () => {
    expect(family('llama3')).toMatchObject({ axolotl: 'llama3', llamaFactory: 'llama3', unsloth: 'llama-3.1' });
    expect(family('qwen2.5')).toMatchObject({ axolotl: 'qwen_25', llamaFactory: 'qwen', unsloth: 'qwen-2.5' });
    expect(family('qwen3-instruct')).toMatchObject({ llamaFactory: 'qwen3_nothink', unsloth: 'qwen3-instruct' });
    expect(family('gemma3')).toMatchObject({ axolotl: 'gemma3', llamaFactory: 'gemma3', unsloth: 'gemma-3', responsePart: '<start_of_turn>model\n' });
    expect(family('phi4')).toMatchObject({ llamaFactory: 'phi4', unsloth: 'phi-4', axolotl: null });
    expect(unslothTemplate(family('llama3'), 'meta-llama/Meta-Llama-3-8B-Instruct')).toBe('llama-3');
    expect(unslothTemplate(family('llama3'), 'meta-llama/Llama-3.3-70B-Instruct')).toBe('llama-3.1');
  });

  test('instruct / base heuristic and vLLM LoRA ranks', () => {
    expect(looksInstructTuned('google/gemma-3-4b-it', 'gemma3')).toBe(true);
    expect(looksInstructTuned('meta-llama/Llama-3.1-8B', 'llama3')).toBe(false);
    expect(looksInstructTuned('Qwen/Qwen3-8B', 'qwen3')).toBe(true);
    expect(looksInstructTuned('Qwen/Qwen3-8B-Base', 'qwen3')).toBe(false);
    expect([8, 16, 17, 64, 65, 300].map(vllmMaxLoraRank)).toEqual([8, 16, 32, 64, 128, 320]);
  });
});

describe('emitters', () => {
  test('YAML strings PyYAML would misread are quoted; plain ones stay plain', () => {
    const doc = yamlDocument([
      { key: 'a', value: 'yes' },
      { key: 'b', value: 'on' },
      { key: 'c', value: '~' },
      { key: 'd', value: '123' },
      { key: 'e', value: 'a: b' },
      { key: 'f', value: '#x' },
      { key: 'g', value: '' },
      { key: 'h', value: 'Qwen/Qwen3-8B' },
      { key: 'i', value: '<|end_of_text|>' },
      { key: 'j', value: 'line\n"two"' },
    ]);
    expect(doc).toContain('a: "yes"\n');
    expect(doc).toContain('b: "on"\n');
    expect(doc).toContain('c: "~"\n');
    expect(doc).toContain('d: "123"\n');
    expect(doc).toContain('h: Qwen/Qwen3-8B\n');
    const back = parseYaml(doc);
    expect(back).toEqual({ a: 'yes', b: 'on', c: '~', d: '123', e: 'a: b', f: '#x', g: '', h: 'Qwen/Qwen3-8B', i: '<|end_of_text|>', j: 'line\n"two"' });
  });

  test('floats always carry a dot and a signed exponent (PyYAML reads 2e-5 as a string)', () => {
    // PyYAML's (YAML 1.1) float pattern.
    const pyyamlFloat = /^[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?$/;
    for (const n of [2e-4, 1e-5, 1e-7, 3.5e-6, 0.05, 0.1, 1.5e21]) {
      expect(yamlNumber(n)).toMatch(pyyamlFloat);
      expect(Number(yamlNumber(n))).toBe(n);
    }
    expect(yamlNumber(3)).toBe('3');
    expect(() => yamlNumber(Number.NaN)).toThrow();
  });

  test('Python literals and shell words', () => {
    expect(py('a "b"\n')).toBe('"a \\"b\\"\\n"');
    expect(py(true)).toBe('True');
    expect(py(null)).toBe('None');
    expect(py(1e-7)).toBe('1.0e-7');
    expect(py(['x', 1])).toBe('["x", 1]');
    expect(sh('meta-llama/Llama-3.1-8B-Instruct')).toBe('meta-llama/Llama-3.1-8B-Instruct');
    expect(sh("it's")).toBe(`'it'\\''s'`);
  });
});

describe('settings', () => {
  test('defaults', () => {
    expect(settings()).toEqual({
      baseModel: 'meta-llama/Llama-3.1-8B-Instruct',
      epochs: 3,
      loraR: 16,
      loraAlpha: 32,
      loraDropout: 0.05,
      learningRate: 2e-4,
      maxSeqLength: 8192,
      microBatchSize: 1,
      gradientAccumulation: 8,
      qlora: true,
    });
  });

  test.each([
    [{ epochs: 0 }, /epochs must be a whole number from 1 to 50/],
    [{ epochs: 51 }, /epochs must be a whole number from 1 to 50/],
    [{ epochs: 2.5 }, /epochs must be a whole number/],
    [{ loraR: 0 }, /lora r must be a whole number from 1 to 512/],
    [{ learningRate: 0.5 }, /learning rate must be a number/],
    [{ maxSeqLength: 100 }, /max sequence length/],
    [{ loraDropout: 0.9 }, /lora dropout/],
    [{ baseModel: 'not a model' }, /base model must be a Hugging Face model id/],
    [{ baseModel: '' }, /base model must be/],
    [{ family: 'gpt5' as never }, /unknown model family "gpt5": use llama3, llama4/],
    [{ chatTemplate: 'bad name' }, /chat template must be a template name/],
  ])('%j is refused', (overrides, message) => {
    expect(() => validateSettings({ baseModel: 'Qwen/Qwen3-8B', ...overrides })).toThrow(message);
  });

  test('unknown tool lists the valid ones', () => {
    expect(() => checkTool('deepspeed')).toThrow('unknown trainer "deepspeed": use unsloth, axolotl, llama-factory or trl');
    expect(TOOLS.map(checkTool)).toEqual([...TOOLS]);
  });
});

describe('reading OpenAI chat JSONL', () => {
  test('good lines, blank lines, CRLF and a BOM', () => {
    const text = `\ufeff${JSON.stringify(TRAIN[0])}\r\n\n${JSON.stringify({ ...TRAIN[1], extra: 1 })}\n`;
    const examples = parseChatJsonl('t.jsonl', text);
    expect(examples).toEqual([TRAIN[0], TRAIN[1]]);
  });

  test('bad lines are named by file and line', () => {
    const lines = [
      JSON.stringify(TRAIN[0]),
      '{"messages": [',
      JSON.stringify({ conversations: [] }),
      JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      JSON.stringify({ messages: [{ role: 'tool', content: 'x' }, { role: 'assistant', content: 'y' }] }),
      JSON.stringify({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 3 }] }),
      JSON.stringify({ messages: [{ role: 'user', content: 'x' }, { role: 'system', content: 's' }, { role: 'assistant', content: 'y' }] }),
      JSON.stringify({ messages: [{ role: 'assistant', content: 'y' }] }),
    ];
    let message = '';
    try {
      parseChatJsonl('data/train.jsonl', lines.join('\n'));
    } catch (error) {
      expect(error).toBeInstanceOf(BundleError);
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      expect.stringMatching(/^data\/train\.jsonl:2: not valid JSON/),
      'data/train.jsonl:3: expected a "messages" array (OpenAI chat format)',
      `data/train.jsonl:4: the last message must be the assistant's answer (got "user")`,
      'data/train.jsonl:5: message 1: role must be "system", "user" or "assistant" (got "tool")',
      'data/train.jsonl:6: message 2: content must be a string',
      'data/train.jsonl:7: message 2: a system message may only come first',
      'data/train.jsonl:8: no user message',
    ]);
  });

  test('many bad lines: the first ten and a count', () => {
    const text = Array.from({ length: 13 }, () => 'nope').join('\n');
    expect(() => parseChatJsonl('x.jsonl', text)).toThrow(/x\.jsonl:10: not valid JSON[^]*… and 3 more bad line\(s\) in x\.jsonl$/);
  });

  test('a dataset folder: train, validation and the prompt version from report.json', () => {
    const dir = writeDataset(path.join(tmp(), 'ds'));
    const read = readBundleData({ data: dir });
    expect(read.train).toEqual(TRAIN);
    expect(read.validation).toEqual(VALIDATION);
    expect(read.systemPromptVersion).toBe('flowtune-system-v0-test');
    expect(read.validationFile).toBe(path.join(dir, 'validation.jsonl'));
  });

  test('a train file with an explicit validation file; the prompt version recognised from the text', () => {
    const dir = writeDataset(path.join(tmp(), 'ds'), TRAIN, VALIDATION, false);
    const read = readBundleData({ data: path.join(dir, 'train.jsonl'), validation: path.join(dir, 'validation.jsonl') });
    expect(read.train).toHaveLength(TRAIN.length);
    expect(read.validation).toHaveLength(VALIDATION.length);
    expect(read.systemPromptVersion).toBe(SYSTEM_PROMPT_VERSION);
    const custom = readBundleData({ data: writeFileAndReturn(path.join(dir, 'other.jsonl'), jsonlOf([example(1, 'You are a helper.')])) });
    expect(custom.systemPromptVersion).toBeNull();
    expect(custom.validation).toEqual([]);
  });

  test('missing inputs are clear errors', () => {
    const dir = tmp();
    expect(() => readBundleData({ data: dir })).toThrow(`${dir}: no train.jsonl in this folder`);
    expect(() => readBundleData({ data: path.join(dir, 'nope.jsonl') })).toThrow(/nope\.jsonl: cannot read the dataset \(ENOENT\)/);
    writeFileSync(path.join(dir, 'train.jsonl'), '\n\n');
    expect(() => readBundleData({ data: dir })).toThrow(/train\.jsonl: no training examples/);
  });
});

function writeFileAndReturn(p: string, text: string): string {
  writeFileSync(p, text);
  return p;
}

/** Every example of `examples` is present, in order, with its roles and contents. */
function expectMessagesRoundTrip(jsonlText: string, examples: ChatExample[]): void {
  expect(jsonLines(jsonlText)).toEqual(examples.map((e) => ({ messages: e.messages })));
}

describe('Axolotl bundle', () => {
  const files = bundleFiles('axolotl', settings({ baseModel: 'Qwen/Qwen3-8B', epochs: 2, loraR: 32, learningRate: 1e-5, maxSeqLength: 4096 }), data());
  const config = parseYaml(file(files, 'config.yml'));

  test('files', () => {
    expect(files.map((f) => f.path)).toEqual(['Modelfile', 'README.md', 'config.yml', 'data/train.jsonl', 'data/validation.jsonl', 'manifest.json', 'system_prompt.txt']);
  });

  test('config keys', () => {
    expect(config).toMatchObject({
      base_model: 'Qwen/Qwen3-8B',
      load_in_4bit: true,
      adapter: 'qlora',
      chat_template: 'tokenizer_default_fallback_qwen3',
      lora_r: 32,
      lora_alpha: 64,
      lora_dropout: 0.05,
      lora_target_linear: true,
      sequence_len: 4096,
      sample_packing: true,
      micro_batch_size: 1,
      gradient_accumulation_steps: 8,
      num_epochs: 2,
      learning_rate: 1e-5,
      output_dir: './outputs/flowtune-lora',
    });
    expect(typeof config.learning_rate).toBe('number');
    expect(config.datasets).toEqual([
      {
        path: 'data/train.jsonl',
        ds_type: 'json',
        type: 'chat_template',
        field_messages: 'messages',
        message_property_mappings: { role: 'role', content: 'content' },
        roles_to_train: ['assistant'],
        train_on_eos: 'turn',
      },
    ]);
    expect(config.test_datasets).toEqual([expect.objectContaining({ path: 'data/validation.jsonl', split: 'train', type: 'chat_template', roles_to_train: ['assistant'] })]);
    expect(config).not.toHaveProperty('val_set_size');
  });

  test('data round-trips in OpenAI chat format', () => {
    expectMessagesRoundTrip(file(files, 'data/train.jsonl'), TRAIN);
    expectMessagesRoundTrip(file(files, 'data/validation.jsonl'), VALIDATION);
  });

  test('16-bit LoRA, Llama pad token, no validation', () => {
    const lora = bundleFiles('axolotl', settings({ qlora: false }), data(TRAIN, []));
    const c = parseYaml(file(lora, 'config.yml'));
    expect(c).toMatchObject({ adapter: 'lora', load_in_4bit: false, special_tokens: { pad_token: '<|end_of_text|>' }, chat_template: 'tokenizer_default_fallback_llama3' });
    expect(c).not.toHaveProperty('test_datasets');
    expect(lora.map((f) => f.path)).not.toContain('data/validation.jsonl');
  });

  test('Gemma 2 has no system role: the system prompt is folded into the user turn', () => {
    const gemma = bundleFiles('axolotl', settings({ baseModel: 'google/gemma-2-9b-it' }), data());
    const first = jsonLines(file(gemma, 'data/train.jsonl'))[0] as { messages: Array<{ role: string; content: string }> };
    expect(first.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(first.messages[0].content).toBe(`${SYSTEM}\n\n${TRAIN[0].messages[1].content}`);
    expect(first.messages[1].content).toBe(TRAIN[0].messages[2].content);
    expect(JSON.parse(file(gemma, 'manifest.json'))).toMatchObject({ systemFoldedIntoUser: true, chatTemplate: 'tokenizer_default_fallback_gemma' });
  });

  test('unknown family: the tokenizer template, with a warning in the README', () => {
    const smol = bundleFiles('axolotl', settings({ baseModel: 'HuggingFaceTB/SmolLM2-1.7B-Instruct' }), data());
    expect(parseYaml(file(smol, 'config.yml')).chat_template).toBe('tokenizer_default');
    expect(file(smol, 'README.md')).toContain('does not recognise the model family');
  });
});

describe('LLaMA-Factory bundle', () => {
  const files = bundleFiles('llama-factory', settings({ baseModel: 'Qwen/Qwen3-4B-Instruct-2507', maxSeqLength: 6000 }), data());
  const config = parseYaml(file(files, 'config.yaml'));
  const info = JSON.parse(file(files, 'data/dataset_info.json')) as Record<string, { file_name: string; formatting: string; columns: object; tags: object }>;

  test('files', () => {
    expect(files.map((f) => f.path)).toEqual(['Modelfile', 'README.md', 'config.yaml', 'data/dataset_info.json', 'data/train.jsonl', 'data/validation.jsonl', 'manifest.json', 'system_prompt.txt']);
  });

  test('config keys', () => {
    expect(config).toMatchObject({
      model_name_or_path: 'Qwen/Qwen3-4B-Instruct-2507',
      quantization_bit: 4,
      quantization_method: 'bnb',
      stage: 'sft',
      do_train: true,
      finetuning_type: 'lora',
      lora_rank: 16,
      lora_alpha: 32,
      lora_target: 'all',
      dataset_dir: 'data',
      dataset: 'flowtune_train',
      eval_dataset: 'flowtune_validation',
      template: 'qwen3_nothink',
      cutoff_len: 6000,
      num_train_epochs: 3,
      learning_rate: 2e-4,
      output_dir: 'saves/flowtune-lora',
      eval_strategy: 'epoch',
    });
    expect(config).not.toHaveProperty('val_size');
  });

  test('dataset_info registers both files in the OpenAI format', () => {
    expect(Object.keys(info)).toEqual(['flowtune_train', 'flowtune_validation']);
    for (const [name, entry] of Object.entries(info)) {
      expect(entry).toEqual({
        file_name: name === 'flowtune_train' ? 'train.jsonl' : 'validation.jsonl',
        formatting: 'sharegpt',
        columns: { messages: 'messages' },
        tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' },
      });
      expect(files.map((f) => f.path)).toContain(`data/${entry.file_name}`);
    }
    expectMessagesRoundTrip(file(files, 'data/train.jsonl'), TRAIN);
    expectMessagesRoundTrip(file(files, 'data/validation.jsonl'), VALIDATION);
  });

  test.each([
    ['meta-llama/Llama-3.1-8B-Instruct', 'llama3'],
    ['Qwen/Qwen2.5-7B-Instruct', 'qwen'],
    ['Qwen/Qwen3-8B', 'qwen3'],
    ['mistralai/Mistral-7B-Instruct-v0.3', 'mistral'],
    ['google/gemma-2-9b-it', 'gemma2'],
    ['google/gemma-3-12b-it', 'gemma3'],
    ['microsoft/Phi-3.5-mini-instruct', 'phi'],
    ['microsoft/phi-4', 'phi4'],
  ])('%s → template %s (system turn kept)', (baseModel, template) => {
    const bundle = bundleFiles('llama-factory', settings({ baseModel, qlora: false }), data());
    const c = parseYaml(file(bundle, 'config.yaml'));
    expect(c.template).toBe(template);
    expect(c).not.toHaveProperty('quantization_bit');
    expectMessagesRoundTrip(file(bundle, 'data/train.jsonl'), TRAIN);
  });

  test('an unknown family needs --chat-template; the override is used as given', () => {
    expect(() => bundleFiles('llama-factory', settings({ baseModel: 'HuggingFaceTB/SmolLM2-1.7B-Instruct' }), data())).toThrow(/pass --family .* or --chat-template <name>/);
    const bundle = bundleFiles('llama-factory', settings({ baseModel: 'HuggingFaceTB/SmolLM2-1.7B-Instruct', chatTemplate: 'chatml' }), data());
    expect(parseYaml(file(bundle, 'config.yaml')).template).toBe('chatml');
  });

  test('no validation: no eval dataset', () => {
    const bundle = bundleFiles('llama-factory', settings(), data(TRAIN, []));
    const c = parseYaml(file(bundle, 'config.yaml'));
    expect(c).not.toHaveProperty('eval_dataset');
    expect(c).not.toHaveProperty('eval_strategy');
    expect(Object.keys(JSON.parse(file(bundle, 'data/dataset_info.json')))).toEqual(['flowtune_train']);
  });
});

describe('TRL bundle', () => {
  const files = bundleFiles('trl', settings({ loraR: 64, learningRate: 1e-4, epochs: 5 }), data());
  const script = file(files, 'train.py');

  test('files', () => {
    expect(files.map((f) => f.path)).toEqual(['Modelfile', 'README.md', 'data/train.jsonl', 'data/validation.jsonl', 'manifest.json', 'requirements.txt', 'system_prompt.txt', 'train.py']);
  });

  test('OpenAI chat data, split by the script into prompt (masked) and completion (the assistant turn)', () => {
    expectMessagesRoundTrip(file(files, 'data/train.jsonl'), TRAIN);
    expectMessagesRoundTrip(file(files, 'data/validation.jsonl'), VALIDATION);
    expect(script).toContain('return {"prompt": example["messages"][:-1], "completion": example["messages"][-1:]}');
    expect(script).toContain('data = data.map(to_prompt_completion, remove_columns=["messages"])');
    // Every example ends with the assistant's answer (checked when reading), so the completion is that turn.
    for (const ex of [...TRAIN, ...VALIDATION]) expect(ex.messages[ex.messages.length - 1].role).toBe('assistant');
  });

  test('the script: SFTTrainer, SFTConfig, LoRA, completion-only loss, JSON data', () => {
    expect(script).toContain('from trl import SFTConfig, SFTTrainer');
    expect(script).toContain('from peft import LoraConfig');
    expect(script).toContain('BASE_MODEL = "meta-llama/Llama-3.1-8B-Instruct"');
    expect(script).toContain('data = load_dataset("json", data_files={"train": "data/train.jsonl", "validation": "data/validation.jsonl"})');
    expect(script).toMatch(/peft_config = LoraConfig\(\n {4}r=64,\n {4}lora_alpha=128,\n {4}lora_dropout=0\.05,\n {4}target_modules="all-linear",\n {4}task_type="CAUSAL_LM",/);
    expect(script).toContain('completion_only_loss=True');
    expect(script).toContain('num_train_epochs=5,');
    expect(script).toContain('learning_rate=0.0001,');
    expect(script).toContain('max_length=MAX_SEQ_LENGTH,');
    expect(script).toContain('eval_dataset=data["validation"],');
    expect(script).toContain('peft_config=peft_config,');
    expect(script).toContain('trainer.save_model(OUTPUT_DIR)');
    expect(script).toContain('QLORA = True');
    checkPythonSyntax(script);
    expect(file(files, 'requirements.txt')).toMatch(/^trl>=1\.1,<2$/m);
    expect(file(files, 'requirements.txt')).toMatch(/^peft>=0\.18$/m);
  });

  test('Gemma 2 (no system role in its template): the system prompt goes into the user turn', () => {
    const gemma = bundleFiles('trl', settings({ baseModel: 'google/gemma-2-2b-it' }), data());
    const lines = jsonLines(file(gemma, 'data/train.jsonl')) as Array<{ messages: Array<{ role: string; content: string }> }>;
    lines.forEach((line, i) => {
      expect(line.messages).toEqual([
        { role: 'user', content: `${SYSTEM}\n\n${TRAIN[i].messages[1].content}` },
        { role: 'assistant', content: TRAIN[i].messages[2].content },
      ]);
    });
  });

  test('no validation: no eval in the script; Python still parses', () => {
    const bundle = bundleFiles('trl', settings({ qlora: false }), data(TRAIN, []));
    const s = file(bundle, 'train.py');
    expect(s).not.toContain('eval_dataset');
    expect(s).not.toContain('eval_strategy');
    expect(s).toContain('QLORA = False');
    checkPythonSyntax(s);
  });
});

describe('Unsloth bundle', () => {
  const files = bundleFiles('unsloth', settings(), data());
  const script = file(files, 'train.py');

  test('files', () => {
    expect(files.map((f) => f.path)).toEqual(['Modelfile', 'README.md', 'data/train.jsonl', 'data/validation.jsonl', 'manifest.json', 'requirements.txt', 'system_prompt.txt', 'train.py']);
    expectMessagesRoundTrip(file(files, 'data/train.jsonl'), TRAIN);
    expectMessagesRoundTrip(file(files, 'data/validation.jsonl'), VALIDATION);
  });

  test('the script: 4-bit load, LoRA, chat template, responses-only loss, adapter and GGUF saving', () => {
    expect(script).toContain('from unsloth import FastLanguageModel');
    expect(script).toMatch(/model, tokenizer = FastLanguageModel\.from_pretrained\(\n {4}model_name=BASE_MODEL,\n {4}max_seq_length=MAX_SEQ_LENGTH,/);
    expect(script).toContain('load_in_4bit=LOAD_IN_4BIT,');
    expect(script).toContain('LOAD_IN_4BIT = True');
    expect(script).toContain('model = FastLanguageModel.get_peft_model(');
    expect(script).toContain('tokenizer = get_chat_template(tokenizer, chat_template="llama-3.1")');
    expect(script).toContain('tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=False)');
    expect(script).toContain('dataset_text_field="text"');
    expect(script).toContain('instruction_part="<|start_header_id|>user<|end_header_id|>\\n\\n",');
    expect(script).toContain('response_part="<|start_header_id|>assistant<|end_header_id|>\\n\\n",');
    expect(script).toContain('model.save_pretrained(ADAPTER_DIR)');
    expect(script).toContain('model.save_pretrained_gguf(GGUF_DIR, tokenizer, quantization_method=GGUF_QUANTIZATION)');
    checkPythonSyntax(script);
    expect(file(files, 'requirements.txt')).toMatch(/^unsloth>=/m);
  });

  test.each([
    ['Qwen/Qwen3-4B-Instruct-2507', 'qwen3-instruct', '<|im_start|>user\\n', '<|im_start|>assistant\\n'],
    ['google/gemma-3-4b-it', 'gemma-3', '<start_of_turn>user\\n', '<start_of_turn>model\\n'],
    ['microsoft/phi-4', 'phi-4', '<|im_start|>user<|im_sep|>', '<|im_start|>assistant<|im_sep|>'],
    ['mistralai/Mistral-7B-Instruct-v0.3', 'mistral', '[INST]', '[/INST]'],
  ])('%s → %s with its turn markers', (baseModel, template, instruction, response) => {
    const s = file(bundleFiles('unsloth', settings({ baseModel }), data()), 'train.py');
    expect(s).toContain(`chat_template="${template}"`);
    expect(s).toContain(`instruction_part="${instruction}"`);
    expect(s).toContain(`response_part="${response}"`);
    checkPythonSyntax(s);
  });

  test('Gemma 3 loads with FastModel (text layers only) and strips the rendered <bos>', () => {
    const s = file(bundleFiles('unsloth', settings({ baseModel: 'google/gemma-3-4b-it' }), data()), 'train.py');
    expect(s).toContain('model, tokenizer = FastModel.from_pretrained(');
    expect(s).toContain('finetune_vision_layers=False');
    expect(s).toContain('STRIP_BOS = True');
  });

  test('a family without an Unsloth template keeps the tokenizer template; an unknown one needs --family', () => {
    const s = file(bundleFiles('unsloth', settings({ baseModel: 'meta-llama/Llama-4-Scout-17B-16E-Instruct' }), data()), 'train.py');
    expect(s).not.toContain('get_chat_template(tokenizer');
    expect(s).toContain('instruction_part="<|header_start|>user<|header_end|>\\n\\n"');
    expect(() => bundleFiles('unsloth', settings({ baseModel: 'HuggingFaceTB/SmolLM2-1.7B-Instruct' }), data())).toThrow(/pass --family/);
    const forced = file(bundleFiles('unsloth', settings({ baseModel: 'HuggingFaceTB/SmolLM2-1.7B-Instruct', family: 'qwen2.5', chatTemplate: 'chatml' }), data()), 'train.py');
    expect(forced).toContain('chat_template="chatml"');
  });
});

describe('every bundle', () => {
  test.each(TOOLS.map((t) => [t]))('%s: README serving recipes, Modelfile, system prompt, manifest', (tool) => {
    const s = settings({ loraR: 24 });
    const files = bundleFiles(tool as TrainerTool, s, data());
    const readme = file(files, 'README.md');
    const adapterDir = JSON.parse(file(files, 'manifest.json')).adapterDir as string;
    expect(readme).toContain(`vllm serve meta-llama/Llama-3.1-8B-Instruct \\\n  --enable-lora \\\n  --lora-modules flowtune=./${adapterDir} \\\n  --max-lora-rank 32`);
    expect(readme).toContain('flowtune generate --base-url http://localhost:8000/v1 --model flowtune');
    expect(readme).toContain('flowtune generate --base-url http://localhost:11434/v1 --model flowtune');
    expect(readme).toContain('flowtune generate --base-url http://localhost:8080/v1 --model flowtune');
    expect(readme).toContain('ollama create flowtune -f Modelfile');
    expect(readme).toContain(`python llama.cpp/convert_lora_to_gguf.py --base base-model --outtype f16 --outfile flowtune-lora-f16.gguf ./${adapterDir}`);
    expect(readme).toContain('llama-server -m base-f16.gguf --lora flowtune-lora-f16.gguf --alias flowtune');
    expect(readme).toContain('## Train');
    const modelfile = file(files, 'Modelfile');
    expect(modelfile).toMatch(/^FROM \.\/base-f16\.gguf$/m);
    expect(modelfile).toMatch(/^ADAPTER \.\/flowtune-lora-f16\.gguf$/m);
    expect(file(files, 'system_prompt.txt')).toBe(`${SYSTEM}\n`);

    const manifest = JSON.parse(file(files, 'manifest.json'));
    expect(manifest).toMatchObject({
      generator: 'flowtune train export',
      tool,
      baseModel: 'meta-llama/Llama-3.1-8B-Instruct',
      family: 'llama3',
      examples: { train: TRAIN.length, validation: VALIDATION.length, droppedOverLength: { train: 0, validation: 0 } },
      datasetHash: datasetHash({ train: TRAIN, validation: VALIDATION }),
      systemPromptVersion: SYSTEM_PROMPT_VERSION,
      flowtuneVersion: '0.1.0-test',
      servedModelName: 'flowtune',
      settings: expect.objectContaining({ loraR: 24, loraAlpha: 48 }),
    });
    expect(manifest.datasetHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The manifest lists every other file with its checksum.
    const listed = manifest.files as Array<{ path: string; bytes: number; sha256: string }>;
    expect(listed.map((f) => f.path)).toEqual(files.map((f) => f.path).filter((p) => p !== 'manifest.json'));
    for (const entry of listed) {
      const content = file(files, entry.path);
      expect(entry.sha256).toBe(createHash('sha256').update(content).digest('hex'));
      expect(entry.bytes).toBe(Buffer.byteLength(content));
    }
  });

  test('deterministic: the same input gives byte-identical files', () => {
    for (const tool of TOOLS) expect(bundleFiles(tool, settings(), data())).toEqual(bundleFiles(tool, settings(), data()));
  });

  test('the dataset hash follows the examples', () => {
    expect(datasetHash({ train: TRAIN, validation: VALIDATION })).not.toBe(datasetHash({ train: TRAIN.slice(1), validation: VALIDATION }));
    expect(datasetHash({ train: TRAIN, validation: [] })).not.toBe(datasetHash({ train: [], validation: TRAIN }));
  });

  test('warnings: base checkpoints, mixed system prompts', () => {
    const mixed = data([...TRAIN, example(7, 'Another prompt')]);
    const manifest = JSON.parse(file(bundleFiles('trl', settings({ baseModel: 'meta-llama/Llama-3.1-8B' }), mixed), 'manifest.json'));
    expect(manifest.warnings).toEqual([
      'the examples use 2 different system prompts; system_prompt.txt holds the most common one',
      expect.stringContaining('looks like a base (not instruction-tuned) checkpoint'),
    ]);
  });
});

describe('over-long examples', () => {
  test('left out by their estimated length, counted', () => {
    const long = example(999);
    long.messages[2].content = JSON.stringify({ nodes: Array.from({ length: 400 }, (_, i) => ({ name: `Node ${i}`, type: 'n8n-nodes-base.set' })) });
    const { kept, dropped } = dropOverLength([TRAIN[0], long, TRAIN[1]], 2048);
    expect(kept).toEqual([TRAIN[0], TRAIN[1]]);
    expect(dropped).toBe(1);
  });
});

describe('exportBundle', () => {
  const opts = (data: string, out: string, extra: Partial<Parameters<typeof exportBundle>[0]> = {}) => ({
    tool: 'axolotl',
    settings: { baseModel: 'Qwen/Qwen3-8B' },
    data,
    out,
    ...extra,
  });

  test('writes the bundle; the same input twice gives byte-identical folders', async () => {
    const root = tmp();
    const ds = writeDataset(path.join(root, 'ds'));
    const a = await exportBundle(opts(ds, path.join(root, 'a')));
    await exportBundle(opts(ds, path.join(root, 'b')));
    expect(a).toMatchObject({ tool: 'axolotl', train: TRAIN.length, validation: VALIDATION.length, droppedOverLength: { train: 0, validation: 0 }, removed: [] });
    const treeA = readTree(path.join(root, 'a'));
    expect(Object.keys(treeA).sort()).toEqual([...a.files].sort());
    expect(treeA).toEqual(readTree(path.join(root, 'b')));
    const manifest = JSON.parse(treeA['manifest.json']);
    expect(manifest.systemPromptVersion).toBe('flowtune-system-v0-test');
    expect(manifest.source).toEqual({ train: 'train.jsonl', validation: 'validation.jsonl' });
    expect(manifest.flowtuneVersion).toBe(JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
  });

  test('refuses a non-empty folder that holds no bundle unless forced; keeps its other files', async () => {
    const root = tmp();
    const ds = writeDataset(path.join(root, 'ds'));
    const out = path.join(root, 'out');
    mkdirSync(out);
    writeFileSync(path.join(out, 'notes.txt'), 'mine');
    await expect(exportBundle(opts(ds, out))).rejects.toThrow(`${out}: the directory is not empty and holds no flowtune bundle; choose another --out or pass --force`);
    expect(readdirSync(out)).toEqual(['notes.txt']);
    await exportBundle(opts(ds, out, { force: true }));
    expect(readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(path.join(out, 'config.yml'))).toBe(true);
  });

  test('replaces a previous bundle and removes the files the new one does not have', async () => {
    const root = tmp();
    const ds = writeDataset(path.join(root, 'ds'));
    const out = path.join(root, 'out');
    await exportBundle(opts(ds, out));
    const result = await exportBundle(opts(ds, out, { tool: 'trl' }));
    expect(result.removed).toEqual(['config.yml']);
    expect(Object.keys(readTree(out)).sort()).toEqual([...result.files].sort());
  });

  test('a failed write leaves the previous bundle intact and no temp files', async () => {
    const root = tmp();
    const ds = writeDataset(path.join(root, 'ds'));
    const out = path.join(root, 'out');
    await exportBundle(opts(ds, out));
    const before = readTree(out);
    const original = OutputFiles.prototype.write;
    const spy = jest.spyOn(OutputFiles.prototype, 'write').mockImplementation(async function (this: OutputFiles, name: string, data: Parameters<OutputFiles['write']>[1]) {
      if (name === 'README.md') throw new Error('disk full');
      return original.call(this, name, data);
    });
    try {
      await expect(exportBundle(opts(ds, out, { tool: 'llama-factory', settings: { baseModel: 'Qwen/Qwen3-8B', epochs: 9 } }))).rejects.toThrow('disk full');
    } finally {
      spy.mockRestore();
    }
    expect(readTree(out)).toEqual(before);
  });

  test('a failed first write leaves no folder behind', async () => {
    const root = tmp();
    const ds = writeDataset(path.join(root, 'ds'));
    const out = path.join(root, 'new', 'bundle');
    const spy = jest.spyOn(OutputFiles.prototype, 'write').mockRejectedValue(new Error('disk full'));
    try {
      await expect(exportBundle(opts(ds, out))).rejects.toThrow('disk full');
    } finally {
      spy.mockRestore();
    }
    expect(existsSync(path.join(root, 'new'))).toBe(false);
    await exportBundle(opts(ds, out));
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(true);
  });

  test('input errors name the file and line and write nothing', async () => {
    const root = tmp();
    const ds = writeDataset(path.join(root, 'ds'));
    writeFileSync(path.join(ds, 'validation.jsonl'), `${JSON.stringify(VALIDATION[0])}\n{"messages": "no"}\n`);
    const out = path.join(root, 'out');
    await expect(exportBundle(opts(ds, out))).rejects.toThrow(`${path.join(ds, 'validation.jsonl')}:2: expected a "messages" array (OpenAI chat format)`);
    expect(existsSync(out)).toBe(false);
  });

  test('over-long examples are left out unless kept', async () => {
    const root = tmp();
    const long = example(50);
    long.messages[2].content = 'x '.repeat(2000);
    const ds = writeDataset(path.join(root, 'ds'), [...TRAIN, long], VALIDATION);
    const dropped = await exportBundle(opts(ds, path.join(root, 'a'), { settings: { baseModel: 'Qwen/Qwen3-8B', maxSeqLength: 1024 } }));
    expect(dropped.droppedOverLength).toEqual({ train: 1, validation: 0 });
    expect(dropped.train).toBe(TRAIN.length);
    const kept = await exportBundle(opts(ds, path.join(root, 'b'), { settings: { baseModel: 'Qwen/Qwen3-8B', maxSeqLength: 1024 }, keepLong: true }));
    expect(kept.train).toBe(TRAIN.length + 1);
    expect(readFileSync(path.join(root, 'a', 'README.md'), 'utf8')).toContain('1 train and 0 validation example(s) left out');
  });
});

describe('flowtune train export (CLI)', () => {
  async function run(args: string[]) {
    let stdout = '';
    let stderr = '';
    const io: CliIO = {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      readStdin: () => '',
      color: false,
    };
    let code = -1;
    const train = new Command('train').exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    registerTrainExport(train, io, (c) => (code = c));
    let thrown: unknown;
    try {
      await train.parseAsync(['export', ...args], { from: 'user' });
    } catch (error) {
      thrown = error;
    }
    return { code, stdout, stderr, thrown };
  }

  test('writes a bundle (exit 0)', async () => {
    const root = tmp();
    const ds = writeDataset(path.join(root, 'ds'));
    const out = path.join(root, 'bundle');
    const r = await run(['--for', 'unsloth', '--base-model', 'Qwen/Qwen3-4B-Instruct-2507', '--data', ds, '--out', out, '--epochs', '2', '--lora-r', '8', '--learning-rate', '1e-4', '--max-seq-length', '4096', '--no-qlora']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`unsloth bundle: ${TRAIN.length} train / ${VALIDATION.length} validation example(s)`);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.settings).toMatchObject({ epochs: 2, loraR: 8, loraAlpha: 16, learningRate: 1e-4, maxSeqLength: 4096, qlora: false });
    expect(readFileSync(path.join(out, 'train.py'), 'utf8')).toContain('LOAD_IN_4BIT = False');
  });

  test('an explicit validation file beside a train file', async () => {
    const root = tmp();
    const ds = writeDataset(path.join(root, 'ds'));
    const r = await run(['--for', 'trl', '--base-model', 'Qwen/Qwen3-8B', '--data', path.join(ds, 'train.jsonl'), '--validation', path.join(ds, 'validation.jsonl'), '--out', path.join(root, 'b'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ tool: 'trl', train: TRAIN.length, validation: VALIDATION.length });
  });

  test.each([
    [['--for', 'megatron'], 'flowtune: unknown trainer "megatron": use unsloth, axolotl, llama-factory or trl'],
    [['--epochs', '0'], 'flowtune: --epochs must be a whole number from 1 to 50 (got "0")'],
    [['--epochs', 'many'], 'flowtune: --epochs must be a number (got "many")'],
    [['--lora-r', '1024'], 'flowtune: --lora-r must be a whole number from 1 to 512 (got "1024")'],
    [['--family', 'gpt'], 'flowtune: unknown model family "gpt"'],
  ])('usage error %j → exit 2', async (extra, message) => {
    const root = tmp();
    const ds = writeDataset(path.join(root, 'ds'));
    const base = ['--for', 'axolotl', '--base-model', 'Qwen/Qwen3-8B', '--data', ds, '--out', path.join(root, 'b')];
    const r = await run([...base, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(existsSync(path.join(root, 'b'))).toBe(false);
  });

  test('a bad data line → exit 2 naming file and line', async () => {
    const root = tmp();
    const ds = writeDataset(path.join(root, 'ds'));
    writeFileSync(path.join(ds, 'train.jsonl'), `${JSON.stringify(TRAIN[0])}\nnot json\n`);
    const r = await run(['--for', 'axolotl', '--base-model', 'Qwen/Qwen3-8B', '--data', ds, '--out', path.join(root, 'b')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(ds, 'train.jsonl')}:2: not valid JSON`);
  });

  test('a missing required option is a commander usage error', async () => {
    const r = await run(['--for', 'axolotl']);
    expect(r.thrown).toMatchObject({ code: 'commander.missingMandatoryOptionValue' });
    expect(r.stderr).toContain("required option '--base-model <id>' not specified");
  });
});
