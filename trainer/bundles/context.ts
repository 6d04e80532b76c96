/**
 * Shared vocabulary of the bundle generators: the types (settings, examples, files), the
 * resolved context every tool module receives, data conversions and the README skeleton.
 * Pure: no I/O.
 */
import { family as familyById, type FamilyId, type ModelFamily } from './templates';
import { FlowtuneError, type ErrorData } from '../../core/errors';
import type { ChatExample, ChatMessage } from '../../dataset/check';

export const TOOLS = ['unsloth', 'axolotl', 'llama-factory', 'trl'] as const;
export type TrainerTool = (typeof TOOLS)[number];

export const TOOL_LABELS: Record<TrainerTool, string> = {
  unsloth: 'Unsloth',
  axolotl: 'Axolotl',
  'llama-factory': 'LLaMA-Factory',
  trl: 'TRL',
};

/** Name under which every serving recipe exposes the adapter (vLLM `--lora-modules`, Ollama model, llama.cpp alias). */
export const SERVED_MODEL_NAME = 'flowtune';

export interface BundleSettings {
  /** Hugging Face model id (or local path) of the base model. */
  baseModel: string;
  epochs: number;
  loraR: number;
  loraAlpha: number;
  loraDropout: number;
  learningRate: number;
  /** Tokens per training sequence (Axolotl sequence_len, LLaMA-Factory cutoff_len, TRL max_length). */
  maxSeqLength: number;
  microBatchSize: number;
  gradientAccumulation: number;
  /** Train on a 4-bit quantized base (QLoRA) instead of a 16-bit one. */
  qlora: boolean;
  /** Family override (else detected from baseModel). */
  family?: FamilyId;
  /** Tool-specific chat template name override (Axolotl `chat_template`, LLaMA-Factory `template`, Unsloth `get_chat_template`). */
  chatTemplate?: string;
}

// The plain chat examples are dataset/check.ts's (it reads and checks them).
export type { ChatExample, ChatMessage } from '../../dataset/check';

export interface BundleData {
  train: ChatExample[];
  validation: ChatExample[];
  /** Where the examples came from, and what was left out. */
  provenance: {
    /** File names (base names) of the inputs. */
    trainFile: string;
    validationFile: string | null;
    /** Version of flowtune's system prompt the examples were built with, or null if unknown. */
    systemPromptVersion: string | null;
    flowtuneVersion: string;
    /** Examples left out because their estimated length exceeds maxSeqLength. */
    droppedOverLength: { train: number; validation: number };
  };
}

export interface BundleFile {
  /** Relative, `/`-separated path inside the bundle. */
  path: string;
  content: string;
}

export class BundleError extends FlowtuneError {
  constructor(message: string, data: Omit<ErrorData, 'kind'> = {}) {
    super(message, { kind: 'invalid_input', ...data });
    this.name = 'BundleError';
  }
}

/** Everything a tool module needs, resolved once. */
export interface BundleContext {
  tool: TrainerTool;
  settings: BundleSettings;
  data: BundleData;
  family: ModelFamily | null;
  /** The system prompt shared by the examples (the most common one), if any. */
  systemPrompt: string | null;
  /** Fold the system prompt into the first user turn (the family's template has no system role). */
  foldSystem: boolean;
  /** Directory the trained adapter ends up in, relative to the bundle. */
  adapterDir: string;
  warnings: string[];
}

export function resolveFamily(settings: BundleSettings, detected: FamilyId | null): ModelFamily | null {
  const id = settings.family ?? detected;
  return id ? familyById(id) : null;
}

/** The most common system prompt of the examples (ties: the first seen), or null. */
export function commonSystemPrompt(examples: ChatExample[]): { prompt: string | null; distinct: number } {
  const counts = new Map<string, number>();
  for (const ex of examples) {
    const system = ex.messages.find((m) => m.role === 'system');
    if (system) counts.set(system.content, (counts.get(system.content) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [prompt, n] of counts) if (best === null || n > counts.get(best)!) best = prompt;
  return { prompt: best, distinct: counts.size };
}

/** Messages as the tool's template will see them: system folded into the first user turn when the template has no system role. */
export function templateMessages(ex: ChatExample, foldSystem: boolean): ChatMessage[] {
  const messages = ex.messages.map((m) => ({ role: m.role, content: m.content }));
  if (!foldSystem) return messages;
  const systemIndex = messages.findIndex((m) => m.role === 'system');
  if (systemIndex < 0) return messages;
  const [system] = messages.splice(systemIndex, 1);
  const firstUser = messages.find((m) => m.role === 'user');
  if (firstUser) firstUser.content = `${system.content}\n\n${firstUser.content}`;
  return messages;
}

/** One OpenAI-chat JSONL line (`{"messages":[{"role","content"}...]}`), keys in a fixed order. */
export function messagesLine(messages: ChatMessage[]): string {
  return JSON.stringify({ messages: messages.map((m) => ({ role: m.role, content: m.content })) });
}

export function jsonl(lines: string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export function messagesJsonl(examples: ChatExample[], foldSystem: boolean): string {
  return jsonl(examples.map((ex) => messagesLine(templateMessages(ex, foldSystem))));
}

export interface ReadmeParts {
  title: string;
  intro: string[];
  /** Files of the bundle and what they are (README.md and manifest.json are added). */
  files: Array<[string, string]>;
  install: string[];
  /** Shell lines of the training run, in the bundle directory. */
  train: string[];
  /** Extra paragraphs after the training commands. */
  trainNotes: string[];
  serving: string;
  notes: string[];
}

/** Files every bundle has (written by the bundle assembler), for the README's table. */
function commonFiles(ctx: BundleContext): Array<[string, string]> {
  return [
    ['manifest.json', 'tool, base model, settings, example counts, dataset hash, file checksums'],
    ['README.md', 'this file'],
    ['Modelfile', 'Ollama Modelfile for serving the adapter (see "Serve")'],
    ...(ctx.systemPrompt !== null ? [['system_prompt.txt', 'the system prompt of the examples: flowtune sends the same one at inference'] as [string, string]] : []),
  ];
}

/** The README skeleton every bundle shares. */
export function renderReadme(ctx: BundleContext, parts: ReadmeParts): string {
  const s = ctx.settings;
  const d = ctx.data;
  const fam = ctx.family;
  const lines: string[] = [
    `# ${parts.title}`,
    '',
    ...parts.intro,
    '',
    `- Base model: \`${s.baseModel}\`${fam ? ` — ${fam.label}` : ''}`,
    `- Examples: ${d.train.length} train, ${d.validation.length} validation` +
      (d.provenance.droppedOverLength.train + d.provenance.droppedOverLength.validation > 0
        ? ` (${d.provenance.droppedOverLength.train} train and ${d.provenance.droppedOverLength.validation} validation example(s) left out: estimated longer than ${s.maxSeqLength} tokens)`
        : ''),
    `- LoRA: r ${s.loraR}, alpha ${s.loraAlpha}, dropout ${s.loraDropout}, ${s.qlora ? 'QLoRA (4-bit base)' : '16-bit base'}; ${s.epochs} epoch(s), learning rate ${s.learningRate}, ${s.maxSeqLength} tokens per sequence`,
    `- System prompt: ${d.provenance.systemPromptVersion ?? 'unknown version'}${ctx.systemPrompt === null ? ' (the examples have none)' : ' (`system_prompt.txt`)'}`,
    '',
    '## What is inside',
    '',
    '| file | what |',
    '|---|---|',
    ...[...parts.files, ...commonFiles(ctx)]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([file, what]) => `| \`${file}\` | ${what} |`),
    '',
    '## Install',
    '',
    '```bash',
    ...parts.install,
    '```',
    '',
    '## Train',
    '',
    'Run from this directory:',
    '',
    '```bash',
    ...parts.train,
    '```',
    '',
    ...parts.trainNotes.flatMap((p) => [p, '']),
    `The LoRA adapter lands in \`${ctx.adapterDir}/\` (\`adapter_config.json\` + \`adapter_model.safetensors\`).`,
    '',
    parts.serving,
  ];
  const notes = [...parts.notes, ...ctx.warnings.map((w) => `**Warning:** ${w}`)];
  if (notes.length > 0) lines.push('## Notes', '', ...notes.flatMap((n) => [`- ${n}`]), '');
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
