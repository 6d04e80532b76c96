#!/usr/bin/env node
/** The `flowtune` command. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { packageRoot } from '../schemas/paths';
import { runCatalogBuild, UsageError } from './commands/catalog';
import { runDemo } from './commands/demo';
import { runValidate } from './commands/validate';
import { InputError } from './inputs';
import { type CliIO, EXIT_USAGE, processIO } from './io';
import { addCatalogOption, addPolicyOptions, catalogFrom, type CommonOptions, policyFrom } from './options';

const collect = (value: string, previous: string[]) => [...previous, value];

export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command('flowtune')
    .description('Teach language models to write n8n workflows — and check what they write.')
    .version((JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const validate = program
    .command('validate')
    .description('validate n8n workflow files against the node catalog (exit 0 all valid, 1 any invalid, 2 usage or I/O error)')
    .argument('<paths...>', 'workflow files, directories (recursive *.json) or - for stdin')
    .option('--json', 'print machine-readable results');
  addPolicyOptions(addCatalogOption(validate)).action((paths: string[], options: CommonOptions & { json?: boolean }) => {
    setExit(runValidate(paths, options, catalogFrom(options), policyFrom(options), io));
  });

  const catalog = program.command('catalog').description('node catalogs');
  const build = catalog
    .command('build')
    .description('build a catalog from npm packages (n8n versions, community nodes) or from a running n8n')
    .option('--package <spec>', 'npm package name[@version] (repeatable)', collect, [])
    .option('--n8n-url <url>', 'read the exact node set of a running n8n (owner login needed)')
    .option('--n8n-email <email>', 'owner e-mail for --n8n-url (or N8N_EMAIL)')
    .option('--n8n-password <password>', 'owner password for --n8n-url (or N8N_PASSWORD)')
    .requiredOption('--out <file>', 'catalog file to write');
  addCatalogOption(build).action(async (options) => {
    setExit(await runCatalogBuild(options, io));
  });

  const demo = program.command('demo').description('validate the bundled example workflows (a valid one and typical hallucinations)');
  addPolicyOptions(addCatalogOption(demo)).action((options: CommonOptions) => {
    setExit(runDemo(catalogFrom(options), policyFrom(options), io));
  });
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
