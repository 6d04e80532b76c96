/**
 * Bundles for open-source trainers: `flowtune train export --for unsloth|axolotl|llama-factory|trl`.
 *
 * Pure core: `bundleFiles(tool, settings, data)` → the files of a ready-to-run bundle (data in
 * the tool's format, its config or script, README with training and serving commands, an
 * Ollama Modelfile, the system prompt, manifest.json). Same input, byte-identical output.
 *
 * I/O edge: `readBundleData` reads OpenAI-chat JSONL (the canonical dataset format) and checks
 * every line; `exportBundle` writes a bundle into a directory through OutputFiles (temp files
 * renamed into place only when everything was written), refusing to write into a non-empty
 * directory that holds no previous bundle unless forced.
 */
import { createHash } from 'node:crypto';
import { sha256 } from '../../util/hash';
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { parseShape } from '../../core/zod-errors';
import { isObject } from '../../schemas/json-value';
import { SYSTEM_PROMPT_VERSION, systemPrompt } from '../../dataset/prompt';
import { readPlainChatJsonl } from '../../dataset/check';
import { countChatTokensWithEncoding } from '../../dataset/tokens';
import { OutputFiles } from '../../dataset/writer';
import { packageRoot } from '../../schemas/paths';
import { axolotlBundle, axolotlChatTemplate, AXOLOTL_ADAPTER_DIR } from './axolotl';
import {
  BundleError,
  commonSystemPrompt,
  messagesLine,
  resolveFamily,
  TOOLS,
  type BundleContext,
  type BundleData,
  type BundleFile,
  type BundleSettings,
  type ChatExample,
  type ChatMessage,
  type TrainerTool,
} from './context';
import { llamaFactoryBundle, llamaFactoryTemplate, LLAMA_FACTORY_ADAPTER_DIR } from './llama-factory';
import { modelfile } from './serving';
import { detectFamily, FAMILY_IDS, isFamilyId, looksInstructTuned } from './templates';
import { trlBundle, TRL_ADAPTER_DIR } from './trl';
import { unslothBundle, unslothChatTemplate, UNSLOTH_ADAPTER_DIR } from './unsloth';

export { BundleError, TOOLS, type BundleData, type BundleFile, type BundleSettings, type ChatExample, type TrainerTool } from './context';
export { detectFamily, FAMILY_IDS, family, type FamilyId } from './templates';

/** Marks manifest.json as ours: a directory with it holds a previous bundle that may be replaced. */
export const MANIFEST_GENERATOR = 'flowtune train export';
export const MANIFEST_FILE = 'manifest.json';

const COUNTS = z.object({ train: z.number(), validation: z.number() });
const MANIFEST_ENTRY = z.object({ path: z.string(), bytes: z.number(), sha256: z.string() });

/** manifest.json of a bundle: written by `bundleFiles`, read back by the next export into the same directory. */
export const BUNDLE_MANIFEST_SCHEMA = z.object({
  generator: z.literal(MANIFEST_GENERATOR),
  manifestVersion: z.literal(1),
  tool: z.enum(TOOLS),
  baseModel: z.string(),
  family: z.string().nullable(),
  chatTemplate: z.string(),
  systemFoldedIntoUser: z.boolean(),
  settings: z.object({
    epochs: z.number(),
    loraR: z.number(),
    loraAlpha: z.number(),
    loraDropout: z.number(),
    learningRate: z.number(),
    maxSeqLength: z.number(),
    microBatchSize: z.number(),
    gradientAccumulation: z.number(),
    qlora: z.boolean(),
  }),
  examples: z.object({ train: z.number(), validation: z.number(), droppedOverLength: COUNTS }),
  datasetHash: z.string(),
  source: z.object({ train: z.string(), validation: z.string().nullable() }),
  systemPromptVersion: z.string().nullable(),
  flowtuneVersion: z.string(),
  adapterDir: z.string(),
  servedModelName: z.string(),
  warnings: z.array(z.string()),
  /** Every other file of the bundle, with its size and checksum. */
  files: z.array(MANIFEST_ENTRY),
});

export type BundleManifest = z.infer<typeof BUNDLE_MANIFEST_SCHEMA>;

/** What the next export reads back: the paths of the files (the other fields may come from another flowtune version). */
const PREVIOUS_MANIFEST_SCHEMA = BUNDLE_MANIFEST_SCHEMA.pick({ generator: true })
  .extend({ files: z.array(MANIFEST_ENTRY.pick({ path: true }).passthrough()) })
  .passthrough();

export const DEFAULT_SETTINGS = {
  epochs: 3,
  loraR: 16,
  loraDropout: 0.05,
  learningRate: 2e-4,
  maxSeqLength: 8192,
  microBatchSize: 1,
  gradientAccumulation: 8,
  qlora: true,
} as const;

/**
 * Open models' tokenizers cut JSON into somewhat more tokens than o200k_base (the encoding the
 * length estimate uses): an example counts as too long when 1.25 × its estimate exceeds the
 * sequence length. Too-long examples would be cut by the trainers (LLaMA-Factory and TRL truncate,
 * cutting the workflow short), so they are left out and counted.
 */
export const LENGTH_MARGIN = 1.25;

export function isTool(value: string): value is TrainerTool {
  return (TOOLS as readonly string[]).includes(value);
}

export function checkTool(value: string): TrainerTool {
  if (!isTool(value)) throw new BundleError(`unknown trainer "${value}": use ${TOOLS.slice(0, -1).join(', ')} or ${TOOLS[TOOLS.length - 1]}`);
  return value;
}

interface Range {
  min: number;
  max: number;
  integer?: boolean;
}

function checkNumber(value: unknown, name: string, { min, max, integer }: Range): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new BundleError(`${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** Settings with defaults filled in and every value checked; throws BundleError naming the setting. */
export function validateSettings(input: Partial<BundleSettings> & { baseModel: string }): BundleSettings {
  const baseModel = typeof input.baseModel === 'string' ? input.baseModel.trim() : '';
  if (!/^[A-Za-z0-9._~\-/:]+$/.test(baseModel) || baseModel.length > 200) {
    throw new BundleError(`base model must be a Hugging Face model id such as "Qwen/Qwen3-4B-Instruct-2507" or a local path without spaces or quotes (got ${JSON.stringify(input.baseModel)})`);
  }
  const loraR = checkNumber(input.loraR ?? DEFAULT_SETTINGS.loraR, 'lora r', { min: 1, max: 512, integer: true });
  const settings: BundleSettings = {
    baseModel,
    epochs: checkNumber(input.epochs ?? DEFAULT_SETTINGS.epochs, 'epochs', { min: 1, max: 50, integer: true }),
    loraR,
    loraAlpha: checkNumber(input.loraAlpha ?? loraR * 2, 'lora alpha', { min: 1, max: 2048, integer: true }),
    loraDropout: checkNumber(input.loraDropout ?? DEFAULT_SETTINGS.loraDropout, 'lora dropout', { min: 0, max: 0.5 }),
    learningRate: checkNumber(input.learningRate ?? DEFAULT_SETTINGS.learningRate, 'learning rate', { min: 1e-7, max: 0.01 }),
    maxSeqLength: checkNumber(input.maxSeqLength ?? DEFAULT_SETTINGS.maxSeqLength, 'max sequence length', { min: 256, max: 262_144, integer: true }),
    microBatchSize: checkNumber(input.microBatchSize ?? DEFAULT_SETTINGS.microBatchSize, 'micro batch size', { min: 1, max: 128, integer: true }),
    gradientAccumulation: checkNumber(input.gradientAccumulation ?? DEFAULT_SETTINGS.gradientAccumulation, 'gradient accumulation', { min: 1, max: 1024, integer: true }),
    qlora: input.qlora ?? DEFAULT_SETTINGS.qlora,
  };
  if (typeof settings.qlora !== 'boolean') throw new BundleError('qlora must be true or false');
  if (input.family !== undefined) {
    if (!isFamilyId(input.family)) throw new BundleError(`unknown model family "${input.family}": use ${FAMILY_IDS.join(', ')}`);
    settings.family = input.family;
  }
  if (input.chatTemplate !== undefined) {
    if (!/^[A-Za-z0-9_.-]+$/.test(input.chatTemplate)) throw new BundleError(`chat template must be a template name such as "llama3" (got ${JSON.stringify(input.chatTemplate)})`);
    settings.chatTemplate = input.chatTemplate;
  }
  return settings;
}

const ADAPTER_DIRS: Record<TrainerTool, string> = {
  axolotl: AXOLOTL_ADAPTER_DIR,
  'llama-factory': LLAMA_FACTORY_ADAPTER_DIR,
  trl: TRL_ADAPTER_DIR,
  unsloth: UNSLOTH_ADAPTER_DIR,
};

/** The resolved context of a bundle: family, system prompt, folding, warnings. */
export function bundleContext(tool: TrainerTool, settings: BundleSettings, data: BundleData): BundleContext {
  checkTool(tool);
  const valid = validateSettings(settings);
  const detected = detectFamily(valid.baseModel);
  const fam = resolveFamily(valid, detected);
  const all = [...data.train, ...data.validation];
  const { prompt, distinct } = commonSystemPrompt(all);
  const warnings: string[] = [];
  if (data.train.length === 0) throw new BundleError('no training examples');
  if (distinct > 1) warnings.push(`the examples use ${distinct} different system prompts; system_prompt.txt holds the most common one`);
  if (!looksInstructTuned(valid.baseModel, fam?.id ?? null)) {
    warnings.push(`"${valid.baseModel}" looks like a base (not instruction-tuned) checkpoint: its tokenizer may have no chat template, and serving it through a chat endpoint may not match training; prefer an Instruct / chat model`);
  }
  if (!fam) warnings.push(`flowtune does not recognise the model family of "${valid.baseModel}": the base model's own chat template is used`);
  if (valid.family && detected && valid.family !== detected) warnings.push(`--family ${valid.family} overrides the detected family ${detected}`);
  // Templates without a system role (Gemma 1/2) reject one: fold it into the user turn wherever
  // the model's own template renders the data (Axolotl, TRL, Unsloth without a built-in template).
  // LLaMA-Factory's and Unsloth's own templates take a system turn.
  const ownTemplate = tool === 'axolotl' || tool === 'trl' || (tool === 'unsloth' && !valid.chatTemplate && fam?.unsloth === null);
  const foldSystem = !!fam && !fam.systemRole && ownTemplate;
  return { tool, settings: valid, data, family: fam, systemPrompt: prompt, foldSystem, adapterDir: ADAPTER_DIRS[tool], warnings };
}

/** The template each tool ends up using, for the manifest. */
function chatTemplateName(ctx: BundleContext): string {
  switch (ctx.tool) {
    case 'axolotl':
      return axolotlChatTemplate(ctx);
    case 'llama-factory':
      return llamaFactoryTemplate(ctx);
    case 'unsloth':
      return unslothChatTemplate(ctx) ?? 'tokenizer_default';
    case 'trl':
      return 'tokenizer_default';
  }
}

/** Hash of the examples as they go into the bundle (canonical OpenAI chat lines, both splits). */
export function datasetHash(data: Pick<BundleData, 'train' | 'validation'>): string {
  const hash = createHash('sha256');
  hash.update('train\n');
  for (const ex of data.train) hash.update(`${messagesLine(ex.messages)}\n`);
  hash.update('validation\n');
  for (const ex of data.validation) hash.update(`${messagesLine(ex.messages)}\n`);
  return `sha256:${hash.digest('hex')}`;
}

function toolFiles(ctx: BundleContext): BundleFile[] {
  switch (ctx.tool) {
    case 'axolotl':
      return axolotlBundle(ctx);
    case 'llama-factory':
      return llamaFactoryBundle(ctx);
    case 'trl':
      return trlBundle(ctx);
    case 'unsloth':
      return unslothBundle(ctx);
  }
}

/** Every file of the bundle, sorted by path. Pure and deterministic. */
export function bundleFiles(tool: TrainerTool, settings: BundleSettings, data: BundleData): BundleFile[] {
  const ctx = bundleContext(tool, settings, data);
  const files = toolFiles(ctx);
  if (ctx.systemPrompt !== null) files.push({ path: 'system_prompt.txt', content: `${ctx.systemPrompt}\n` });
  files.push({ path: 'Modelfile', content: modelfile(ctx) });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const s = ctx.settings;
  const manifest: BundleManifest = {
    generator: MANIFEST_GENERATOR,
    manifestVersion: 1,
    tool: ctx.tool,
    baseModel: s.baseModel,
    family: ctx.family?.id ?? null,
    chatTemplate: chatTemplateName(ctx),
    systemFoldedIntoUser: ctx.foldSystem,
    settings: {
      epochs: s.epochs,
      loraR: s.loraR,
      loraAlpha: s.loraAlpha,
      loraDropout: s.loraDropout,
      learningRate: s.learningRate,
      maxSeqLength: s.maxSeqLength,
      microBatchSize: s.microBatchSize,
      gradientAccumulation: s.gradientAccumulation,
      qlora: s.qlora,
    },
    examples: {
      train: data.train.length,
      validation: data.validation.length,
      droppedOverLength: data.provenance.droppedOverLength,
    },
    datasetHash: datasetHash(data),
    source: { train: data.provenance.trainFile, validation: data.provenance.validationFile },
    systemPromptVersion: data.provenance.systemPromptVersion,
    flowtuneVersion: data.provenance.flowtuneVersion,
    adapterDir: ctx.adapterDir,
    servedModelName: 'flowtune',
    warnings: ctx.warnings,
    files: files.map((f) => ({ path: f.path, bytes: Buffer.byteLength(f.content, 'utf8'), sha256: sha256(f.content) })),
  };
  files.push({ path: MANIFEST_FILE, content: `${JSON.stringify(manifest, null, 2)}\n` });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files;
}

// ---------------------------------------------------------------------------------------------
// Reading the dataset

const MAX_REPORTED = 10;

/** Parse OpenAI-chat JSONL text (dataset/check.ts `readPlainChatJsonl`); throws BundleError naming the file and each bad line (first 10). */
export function parseChatJsonl(file: string, text: string): ChatExample[] {
  const { examples, problems } = readPlainChatJsonl(text);
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_REPORTED).map((p) => `${file}:${p.line}: ${p.problem}`);
    throw new BundleError(`${shown.join('\n')}${problems.length > shown.length ? `\n… and ${problems.length - shown.length} more bad line(s) in ${file}` : ''}`);
  }
  return examples;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new BundleError(`${file}: cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

export interface DataSource {
  /** A dataset folder (`flowtune dataset build --out`) or a train JSONL file. */
  data: string;
  /** Validation JSONL (default: validation.jsonl of the dataset folder, if any). */
  validation?: string;
}

export interface ReadData {
  train: ChatExample[];
  validation: ChatExample[];
  trainFile: string;
  validationFile: string | null;
  systemPromptVersion: string | null;
}

function versionFromReport(dir: string): string | null {
  const report = path.join(dir, 'report.json');
  if (!existsSync(report)) return null;
  try {
    const value = JSON.parse(readFileSync(report, 'utf8')) as { systemPromptVersion?: unknown };
    return typeof value.systemPromptVersion === 'string' ? value.systemPromptVersion : null;
  } catch {
    return null;
  }
}

/** SYSTEM_PROMPT_VERSION when the examples carry one of flowtune's current system prompts. */
function versionFromPrompt(examples: ChatExample[]): string | null {
  const { prompt } = commonSystemPrompt(examples);
  return prompt !== null && (prompt === systemPrompt('compact') || prompt === systemPrompt('full')) ? SYSTEM_PROMPT_VERSION : null;
}

/** Read and check the examples: a dataset folder (train.jsonl, validation.jsonl, report.json) or JSONL files. */
export function readBundleData(source: DataSource): ReadData {
  let trainFile = source.data;
  let validationFile: string | null = source.validation ?? null;
  let reportVersion: string | null = null;
  let isDir = false;
  try {
    isDir = statSync(source.data).isDirectory();
  } catch (error) {
    throw new BundleError(`${source.data}: cannot read the dataset (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (isDir) {
    trainFile = path.join(source.data, 'train.jsonl');
    if (!existsSync(trainFile)) throw new BundleError(`${source.data}: no train.jsonl in this folder (build one with: flowtune dataset build --out ${source.data})`);
    const candidate = path.join(source.data, 'validation.jsonl');
    if (validationFile === null && existsSync(candidate)) validationFile = candidate;
    reportVersion = versionFromReport(source.data);
  }
  const train = parseChatJsonl(trainFile, readText(trainFile, 'the training examples'));
  if (train.length === 0) throw new BundleError(`${trainFile}: no training examples`);
  const validation = validationFile === null ? [] : parseChatJsonl(validationFile, readText(validationFile, 'the validation examples'));
  return { train, validation, trainFile, validationFile, systemPromptVersion: reportVersion ?? versionFromPrompt([...train, ...validation]) };
}

/** Estimated tokens of one example (o200k_base, OpenAI chat framing): an approximation for open models. */
export function estimateTokens(ex: ChatExample): number {
  return countChatTokensWithEncoding(ex.messages, 'o200k_base');
}

/** Split examples into those that fit `maxSeqLength` (with LENGTH_MARGIN) and the count of the rest. */
export function dropOverLength(examples: ChatExample[], maxSeqLength: number): { kept: ChatExample[]; dropped: number } {
  const kept = examples.filter((ex) => Math.ceil(estimateTokens(ex) * LENGTH_MARGIN) <= maxSeqLength);
  return { kept, dropped: examples.length - kept.length };
}

export function flowtuneVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------------------------------------
// Writing the bundle

export interface ExportOptions extends DataSource {
  tool: string;
  settings: Partial<BundleSettings> & { baseModel: string };
  out: string;
  /** Write into a non-empty directory that holds no previous bundle. */
  force?: boolean;
  /** Keep examples estimated longer than maxSeqLength (the trainers will cut or drop them). */
  keepLong?: boolean;
}

export interface ExportResult {
  outDir: string;
  tool: TrainerTool;
  files: string[];
  train: number;
  validation: number;
  droppedOverLength: { train: number; validation: number };
  warnings: string[];
  /** Files of a previous bundle in the directory that the new one does not have, removed. */
  removed: string[];
}

/**
 * Files listed by a previous bundle's manifest, or null when the directory holds no bundle
 * (no manifest.json, or one that is not JSON or not ours). A manifest of ours that is
 * broken is an error naming the field: removing files on its word would be a guess.
 */
function previousBundle(dir: string): string[] | null {
  const file = path.join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  if (!isObject(value) || value.generator !== MANIFEST_GENERATOR) return null;
  const manifest = parseShape(PREVIOUS_MANIFEST_SCHEMA, value, file, (message) => new BundleError(`${message} (the manifest of a previous bundle; fix it or remove the directory)`));
  return manifest.files.map((f) => f.path).filter((p) => !p.startsWith('/') && !p.split('/').includes('..'));
}

function checkOutDir(out: string, force: boolean): string[] {
  if (!existsSync(out)) return [];
  if (!statSync(out).isDirectory()) throw new BundleError(`${out}: exists and is not a directory`);
  const entries = readdirSync(out);
  if (entries.length === 0) return [];
  const previous = previousBundle(out);
  if (previous !== null) return previous;
  if (!force) throw new BundleError(`${out}: the directory is not empty and holds no flowtune bundle; choose another --out or pass --force to write into it`);
  return [];
}

/** Write files (relative paths) under `out`: every file to a temp name first, renamed only when all were written. */
async function writeAtomically(out: string, files: BundleFile[]): Promise<void> {
  const groups = new Map<string, OutputFiles>();
  /** Directories this write creates: removed again (when empty) if it fails. */
  const created: string[] = [];
  const writerFor = (dir: string) => {
    let writer = groups.get(dir);
    if (!writer) {
      const full = path.join(out, dir);
      for (let d = full; !existsSync(d); d = path.dirname(d)) created.push(d);
      writer = new OutputFiles(full);
      groups.set(dir, writer);
    }
    return writer;
  };
  try {
    for (const file of files) {
      const dir = path.posix.dirname(file.path);
      await writerFor(dir === '.' ? '' : dir).write(path.posix.basename(file.path), file.content);
    }
  } catch (error) {
    for (const writer of groups.values()) await writer.abort();
    for (const dir of [...new Set(created)].sort((a, b) => b.length - a.length)) {
      if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
    }
    throw error;
  }
  // Subdirectories first, the top level (README.md, manifest.json) last.
  for (const [, writer] of [...groups].sort((a, b) => b[0].length - a[0].length)) await writer.commit();
}

/** Remove what a previous bundle had and the new one does not (only files its manifest listed). */
function removeStale(out: string, previous: string[], current: Set<string>): string[] {
  const removed: string[] = [];
  for (const rel of previous) {
    if (current.has(rel) || rel === MANIFEST_FILE) continue;
    const file = path.join(out, ...rel.split('/'));
    if (existsSync(file) && statSync(file).isFile()) {
      rmSync(file, { force: true });
      removed.push(rel);
      let dir = path.dirname(file);
      while (dir !== path.resolve(out) && dir.startsWith(path.resolve(out)) && existsSync(dir) && readdirSync(dir).length === 0) {
        rmdirSync(dir);
        dir = path.dirname(dir);
      }
    }
  }
  return removed.sort();
}

/** Read the dataset, build the bundle and write it into `options.out`. */
export async function exportBundle(options: ExportOptions): Promise<ExportResult> {
  const tool = checkTool(options.tool);
  const settings = validateSettings(options.settings);
  const out = path.resolve(options.out);
  const previous = checkOutDir(out, options.force ?? false);
  const read = readBundleData(options);
  const keep = (examples: ChatExample[]) => (options.keepLong ? { kept: examples, dropped: 0 } : dropOverLength(examples, settings.maxSeqLength));
  const train = keep(read.train);
  const validation = keep(read.validation);
  if (train.kept.length === 0) {
    throw new BundleError(`every training example is estimated longer than ${settings.maxSeqLength} tokens; raise --max-seq-length or pass --keep-long`);
  }
  const data: BundleData = {
    train: train.kept,
    validation: validation.kept,
    provenance: {
      trainFile: path.basename(read.trainFile),
      validationFile: read.validationFile === null ? null : path.basename(read.validationFile),
      systemPromptVersion: read.systemPromptVersion,
      flowtuneVersion: flowtuneVersion(),
      droppedOverLength: { train: train.dropped, validation: validation.dropped },
    },
  };
  const ctx = bundleContext(tool, settings, data);
  const files = bundleFiles(tool, settings, data);
  await writeAtomically(out, files);
  const removed = removeStale(out, previous, new Set(files.map((f) => f.path)));
  return {
    outDir: out,
    tool,
    files: files.map((f) => f.path),
    train: data.train.length,
    validation: data.validation.length,
    droppedOverLength: data.provenance.droppedOverLength,
    warnings: ctx.warnings,
    removed,
  };
}
