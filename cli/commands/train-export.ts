/**
 * flowtune train export — a ready-to-run bundle for an open-source trainer (Unsloth, Axolotl,
 * LLaMA-Factory, TRL): the data in the tool's format, its config or script, and how to train
 * and serve the result for flowtune. Exit 0 written, 2 usage or I/O error.
 */
import type { Command } from 'commander';
import { BundleError, DEFAULT_SETTINGS, exportBundle, FAMILY_IDS, TOOLS, type BundleSettings, type ExportResult } from '../../trainer/bundles';
import { type CliIO, EXIT_OK, EXIT_USAGE } from '../io';

export interface TrainExportCommandOptions {
  for: string;
  baseModel: string;
  data: string;
  out: string;
  validation?: string;
  epochs: string;
  loraR: string;
  loraAlpha?: string;
  loraDropout: string;
  learningRate: string;
  maxSeqLength: string;
  microBatchSize: string;
  gradientAccumulation: string;
  /** Commander's negatable `--no-qlora`. */
  qlora: boolean;
  family?: string;
  chatTemplate?: string;
  keepLong?: boolean;
  force?: boolean;
  json?: boolean;
}

function numeric(value: string, flag: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n)) throw new BundleError(`${flag} must be a number (got "${value}")`, { setting: flag });
  return n;
}

/** Settings from the command line; range checks (with flag names) happen here, the rest in validateSettings. */
export function trainExportSettings(options: TrainExportCommandOptions): Partial<BundleSettings> & { baseModel: string } {
  const range = (value: string, flag: string, min: number, max: number, integer: boolean) => {
    const n = numeric(value, flag);
    if (n < min || n > max || (integer && !Number.isInteger(n))) throw new BundleError(`${flag} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (got "${value}")`, { setting: flag });
    return n;
  };
  return {
    baseModel: options.baseModel,
    epochs: range(options.epochs, '--epochs', 1, 50, true),
    loraR: range(options.loraR, '--lora-r', 1, 512, true),
    ...(options.loraAlpha !== undefined ? { loraAlpha: range(options.loraAlpha, '--lora-alpha', 1, 2048, true) } : {}),
    loraDropout: range(options.loraDropout, '--lora-dropout', 0, 0.5, false),
    learningRate: range(options.learningRate, '--learning-rate', 1e-7, 0.01, false),
    maxSeqLength: range(options.maxSeqLength, '--max-seq-length', 256, 262_144, true),
    microBatchSize: range(options.microBatchSize, '--micro-batch-size', 1, 128, true),
    gradientAccumulation: range(options.gradientAccumulation, '--gradient-accumulation', 1, 1024, true),
    qlora: options.qlora,
    ...(options.family !== undefined ? { family: options.family as BundleSettings['family'] } : {}),
    ...(options.chatTemplate !== undefined ? { chatTemplate: options.chatTemplate } : {}),
  };
}

export function renderExportSummary(result: ExportResult): string {
  const dropped = result.droppedOverLength.train + result.droppedOverLength.validation;
  const lines = [
    `${result.tool} bundle: ${result.train} train / ${result.validation} validation example(s)` +
      (dropped > 0 ? `, ${dropped} left out as longer than --max-seq-length (--keep-long keeps them)` : ''),
    `wrote ${result.files.join(', ')} to ${result.outDir}`,
  ];
  if (result.removed.length > 0) lines.push(`removed from the previous bundle: ${result.removed.join(', ')}`);
  lines.push(`next: see ${result.outDir}/README.md (train, then serve as model "flowtune")`);
  return `${lines.join('\n')}\n`;
}

export async function runTrainExport(options: TrainExportCommandOptions, io: CliIO): Promise<number> {
  try {
    const result = await exportBundle({
      tool: options.for,
      settings: trainExportSettings(options),
      data: options.data,
      ...(options.validation !== undefined ? { validation: options.validation } : {}),
      out: options.out,
      force: options.force ?? false,
      keepLong: options.keepLong ?? false,
    });
    for (const warning of result.warnings) io.stderr(`flowtune: warning: ${warning}\n`);
    io.stdout(options.json ? `${JSON.stringify(result, null, 2)}\n` : renderExportSummary(result));
    return EXIT_OK;
  } catch (error) {
    io.stderr(`flowtune: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
}

/** Add `export` to a `train` command. */
export function registerTrainExport(train: Command, io: CliIO, setExit: (code: number) => void): void {
  train
    .command('export')
    .description('write a ready-to-run bundle for an open-source trainer: data in its format, config or script, README with train and serve commands (exit 0 written, 2 usage or I/O error)')
    .requiredOption('--for <tool>', `trainer: ${TOOLS.join(', ')}`)
    .requiredOption('--base-model <id>', 'Hugging Face id (or local path) of the base model, e.g. Qwen/Qwen3-4B-Instruct-2507')
    .requiredOption('--data <path>', 'dataset folder (flowtune dataset build --out) or a train JSONL file in OpenAI chat format')
    .requiredOption('--out <dir>', 'bundle folder to write')
    .option('--validation <file>', 'validation JSONL (default: validation.jsonl of the dataset folder)')
    .option('--epochs <n>', 'training epochs (1-50)', String(DEFAULT_SETTINGS.epochs))
    .option('--lora-r <n>', 'LoRA rank (1-512)', String(DEFAULT_SETTINGS.loraR))
    .option('--lora-alpha <n>', 'LoRA alpha (default: 2 x rank)')
    .option('--lora-dropout <x>', 'LoRA dropout (0-0.5)', String(DEFAULT_SETTINGS.loraDropout))
    .option('--learning-rate <x>', 'peak learning rate', String(DEFAULT_SETTINGS.learningRate))
    .option('--max-seq-length <n>', 'tokens per training sequence; longer examples are left out', String(DEFAULT_SETTINGS.maxSeqLength))
    .option('--micro-batch-size <n>', 'sequences per GPU step', String(DEFAULT_SETTINGS.microBatchSize))
    .option('--gradient-accumulation <n>', 'steps accumulated per optimizer step', String(DEFAULT_SETTINGS.gradientAccumulation))
    .option('--no-qlora', 'train the LoRA on a 16-bit base instead of a 4-bit one (more GPU memory)')
    .option('--family <name>', `model family when the base model id does not tell: ${FAMILY_IDS.join(', ')}`)
    .option('--chat-template <name>', "the tool's chat template name, overriding the one flowtune picks")
    .option('--keep-long', 'keep examples estimated longer than --max-seq-length')
    .option('--force', 'write into a non-empty folder that holds no previous bundle')
    .option('--json', 'print the result as JSON')
    .action(async (options: TrainExportCommandOptions) => {
      setExit(await runTrainExport(options, io));
    });
}
