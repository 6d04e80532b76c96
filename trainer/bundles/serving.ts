/**
 * How to serve a trained adapter on an OpenAI-compatible endpoint that flowtune's chat and
 * generator can call: vLLM (adapter as a LoRA module), Ollama (Modelfile FROM + ADAPTER) and
 * llama.cpp's llama-server (GGUF base + GGUF adapter). Pure text.
 *
 * Sources: vLLM docs/features/lora.md (`--enable-lora`, `--lora-modules name=path`,
 * `--max-lora-rank`); Ollama docs/import.mdx (Modelfile `FROM` + `ADAPTER`, same base model,
 * Safetensors adapters for Llama/Mistral/Gemma, GGUF adapters from llama.cpp's
 * `convert_lora_to_gguf.py`, non-QLoRA adapters preferred); llama.cpp convert_lora_to_gguf.py
 * (`--base`, `--outtype`, `--outfile`, `lora_path`) and tools/server/README.md (`-m`, `--lora`,
 * `-c`, `--port`; `--jinja` on by default, so the GGUF's own chat template is applied).
 */
import { SERVED_MODEL_NAME, type BundleContext } from './context';
import { sh } from './emit';
import { vllmMaxLoraRank } from './templates';

export const VLLM_BASE_URL = 'http://localhost:8000/v1';
export const OLLAMA_BASE_URL = 'http://localhost:11434/v1';
export const LLAMA_CPP_BASE_URL = 'http://localhost:8080/v1';

const BASE_GGUF = 'base-f16.gguf';
const ADAPTER_GGUF = 'flowtune-lora-f16.gguf';
const BASE_DIR = 'base-model';

/** The flowtune command that uses a served model (the `generate` command is coming). */
export function flowtuneCommand(baseUrl: string): string {
  return `flowtune generate --base-url ${baseUrl} --model ${SERVED_MODEL_NAME} "Post new Typeform responses to a Slack channel"`;
}

export function vllmCommand(ctx: BundleContext): string {
  const s = ctx.settings;
  return [
    `vllm serve ${sh(s.baseModel)} \\`,
    '  --enable-lora \\',
    `  --lora-modules ${SERVED_MODEL_NAME}=${sh(`./${ctx.adapterDir}`)} \\`,
    `  --max-lora-rank ${vllmMaxLoraRank(s.loraR)} \\`,
    `  --max-model-len ${s.maxSeqLength}`,
  ].join('\n');
}

/** Ollama Modelfile: the same base model as GGUF, the adapter converted to GGUF beside it. */
export function modelfile(ctx: BundleContext): string {
  const lines = [
    `# Ollama Modelfile for the flowtune LoRA adapter on ${ctx.settings.baseModel}.`,
    `# Build the two GGUF files first (README.md, "Ollama"), then: ollama create ${SERVED_MODEL_NAME} -f Modelfile`,
    `FROM ./${BASE_GGUF}`,
    `ADAPTER ./${ADAPTER_GGUF}`,
    'PARAMETER temperature 0',
    `PARAMETER num_ctx ${ctx.settings.maxSeqLength}`,
  ];
  if (ctx.systemPrompt !== null && !ctx.systemPrompt.includes('"""')) lines.push(`SYSTEM """${ctx.systemPrompt}"""`);
  return `${lines.join('\n')}\n`;
}

/** The README section "Serve" shared by every bundle. */
export function servingSection(ctx: BundleContext): string {
  const s = ctx.settings;
  const fam = ctx.family;
  const adapter = `./${ctx.adapterDir}`;
  const convertLora = `python llama.cpp/convert_lora_to_gguf.py --base ${BASE_DIR} --outtype f16 --outfile ${ADAPTER_GGUF} ${sh(adapter)}`;
  const lines = [
    '## Serve',
    '',
    `flowtune's chat and generator talk to any OpenAI-compatible endpoint; the adapter is served under the model name \`${SERVED_MODEL_NAME}\`.`,
    'Serve it on top of the same base model it was trained on, with the base model\'s own chat template (the one training used).',
    '',
    '### vLLM',
    '',
    '```bash',
    vllmCommand(ctx),
    '```',
    '',
    `Base URL \`${VLLM_BASE_URL}\`, model \`${SERVED_MODEL_NAME}\` (the base model itself stays available under its own id).`,
    '',
    '```bash',
    flowtuneCommand(VLLM_BASE_URL),
    '```',
    '',
    '### Ollama',
    '',
    `Ollama needs the base model and the adapter as GGUF (llama.cpp's converters; \`pip install -r llama.cpp/requirements.txt\`):`,
    '',
    '```bash',
    'git clone --depth 1 https://github.com/ggml-org/llama.cpp',
    `hf download ${sh(s.baseModel)} --local-dir ${BASE_DIR}`,
    `python llama.cpp/convert_hf_to_gguf.py ${BASE_DIR} --outtype f16 --outfile ${BASE_GGUF}`,
    convertLora,
    `ollama create ${SERVED_MODEL_NAME} -f Modelfile`,
    '```',
    '',
    `Base URL \`${OLLAMA_BASE_URL}\`, model \`${SERVED_MODEL_NAME}\`:`,
    '',
    '```bash',
    flowtuneCommand(OLLAMA_BASE_URL),
    '```',
    '',
  ];
  if (fam?.ollamaSafetensorsAdapter) {
    lines.push(
      `${fam.label} adapters can also be imported without conversion: \`FROM <the same base model in Ollama>\` and \`ADAPTER ${adapter}\` in the Modelfile.`,
      '',
    );
  }
  if (s.qlora) {
    lines.push(
      'Ollama recommends adapters trained on a non-quantized base; this one was trained with QLoRA (4-bit base). It usually works on the f16 base; if the answers degrade, retrain with `--no-qlora`.',
      '',
    );
  }
  lines.push(
    '### llama.cpp',
    '',
    `With \`${BASE_GGUF}\` and \`${ADAPTER_GGUF}\` from the Ollama steps above:`,
    '',
    '```bash',
    `llama-server -m ${BASE_GGUF} --lora ${ADAPTER_GGUF} --alias ${SERVED_MODEL_NAME} -c ${s.maxSeqLength} --port 8080`,
    '```',
    '',
    `Base URL \`${LLAMA_CPP_BASE_URL}\`, model \`${SERVED_MODEL_NAME}\`:`,
    '',
    '```bash',
    flowtuneCommand(LLAMA_CPP_BASE_URL),
    '```',
    '',
    '### Use it from flowtune',
    '',
    `\`flowtune generate --base-url <URL> --model ${SERVED_MODEL_NAME} "<request>"\` (the \`generate\` command is coming) will send flowtune's system prompt` +
      `${ctx.data.provenance.systemPromptVersion ? ` (\`${ctx.data.provenance.systemPromptVersion}\`)` : ''} and the request the same way the examples do.`,
    '',
  );
  if (fam?.id === 'qwen3') {
    lines.push(
      'Qwen3 hybrid models think by default at inference; the examples have no reasoning, so ask for answers without it (vLLM: `"chat_template_kwargs": {"enable_thinking": false}`), or train a Qwen3 Instruct-2507 model instead.',
      '',
    );
  }
  return lines.join('\n');
}
