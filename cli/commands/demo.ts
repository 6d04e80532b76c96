/** flowtune demo — the README's first command: validate the bundled examples and show the table. */
import * as path from 'node:path';
import type { Command } from 'commander';
import type { NodeCatalog } from '../../schemas/catalog/catalog';
import { packageRoot } from '../../schemas/paths';
import type { ValidationPolicy } from '../../schemas/validator';
import { readWorkflowInputs } from '../inputs';
import { type CliIO, EXIT_INVALID, EXIT_OK } from '../io';
import { addCatalogOption, addPolicyOptions, catalogFrom, type CommonOptions, policyFrom } from '../options';
import { formatReport, validateInputs } from './validate';

export function demoDirectory(): string {
  return path.join(packageRoot(), 'examples', 'demo');
}

/**
 * The examples say what they should be: `valid-*.json` must pass, every other one
 * must be rejected. The demo fails only if the validator disagrees.
 */
export function runDemo(catalog: NodeCatalog, policy: ValidationPolicy, io: CliIO): number {
  const inputs = readWorkflowInputs([demoDirectory()], io.readStdin).map((input) => ({
    ...input,
    file: path.relative(packageRoot(), input.file),
  }));
  const report = validateInputs(inputs, catalog, policy);
  io.stdout(formatReport(report, io.color));
  const surprises = report.results.filter((r) => r.valid !== path.basename(r.file).startsWith('valid-'));
  for (const s of surprises) io.stderr(`demo: ${s.file} was expected to be ${s.valid ? 'invalid' : 'valid'}\n`);
  io.stdout(
    surprises.length === 0
      ? `\nAs expected: the valid workflow passes and every hallucination is caught (catalog: ${catalog.sources.map((s) => `${s.package}@${s.version}`).join(', ')}).\n`
      : '',
  );
  return surprises.length === 0 ? EXIT_OK : EXIT_INVALID;
}

/** `flowtune demo`. */
export function registerDemo(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const demo = program.command('demo').description('validate the bundled example workflows (a valid one and typical hallucinations)');
  addPolicyOptions(addCatalogOption(demo)).action(async (options: CommonOptions) => {
    setExit(runDemo(await catalogFrom(options, (line) => io.stderr(`${line}\n`)), policyFrom(options), io));
  });
}
