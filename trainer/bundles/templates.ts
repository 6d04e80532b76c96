/**
 * THE base-model → family → chat template mapping: one home for every tool's template name and
 * for the turn markers Unsloth's `train_on_responses_only` needs. Pure data and pure functions.
 *
 * Sources (read late 2026; see the report of the change that added this file):
 * - Axolotl: `ChatTemplate` enum (src/axolotl/utils/schemas/enums.py) and docs/config.qmd
 *   (`tokenizer_default_fallback_*`).
 * - LLaMA-Factory: `register_template(name=...)` in src/llamafactory/data/template.py, README
 *   "Supported Models" table, examples/train_lora/qwen3_lora_sft.yaml (`qwen3_nothink` for
 *   Qwen3-*-Instruct-2507), examples/train_lora/qwen3.5_lora_roleplay.yaml (`qwen3_5`).
 * - Unsloth: `CHAT_TEMPLATES[...]` keys in unsloth/chat_templates.py; turn markers from the
 *   Llama 3.2 and Gemma 3 notebooks (`instruction_part` / `response_part`) and from the
 *   templates themselves for the other families.
 * - Ollama: docs/import.mdx lists the architectures whose Safetensors adapters it imports
 *   directly (Llama 2/3/3.1/3.2, Mistral 1/2/Mixtral, Gemma 1/2); others go through GGUF.
 */

export const FAMILY_IDS = [
  'llama3',
  'llama4',
  'qwen2.5',
  'qwen3',
  'qwen3-instruct',
  'qwen3.5',
  'mistral',
  'mistral-nemo',
  'mistral-small',
  'gemma',
  'gemma2',
  'gemma3',
  'gemma4',
  'phi3',
  'phi3.5',
  'phi4',
] as const;
export type FamilyId = (typeof FAMILY_IDS)[number];

export interface ModelFamily {
  id: FamilyId;
  label: string;
  /** False when the model's own chat template rejects a system turn (Gemma 1/2): the system prompt is folded into the first user turn. */
  systemRole: boolean;
  /** Axolotl built-in template (ChatTemplate enum) used as `tokenizer_default_fallback_<name>`; null: tokenizer's own template only. */
  axolotl: string | null;
  /** LLaMA-Factory `template:`; null: not known, `--chat-template` needed. */
  llamaFactory: string | null;
  /** Unsloth `get_chat_template(chat_template=...)`; null: keep the tokenizer's own template. */
  unsloth: string | null;
  /** Text that opens a user turn in the rendered template (Unsloth `instruction_part`). */
  instructionPart: string;
  /** Text that opens an assistant turn (Unsloth `response_part`); everything after it up to the next instruction part is trained. */
  responsePart: string;
  /** Ollama imports this family's Safetensors adapters directly (`ADAPTER <dir>`), per its import docs. */
  ollamaSafetensorsAdapter: boolean;
  /** Rendered text starts with the BOS token that the trainer's tokenizer adds again (Gemma notebooks strip it). */
  stripBos: boolean;
  /** Axolotl `special_tokens.pad_token`, where its examples set one. */
  padToken?: string;
  /** Unsloth loader: `FastModel` for the multimodal Gemma 3/4 checkpoints (as Unsloth's Gemma notebooks do), else `FastLanguageModel`. */
  unslothLoader: 'FastLanguageModel' | 'FastModel';
}

const CHATML_USER = '<|im_start|>user\n';
const CHATML_ASSISTANT = '<|im_start|>assistant\n';
const LLAMA3_USER = '<|start_header_id|>user<|end_header_id|>\n\n';
const LLAMA3_ASSISTANT = '<|start_header_id|>assistant<|end_header_id|>\n\n';
const GEMMA_USER = '<start_of_turn>user\n';
const GEMMA_MODEL = '<start_of_turn>model\n';

const FAMILIES: Record<FamilyId, ModelFamily> = {
  llama3: {
    id: 'llama3',
    label: 'Llama 3 / 3.1 / 3.2 / 3.3',
    systemRole: true,
    axolotl: 'llama3',
    llamaFactory: 'llama3',
    unsloth: 'llama-3.1',
    instructionPart: LLAMA3_USER,
    responsePart: LLAMA3_ASSISTANT,
    ollamaSafetensorsAdapter: true,
    stripBos: false,
    padToken: '<|end_of_text|>',
    unslothLoader: 'FastLanguageModel',
  },
  llama4: {
    id: 'llama4',
    label: 'Llama 4',
    systemRole: true,
    axolotl: 'llama4',
    llamaFactory: 'llama4',
    unsloth: null,
    instructionPart: '<|header_start|>user<|header_end|>\n\n',
    responsePart: '<|header_start|>assistant<|header_end|>\n\n',
    ollamaSafetensorsAdapter: false,
    stripBos: false,
    unslothLoader: 'FastLanguageModel',
  },
  'qwen2.5': {
    id: 'qwen2.5',
    label: 'Qwen 2 / 2.5 / QwQ',
    systemRole: true,
    axolotl: 'qwen_25',
    llamaFactory: 'qwen',
    unsloth: 'qwen-2.5',
    instructionPart: CHATML_USER,
    responsePart: CHATML_ASSISTANT,
    ollamaSafetensorsAdapter: false,
    stripBos: false,
    unslothLoader: 'FastLanguageModel',
  },
  qwen3: {
    id: 'qwen3',
    label: 'Qwen3 (hybrid thinking)',
    systemRole: true,
    axolotl: 'qwen3',
    llamaFactory: 'qwen3',
    unsloth: 'qwen3',
    instructionPart: CHATML_USER,
    responsePart: CHATML_ASSISTANT,
    ollamaSafetensorsAdapter: false,
    stripBos: false,
    unslothLoader: 'FastLanguageModel',
  },
  'qwen3-instruct': {
    id: 'qwen3-instruct',
    label: 'Qwen3 Instruct-2507 (no thinking)',
    systemRole: true,
    axolotl: 'qwen3',
    llamaFactory: 'qwen3_nothink',
    unsloth: 'qwen3-instruct',
    instructionPart: CHATML_USER,
    responsePart: CHATML_ASSISTANT,
    ollamaSafetensorsAdapter: false,
    stripBos: false,
    unslothLoader: 'FastLanguageModel',
  },
  'qwen3.5': {
    id: 'qwen3.5',
    label: 'Qwen3.5',
    systemRole: true,
    axolotl: 'chatml',
    llamaFactory: 'qwen3_5',
    unsloth: null,
    instructionPart: CHATML_USER,
    responsePart: CHATML_ASSISTANT,
    ollamaSafetensorsAdapter: false,
    stripBos: false,
    unslothLoader: 'FastLanguageModel',
  },
  mistral: {
    id: 'mistral',
    label: 'Mistral 7B v0.3 / Mixtral',
    systemRole: true,
    axolotl: 'mistral_v2v3',
    llamaFactory: 'mistral',
    unsloth: 'mistral',
    instructionPart: '[INST]',
    responsePart: '[/INST]',
    ollamaSafetensorsAdapter: true,
    stripBos: false,
    unslothLoader: 'FastLanguageModel',
  },
  'mistral-nemo': {
    id: 'mistral-nemo',
    label: 'Mistral NeMo / Ministral (Tekken v3)',
    systemRole: true,
    axolotl: 'mistral_v3_tekken',
    llamaFactory: 'ministral',
    unsloth: null,
    instructionPart: '[INST]',
    responsePart: '[/INST]',
    ollamaSafetensorsAdapter: true,
    stripBos: false,
    unslothLoader: 'FastLanguageModel',
  },
  'mistral-small': {
    id: 'mistral-small',
    label: 'Mistral Small 3+ / Magistral (Tekken v7)',
    systemRole: true,
    axolotl: 'mistral_v7_tekken',
    llamaFactory: 'mistral_small',
    unsloth: null,
    instructionPart: '[INST]',
    responsePart: '[/INST]',
    ollamaSafetensorsAdapter: false,
    stripBos: false,
    unslothLoader: 'FastLanguageModel',
  },
  gemma: {
    id: 'gemma',
    label: 'Gemma 1 / CodeGemma',
    systemRole: false,
    axolotl: 'gemma',
    llamaFactory: 'gemma',
    unsloth: 'gemma',
    instructionPart: GEMMA_USER,
    responsePart: GEMMA_MODEL,
    ollamaSafetensorsAdapter: true,
    stripBos: true,
    unslothLoader: 'FastLanguageModel',
  },
  gemma2: {
    id: 'gemma2',
    label: 'Gemma 2',
    systemRole: false,
    axolotl: 'gemma',
    llamaFactory: 'gemma2',
    unsloth: 'gemma2',
    instructionPart: GEMMA_USER,
    responsePart: GEMMA_MODEL,
    ollamaSafetensorsAdapter: true,
    stripBos: true,
    unslothLoader: 'FastLanguageModel',
  },
  gemma3: {
    id: 'gemma3',
    label: 'Gemma 3 / 3n',
    systemRole: true,
    axolotl: 'gemma3',
    llamaFactory: 'gemma3',
    unsloth: 'gemma-3',
    instructionPart: GEMMA_USER,
    responsePart: GEMMA_MODEL,
    ollamaSafetensorsAdapter: false,
    stripBos: true,
    unslothLoader: 'FastModel',
  },
  gemma4: {
    id: 'gemma4',
    label: 'Gemma 4',
    systemRole: true,
    axolotl: null,
    llamaFactory: null,
    unsloth: 'gemma-4',
    instructionPart: '<|turn>user\n',
    responsePart: '<|turn>model\n',
    ollamaSafetensorsAdapter: false,
    stripBos: true,
    unslothLoader: 'FastModel',
  },
  phi3: {
    id: 'phi3',
    label: 'Phi-3',
    systemRole: true,
    axolotl: 'phi_3',
    llamaFactory: 'phi',
    unsloth: 'phi-3',
    instructionPart: '<|user|>\n',
    responsePart: '<|assistant|>\n',
    ollamaSafetensorsAdapter: false,
    stripBos: false,
    unslothLoader: 'FastLanguageModel',
  },
  'phi3.5': {
    id: 'phi3.5',
    label: 'Phi-3.5',
    systemRole: true,
    axolotl: 'phi_35',
    llamaFactory: 'phi',
    unsloth: 'phi-3.5',
    instructionPart: '<|user|>\n',
    responsePart: '<|assistant|>\n',
    ollamaSafetensorsAdapter: false,
    stripBos: false,
    unslothLoader: 'FastLanguageModel',
  },
  phi4: {
    id: 'phi4',
    label: 'Phi-4',
    systemRole: true,
    axolotl: null,
    llamaFactory: 'phi4',
    unsloth: 'phi-4',
    instructionPart: '<|im_start|>user<|im_sep|>',
    responsePart: '<|im_start|>assistant<|im_sep|>',
    ollamaSafetensorsAdapter: false,
    stripBos: false,
    unslothLoader: 'FastLanguageModel',
  },
};

/** Ordered: the first rule whose pattern matches the lower-cased model id wins (specific before general). */
const RULES: Array<[RegExp, FamilyId]> = [
  [/qwen-?3[._-]?5/, 'qwen3.5'],
  [/qwen-?3.*(?:instruct-2507|instruct)/, 'qwen3-instruct'],
  [/qwen-?3/, 'qwen3'],
  [/qwen-?2|qwq/, 'qwen2.5'],
  [/llama-?4/, 'llama4'],
  [/llama-?3/, 'llama3'],
  [/gemma-?4/, 'gemma4'],
  [/gemma-?3/, 'gemma3'],
  [/gemma-?2/, 'gemma2'],
  [/gemma/, 'gemma'],
  [/mistral-small|magistral|devstral/, 'mistral-small'],
  [/mistral-nemo|ministral/, 'mistral-nemo'],
  [/mistral|mixtral/, 'mistral'],
  [/phi-?4/, 'phi4'],
  [/phi-?3[._-]?5/, 'phi3.5'],
  [/phi-?3/, 'phi3'],
];

export function family(id: FamilyId): ModelFamily {
  return FAMILIES[id];
}

export function isFamilyId(value: string): value is FamilyId {
  return (FAMILY_IDS as readonly string[]).includes(value);
}

/** The family of a Hugging Face model id (or local path), or null when none is recognised. */
export function detectFamily(baseModel: string): FamilyId | null {
  const id = baseModel.trim().toLowerCase();
  for (const [pattern, familyId] of RULES) if (pattern.test(id)) return familyId;
  return null;
}

/**
 * Unsloth template for this exact model: Llama 3.0 (`Meta-Llama-3-8B-Instruct`) keeps Unsloth's
 * `llama-3` template, Llama 3.1–3.3 use `llama-3.1` (the 3.1 template with its date header).
 */
export function unslothTemplate(fam: ModelFamily, baseModel: string): string | null {
  if (fam.id === 'llama3' && !/llama-?3[._]\d/.test(baseModel.toLowerCase())) return 'llama-3';
  return fam.unsloth;
}

/**
 * Heuristic: does the id name a chat / instruction-tuned checkpoint? Base checkpoints have no
 * chat template of their own (or an untrained one), so serving them through an OpenAI-compatible
 * chat endpoint would not match training. Only used for a warning.
 */
export function looksInstructTuned(baseModel: string, familyId: FamilyId | null): boolean {
  const id = baseModel.toLowerCase();
  if (/(?:^|[-_/])base(?:$|[-_.])/.test(id)) return false;
  if (/instruct|chat|[-_]it(?:$|[-_.])|thinking/.test(id)) return true;
  // Families whose plain ids are the post-trained chat models (Qwen3 hybrid, Qwen3.5, Phi-4).
  return familyId === 'qwen3' || familyId === 'qwen3.5' || familyId === 'phi4';
}

/** vLLM `--max-lora-rank`: the smallest supported value that holds the adapter's rank. */
export function vllmMaxLoraRank(rank: number): number {
  for (const supported of [8, 16, 32, 64, 128, 256, 320, 512]) if (rank <= supported) return supported;
  return rank;
}
