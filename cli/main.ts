#!/usr/bin/env node
/** The `flowtune` command. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { packageRoot } from '../schemas/paths';
import { registerCatalog } from './commands/catalog';
import { UsageError } from './errors';
import { registerDataset } from './commands/dataset';
import { registerDemo } from './commands/demo';
import { registerEval } from './commands/eval';
import { registerGenerate } from './commands/generate';
import { registerTrain } from './commands/train';
import { registerTrainExport } from './commands/train-export';
import { registerValidate } from './commands/validate';
import { registerFix } from './commands/fix';
import { InputError } from './inputs';
import { type CliIO, EXIT_USAGE, processIO } from './io';

export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command('flowtune')
    .description('Teach language models to write n8n workflows — and check what they write.')
    .version((JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  registerValidate(program, io, setExit);
  registerFix(program, io, setExit);
  registerCatalog(program, io, setExit);
  registerDataset(program, io, setExit);
  registerTrainExport(registerTrain(program, io, setExit), io, setExit);
  registerGenerate(program, io, setExit);
  registerEval(program, io, setExit);
  registerDemo(program, io, setExit);
  return program;
}

/** Run the CLI; resolves to the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], io: CliIO = processIO): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    if (error instanceof InputError || error instanceof UsageError) {
      io.stderr(`flowtune: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`flowtune: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
