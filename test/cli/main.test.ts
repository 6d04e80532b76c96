/**
 * The `flowtune` command, run in-process through runCli() with an injected CliIO
 * (output captured in strings), plus one spawn of the compiled binary for the real
 * process exit code.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import type { Catalog } from '../../schemas/catalog/types';
import { baseWorkflow, link, node } from '../helpers/workflows';
import { newestSource } from '../helpers/sources';

const ROOT = path.resolve(__dirname, '..', '..');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** How many times the command read stdin. */
  stdinReads: number;
}

async function cli(args: string[], stdin = ''): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let stdinReads = 0;
  const io: CliIO = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: () => {
      stdinReads++;
      return stdin;
    },
    color: false,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr, stdinReads };
}

interface JsonIssue {
  code: string;
  message: string;
  node?: string;
  path?: string;
  suggestion?: string;
}
interface JsonResult {
  file: string;
  valid: boolean;
  errors: JsonIssue[];
  warnings: JsonIssue[];
}
interface JsonReport {
  results: JsonResult[];
  summary: { files: number; valid: number; invalid: number; byCode: Record<string, number> };
}

async function cliJson(args: string[], stdin = ''): Promise<CliRun & { report: JsonReport }> {
  const run = await cli([...args, '--json'], stdin);
  return { ...run, report: JSON.parse(run.stdout) as JsonReport };
}

const errorCodes = (r: JsonResult) => r.errors.map((e) => e.code);
const warningCodes = (r: JsonResult) => r.warnings.map((e) => e.code);

// ---------------------------------------------------------------------------
// Fixtures, all built from real node types of the stock catalog.
// ---------------------------------------------------------------------------

const validWorkflow = () => baseWorkflow();
/** One hallucinated node type: a single UNKNOWN_NODE_TYPE error. */
const unknownTypeWorkflow = () => baseWorkflow([node('GPT', 'n8n-nodes-base.chatGpt', 1)]);
/** HTTP Request without its required URL: a MISSING_REQUIRED_PARAMETER warning (an error with --strict). */
const missingUrlWorkflow = () => baseWorkflow([node('HTTP', 'httpRequest', 4.2, {})], { Set: { main: [[link('HTTP')]] } });
/** Execute Command: denied by the default policy. */
const shellWorkflow = () => baseWorkflow([node('Shell', 'executeCommand', 1, { command: 'ls' })], { Set: { main: [[link('Shell')]] } });
/** A node of a community package no catalog knows. */
const communityWorkflow = () =>
  baseWorkflow([node('Evolution', 'n8n-nodes-evolution-api.evolutionApi', 1)], { Set: { main: [[link('Evolution')]] } });
const acmeWorkflow = (parameters: Record<string, unknown> = { color: 'red' }, typeVersion = 1, type = 'n8n-nodes-acme.acme') =>
  baseWorkflow([node('Acme', type, typeVersion, parameters)], { Set: { main: [[link('Acme')]] } });

let tmp: string;
let counter = 0;

/** A fresh directory under the suite's temp dir. */
function freshDir(label = 'd'): string {
  const dir = path.join(tmp, `${label}-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function writeJson(file: string, value: unknown): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

function writeText(file: string, text: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** A tiny catalog describing one community node type, hand-written in the catalog format. */
function acmeCatalog(): Catalog {
  return {
    formatVersion: 1,
    sources: [{ package: 'n8n-nodes-acme', version: '0.1.0', nodeTypes: 1 }],
    nodes: [
      {
        type: 'n8n-nodes-acme.acme',
        displayName: 'Acme',
        package: 'n8n-nodes-acme',
        versions: [1],
        defaultVersion: 1,
        trigger: false,
        group: ['transform'],
        variants: [
          {
            versions: [1],
            inputs: { types: ['main'] },
            outputs: { types: ['main'] },
            credentials: [],
            properties: [{ name: 'color', type: 'options', options: ['red', 'blue'], default: 'red' }],
          },
        ],
      },
    ],
  };
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'flowtune-cli-test-'));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------

describe('flowtune validate: inputs', () => {
  it('accepts a single valid file (exit 0)', async () => {
    const file = writeJson(path.join(freshDir(), 'ok.json'), validWorkflow());
    const { code, report, stderr } = await cliJson(['validate', file]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(report.results).toEqual([{ file, valid: true, errors: [], warnings: [] }]);
    expect(report.summary).toEqual({ files: 1, valid: 1, invalid: 0, byCode: {} });
  });

  it('rejects an invalid file (exit 1) with the issue, its node and JSON pointer', async () => {
    const file = writeJson(path.join(freshDir(), 'bad.json'), unknownTypeWorkflow());
    const { code, report } = await cliJson(['validate', file]);
    expect(code).toBe(1);
    expect(report.results).toHaveLength(1);
    const [result] = report.results;
    expect(result).toMatchObject({ file, valid: false });
    expect(result.errors).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_NODE_TYPE', node: 'GPT', path: '/nodes/2/type', message: expect.stringContaining('n8n-nodes-base.chatGpt') }),
    ]);
    expect(report.summary).toEqual({ files: 1, valid: 0, invalid: 1, byCode: { UNKNOWN_NODE_TYPE: 1 } });
  });

  it('walks a directory recursively, takes only *.json, in sorted order', async () => {
    const dir = freshDir('tree');
    writeJson(path.join(dir, 'zeta.json'), validWorkflow());
    writeJson(path.join(dir, 'alpha.json'), validWorkflow());
    writeJson(path.join(dir, 'mid', 'nested', 'deep.json'), unknownTypeWorkflow());
    writeJson(path.join(dir, 'mid', 'beta.json'), validWorkflow());
    writeText(path.join(dir, 'notes.txt'), 'not a workflow');
    writeText(path.join(dir, 'README.md'), '# not a workflow');
    writeJson(path.join(dir, 'mid', 'workflow.json.bak'), unknownTypeWorkflow());
    writeText(path.join(dir, 'mid', 'nested', 'script.js'), '{');

    const { code, report } = await cliJson(['validate', dir]);
    expect(report.results.map((r) => path.relative(dir, r.file))).toEqual([
      'alpha.json',
      path.join('mid', 'beta.json'),
      path.join('mid', 'nested', 'deep.json'),
      'zeta.json',
    ]);
    expect(report.results.map((r) => r.valid)).toEqual([true, true, false, true]);
    expect(report.summary).toEqual({ files: 4, valid: 3, invalid: 1, byCode: { UNKNOWN_NODE_TYPE: 1 } });
    expect(code).toBe(1);
  });

  it('yields one result per element of a JSON array, named file[i]', async () => {
    const file = writeJson(path.join(freshDir(), 'export.json'), [validWorkflow(), unknownTypeWorkflow(), missingUrlWorkflow()]);
    const { code, report } = await cliJson(['validate', file]);
    expect(report.results.map((r) => r.file)).toEqual([`${file}[0]`, `${file}[1]`, `${file}[2]`]);
    expect(report.results.map((r) => r.valid)).toEqual([true, false, true]);
    expect(errorCodes(report.results[1])).toEqual(['UNKNOWN_NODE_TYPE']);
    expect(warningCodes(report.results[2])).toEqual(['MISSING_REQUIRED_PARAMETER']);
    expect(report.summary).toEqual({
      files: 3,
      valid: 2,
      invalid: 1,
      byCode: { UNKNOWN_NODE_TYPE: 1, MISSING_REQUIRED_PARAMETER: 1 },
    });
    expect(code).toBe(1);
  });

  it('reads stdin for "-", also a JSON array, alongside files', async () => {
    const single = await cliJson(['validate', '-'], JSON.stringify(validWorkflow()));
    expect(single.code).toBe(0);
    expect(single.stdinReads).toBe(1);
    expect(single.report.results).toEqual([{ file: '-', valid: true, errors: [], warnings: [] }]);

    const array = await cliJson(['validate', '-'], JSON.stringify([validWorkflow(), unknownTypeWorkflow()]));
    expect(array.code).toBe(1);
    expect(array.report.results.map((r) => [r.file, r.valid])).toEqual([
      ['-[0]', true],
      ['-[1]', false],
    ]);

    const file = writeJson(path.join(freshDir(), 'x.json'), validWorkflow());
    const mixed = await cliJson(['validate', file, '-'], JSON.stringify(unknownTypeWorkflow()));
    expect(mixed.report.results.map((r) => [r.file, r.valid])).toEqual([
      [file, true],
      ['-', false],
    ]);
    expect(mixed.code).toBe(1);
  });

  it('does not read stdin unless "-" is given', async () => {
    const file = writeJson(path.join(freshDir(), 'x.json'), validWorkflow());
    const run = await cli(['validate', file]);
    expect(run.stdinReads).toBe(0);
  });

  it('accepts a UTF-8 byte order mark', async () => {
    const file = writeText(path.join(freshDir(), 'bom.json'), `\ufeff${JSON.stringify(validWorkflow())}`);
    const { code, report } = await cliJson(['validate', file]);
    expect(code).toBe(0);
    expect(report.results[0].valid).toBe(true);
  });

  it('reports a file that is not JSON as INVALID_JSON with line and column (exit 1)', async () => {
    // A missing comma at the end of line 2: the parser stops at the next key, line 3 column 3.
    const file = writeText(path.join(freshDir(), 'broken.json'), '{\n  "name": "x"\n  "nodes": [],\n  "connections": {}\n}\n');
    const { code, report } = await cliJson(['validate', file]);
    expect(code).toBe(1);
    expect(report.results).toHaveLength(1);
    const [result] = report.results;
    expect(result).toMatchObject({ file, valid: false, warnings: [] });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].code).toBe('INVALID_JSON');
    expect(result.errors[0].message).toMatch(/line 3, column 3\b/);
    expect(report.summary.byCode).toEqual({ INVALID_JSON: 1 });
  });

  // Node 20's JSON.parse reports most syntax errors as "Unexpected token '}', "…" is not valid JSON"
  // or "Unexpected end of JSON input" — without "at position N".
  it.each([
    ['an unexpected token', '{\n  "name": "x",\n  "nodes": [}\n}\n', /line 3, column 13\b/],
    ['a missing colon', '{\n  "name": "x",\n  "nodes" [],\n  "connections": {}\n}\n', /line 3, column 11\b/],
    ['a trailing comma in an array', '[\n  1,\n  2,\n]\n', /line 4, column 1\b/],
    ['plain text', 'hello', /line 1, column 1\b/],
    ['a truncated file', '{\n  "name": "x",\n  "nodes": [', /line 3, column \d+/],
  ])('reports INVALID_JSON with line and column for %s', async (_label, text, expected) => {
    const file = writeText(path.join(freshDir(), 'broken.json'), text);
    const { code, report } = await cliJson(['validate', file]);
    expect(code).toBe(1);
    expect(report.results.map((r) => errorCodes(r))).toEqual([['INVALID_JSON']]);
    expect(report.results[0].errors[0].message).toMatch(expected);
  });

  it('unwraps template records {name, description, workflow}', async () => {
    const dir = freshDir();
    const good = writeJson(path.join(dir, 'record-good.json'), { name: 'record', description: 'a template', workflow: validWorkflow() });
    const bad = writeJson(path.join(dir, 'record-bad.json'), { name: 'record', description: 'a template', workflow: unknownTypeWorkflow() });
    const { code, report } = await cliJson(['validate', good, bad]);
    expect(report.results.map((r) => [r.file, r.valid])).toEqual([
      [good, true],
      [bad, false],
    ]);
    // Paths point into the unwrapped workflow.
    expect(report.results[1].errors).toEqual([expect.objectContaining({ code: 'UNKNOWN_NODE_TYPE', path: '/nodes/2/type' })]);
    expect(code).toBe(1);
  });

  it('unwraps the n8n.io API shape {workflow: {name, workflow: {nodes, connections}}}', async () => {
    const wrap = (wf: { nodes: unknown; connections: unknown }) => ({ workflow: { id: 1, name: 'api', workflow: { nodes: wf.nodes, connections: wf.connections } } });
    const dir = freshDir();
    const good = writeJson(path.join(dir, 'api-good.json'), wrap(validWorkflow()));
    const bad = writeJson(path.join(dir, 'api-bad.json'), wrap(unknownTypeWorkflow()));
    const { code, report } = await cliJson(['validate', dir]);
    expect(report.results.map((r) => [r.file, r.valid])).toEqual([
      [bad, false],
      [good, true],
    ]);
    expect(errorCodes(report.results[0])).toEqual(['UNKNOWN_NODE_TYPE']);
    expect(code).toBe(1);
  });

  it('reports JSON that is not a workflow as SCHEMA', async () => {
    const dir = freshDir();
    const file = writeJson(path.join(dir, 'package.json'), { name: 'not-a-workflow', version: '1.0.0' });
    const { code, report } = await cliJson(['validate', file]);
    expect(code).toBe(1);
    expect(report.results[0].errors.map((e) => e.code)).toContain('SCHEMA');
  });
});

describe('flowtune validate: exit code 2 (usage and I/O errors)', () => {
  it('a missing file', async () => {
    const missing = path.join(tmp, 'does-not-exist.json');
    const run = await cli(['validate', missing]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(missing);
  });

  it('a missing file among valid ones: the others still get their results, the missing one an error line, exit 2', async () => {
    const dir = freshDir();
    const file = writeJson(path.join(dir, 'ok.json'), validWorkflow());
    const bad = writeJson(path.join(dir, 'bad.json'), unknownTypeWorkflow());
    const missing = path.join(tmp, 'nope.json');
    const run = await cli(['validate', file, missing, bad, '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`flowtune: cannot read ${missing}: no such file or directory\n`);
    const report = JSON.parse(run.stdout);
    expect(report.results.map((r: { file: string; valid: boolean }) => [r.file, r.valid])).toEqual([[file, true], [bad, false]]);
    expect(report.unreadable).toEqual([{ file: missing, error: 'no such file or directory' }]);
    const text = await cli(['validate', missing, file]);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('1 workflow(s): 1 valid, 0 invalid; 1 path(s) not read');
  });

  it('an unreadable folder is reported and skipped; the files beside it still get their results', async () => {
    const dir = freshDir('locked');
    const file = writeJson(path.join(dir, 'a.json'), validWorkflow());
    const locked = path.join(dir, 'locked');
    writeJson(path.join(locked, 'b.json'), validWorkflow());
    // A chmod-000 folder, injected: tests may run as root, which reads any folder.
    const nodeFs = require('node:fs') as typeof import('node:fs');
    const original = nodeFs.readdirSync;
    const spy = jest.spyOn(nodeFs, 'readdirSync').mockImplementation(((dirPath: string, options?: unknown) => {
      if (String(dirPath) === locked) throw Object.assign(new Error(`EACCES: permission denied, scandir '${locked}'`), { code: 'EACCES' });
      return (original as (p: string, o?: unknown) => unknown)(dirPath, options);
    }) as typeof nodeFs.readdirSync);
    try {
      const run = await cliJson(['validate', dir]);
      expect(run.report.results.map((r) => [r.file, r.valid])).toEqual([[file, true]]);
      expect(run.stderr).toBe(`flowtune: cannot read ${locked}: EACCES\n`);
      expect(run.code).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('an empty directory, and one without *.json files', async () => {
    const empty = freshDir('empty');
    const run = await cli(['validate', empty]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(empty);

    const noJson = freshDir('nojson');
    writeText(path.join(noJson, 'a.txt'), '{}');
    writeText(path.join(noJson, 'sub', 'b.yaml'), 'a: 1');
    const run2 = await cli(['validate', noJson]);
    expect(run2.code).toBe(2);
    expect(run2.stdout).toBe('');
  });

  it('a bad --policy file: missing, not JSON, wrong shape, unknown field', async () => {
    const file = writeJson(path.join(freshDir(), 'ok.json'), validWorkflow());
    const dir = freshDir('policies');
    const cases: Array<[string, string]> = [
      [path.join(dir, 'missing.json'), ''],
      [writeText(path.join(dir, 'not-json.json'), '{deny: nope'), ''],
      [writeJson(path.join(dir, 'array.json'), ['n8n-nodes-base.set']), ''],
      [writeJson(path.join(dir, 'deny-string.json'), { deny: 'n8n-nodes-base.set' }), ''],
      [writeJson(path.join(dir, 'strict-string.json'), { strict: 'yes' }), ''],
      [writeJson(path.join(dir, 'unknown-field.json'), { denyList: [] }), ''],
    ];
    for (const [policy] of cases) {
      const run = await cli(['validate', file, '--policy', policy]);
      expect({ policy: path.basename(policy), code: run.code }).toEqual({ policy: path.basename(policy), code: 2 });
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(policy);
    }
  });

  it('an unknown option, a missing argument, an unknown command', async () => {
    const file = writeJson(path.join(freshDir(), 'ok.json'), validWorkflow());
    const unknownOption = await cli(['validate', file, '--frobnicate']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain('--frobnicate');
    expect(unknownOption.stdout).toBe('');

    expect((await cli(['validate'])).code).toBe(2);
    expect((await cli(['validat', file])).code).toBe(2);
    expect((await cli(['validate', file, '--policy'])).code).toBe(2);
  });

  it('a --catalog file that is missing or not a catalog', async () => {
    const file = writeJson(path.join(freshDir(), 'ok.json'), validWorkflow());
    const dir = freshDir('catalogs');
    const missing = await cli(['validate', file, '--catalog', path.join(dir, 'missing.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing.json');
    const notCatalog = writeJson(path.join(dir, 'workflow.json'), validWorkflow());
    const wrong = await cli(['validate', file, '--catalog', notCatalog]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('not a flowtune catalog');
  });

  it('--help and --version exit 0', async () => {
    const help = await cli(['validate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--json');
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('README and --help agree (generate, eval, dataset build)', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const flags = (text: string) => new Set(text.match(/--[a-z][a-z0-9-]*/g));

  it.each(['generate', 'eval', 'dataset build'])('every option of `flowtune %s --help` is in the README, and every option of its README usage is in --help', async (command) => {
    const help = await cli([...command.split(' '), '--help']);
    expect(help.code).toBe(0);
    const helpFlags = flags(help.stdout);
    helpFlags.delete('--help');
    expect([...helpFlags].filter((f) => !readme.includes(f))).toEqual([]);
    // The usage lines: from `flowtune <command> ` to the next line that does not continue it.
    const usage = readme.match(new RegExp(`^flowtune ${command} (?!--compare).*(?:\\n {10,}.*)*`, 'gm')) ?? [];
    expect(usage.length).toBeGreaterThan(0);
    expect([...flags(usage.join('\n'))].filter((f) => !helpFlags.has(f))).toEqual([]);
  });

  it('documents every --server-kind the CLI takes', async () => {
    const help = await cli(['generate', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('auto|openai|azure|vllm|llamacpp|ollama');
    expect(readme).toContain('--server-kind auto|openai|azure|vllm|llamacpp|ollama');
    const bad = await cli(['generate', 'x', '--model', 'm', '--base-url', 'http://127.0.0.1:9/v1', '--server-kind', 'tgi']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--server-kind must be one of auto, openai, azure, vllm, llamacpp, ollama (got "tgi")');
  });
});

describe('flowtune validate --json: the exact contract', () => {
  let report: JsonReport;
  let stdout: string;
  let code: number;
  let dir: string;

  beforeAll(async () => {
    dir = freshDir('contract');
    writeJson(path.join(dir, 'a-valid.json'), validWorkflow());
    writeJson(path.join(dir, 'b-unknown.json'), unknownTypeWorkflow());
    writeJson(path.join(dir, 'c-missing-url.json'), missingUrlWorkflow());
    writeJson(path.join(dir, 'd-many.json'), {
      ...baseWorkflow(
        [
          node('GPT', 'n8n-nodes-base.chatGpt', 1),
          node('Claude', 'n8n-nodes-base.claudeAi', 1),
          node('HTTP', 'httpRequest', 4.2, { url: 'https://example.com', method: 'FETCH' }),
          node('HTTP2', 'httpRequest', 4.2, {}),
        ],
        { Set: { main: [[link('HTTP'), link('HTTP2')]] } },
      ),
    });
    writeText(path.join(dir, 'e-broken.json'), '{"nodes": ');
    ({ report, stdout, code } = await cliJson(['validate', dir]));
  });

  it('prints one JSON document and exits 1 when any is invalid', () => {
    expect(() => JSON.parse(stdout)).not.toThrow();
    expect(stdout.endsWith('\n')).toBe(true);
    expect(code).toBe(1);
  });

  it('has exactly the documented keys', () => {
    expect(Object.keys(report)).toEqual(['results', 'summary']);
    for (const r of report.results) expect(Object.keys(r)).toEqual(['file', 'valid', 'errors', 'warnings']);
    expect(Object.keys(report.summary)).toEqual(['files', 'valid', 'invalid', 'byCode']);
  });

  it('issues are {code, message, node?, path?, suggestion?}', () => {
    const allowed = new Set(['code', 'message', 'node', 'path', 'suggestion']);
    const issues = report.results.flatMap((r) => [...r.errors, ...r.warnings]);
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(typeof issue.code).toBe('string');
      expect(typeof issue.message).toBe('string');
      expect(Object.keys(issue).filter((k) => !allowed.has(k))).toEqual([]);
      if (issue.path !== undefined) expect(issue.path === '' || issue.path.startsWith('/')).toBe(true);
    }
  });

  it('valid means no errors; warnings do not invalidate', () => {
    for (const r of report.results) expect(r.valid).toBe(r.errors.length === 0);
    const missing = report.results.find((r) => r.file.endsWith('c-missing-url.json'))!;
    expect(missing.valid).toBe(true);
    expect(warningCodes(missing)).toEqual(['MISSING_REQUIRED_PARAMETER']);
  });

  it('summary counts files and byCode counts every error and warning by code', () => {
    expect(report.summary.files).toBe(5);
    expect(report.summary.valid).toBe(2);
    expect(report.summary.invalid).toBe(3);
    const counted: Record<string, number> = {};
    for (const r of report.results) for (const i of [...r.errors, ...r.warnings]) counted[i.code] = (counted[i.code] ?? 0) + 1;
    expect(report.summary.byCode).toEqual(counted);
    expect(report.summary.byCode).toEqual({
      UNKNOWN_NODE_TYPE: 3,
      INVALID_OPTION_VALUE: 1,
      MISSING_REQUIRED_PARAMETER: 2,
      INVALID_JSON: 1,
    });
  });
});

describe('flowtune validate: policy options', () => {
  it('--strict turns MISSING_REQUIRED_PARAMETER into errors', async () => {
    const file = writeJson(path.join(freshDir(), 'missing-url.json'), missingUrlWorkflow());
    const lenient = await cliJson(['validate', file]);
    expect(lenient.code).toBe(0);
    expect(errorCodes(lenient.report.results[0])).toEqual([]);
    expect(warningCodes(lenient.report.results[0])).toEqual(['MISSING_REQUIRED_PARAMETER']);

    const strict = await cliJson(['validate', file, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.report.results[0].errors).toEqual([
      expect.objectContaining({ code: 'MISSING_REQUIRED_PARAMETER', node: 'HTTP', path: '/nodes/2/parameters/url' }),
    ]);
    expect(warningCodes(strict.report.results[0])).toEqual([]);
    expect(strict.report.summary.byCode).toEqual({ MISSING_REQUIRED_PARAMETER: 1 });
  });

  it('--policy: "strict": true in the file works like --strict', async () => {
    const dir = freshDir();
    const file = writeJson(path.join(dir, 'missing-url.json'), missingUrlWorkflow());
    const policy = writeJson(path.join(dir, 'policy.json'), { strict: true });
    const run = await cliJson(['validate', file, '--policy', policy]);
    expect(run.code).toBe(1);
    expect(errorCodes(run.report.results[0])).toEqual(['MISSING_REQUIRED_PARAMETER']);
  });

  it('denies shell access by default; a policy deny list adds to the default, only allowDenied lifts an entry', async () => {
    const dir = freshDir();
    const shell = writeJson(path.join(dir, 'shell.json'), shellWorkflow());
    const plain = writeJson(path.join(dir, 'plain.json'), validWorkflow());
    const ssh = writeJson(path.join(dir, 'ssh.json'), baseWorkflow([node('Remote', 'ssh', 1, { command: 'ls' })], { Set: { main: [[link('Remote')]] } }));

    const byDefault = await cliJson(['validate', shell]);
    expect(byDefault.code).toBe(1);
    expect(byDefault.report.results[0].errors).toEqual([
      expect.objectContaining({ code: 'POLICY_DENIED_NODE', node: 'Shell', path: '/nodes/2/type' }),
    ]);

    // Issue 11: a policy that denies more used to replace the default list and let shell access through.
    const denyHttp = writeJson(path.join(dir, 'deny-http.json'), { deny: ['n8n-nodes-base.httpRequest'] });
    const stillDenied = await cliJson(['validate', shell, ssh, '--policy', denyHttp]);
    expect(stillDenied.code).toBe(1);
    expect(stillDenied.report.results.map((r) => r.errors.map((e) => [e.code, e.node]))).toEqual([
      [['POLICY_DENIED_NODE', 'Shell']],
      [['POLICY_DENIED_NODE', 'Remote']],
    ]);
    const denyNothing = writeJson(path.join(dir, 'deny-nothing.json'), { deny: [] });
    expect((await cliJson(['validate', shell, '--policy', denyNothing])).code).toBe(1);

    const allowShell = writeJson(path.join(dir, 'allow-shell.json'), { allowDenied: ['n8n-nodes-base.executeCommand'] });
    const lifted = await cliJson(['validate', shell, ssh, '--policy', allowShell]);
    expect(lifted.report.results.map((r) => r.valid)).toEqual([true, false]);

    const denySet = writeJson(path.join(dir, 'deny-set.json'), { deny: ['n8n-nodes-base.set'] });
    const denied = await cliJson(['validate', plain, shell, '--policy', denySet]);
    expect(denied.code).toBe(1);
    expect(denied.report.results.map((r) => r.errors.map((e) => [e.code, e.node]))).toEqual([
      [['POLICY_DENIED_NODE', 'Set']],
      [['POLICY_DENIED_NODE', 'Set'], ['POLICY_DENIED_NODE', 'Shell']],
    ]);
  });

  it('--policy allowDenied takes only default entries, never one the policy also denies', async () => {
    const dir = freshDir();
    const plain = writeJson(path.join(dir, 'plain.json'), validWorkflow());
    for (const policy of [{ allowDenied: ['n8n-nodes-base.set'] }, { deny: ['n8n-nodes-base.ssh'], allowDenied: ['n8n-nodes-base.ssh'] }, { allowDenied: 'n8n-nodes-base.ssh' }]) {
      const file = writeJson(path.join(dir, `p${++counter}.json`), policy);
      const run = await cli(['validate', plain, '--policy', file]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/allowDenied/);
    }
  });

  it('--policy allow list: every other type is denied', async () => {
    const dir = freshDir();
    const plain = writeJson(path.join(dir, 'plain.json'), validWorkflow());
    const allowBoth = writeJson(path.join(dir, 'allow-both.json'), { allow: ['n8n-nodes-base.manualTrigger', 'n8n-nodes-base.set'] });
    expect((await cliJson(['validate', plain, '--policy', allowBoth])).code).toBe(0);

    const allowTrigger = writeJson(path.join(dir, 'allow-trigger.json'), { allow: ['n8n-nodes-base.manualTrigger'] });
    const run = await cliJson(['validate', plain, '--policy', allowTrigger]);
    expect(run.code).toBe(1);
    expect(run.report.results[0].errors).toEqual([expect.objectContaining({ code: 'POLICY_DENIED_NODE', node: 'Set' })]);
    expect(run.report.results[0].errors[0].message).toContain('allow list');
  });

  it('--allow-unknown-community turns unknown community types into warnings (never n8n types)', async () => {
    const dir = freshDir();
    const community = writeJson(path.join(dir, 'community.json'), communityWorkflow());
    const strict = await cliJson(['validate', community]);
    expect(strict.code).toBe(1);
    expect(errorCodes(strict.report.results[0])).toEqual(['UNKNOWN_NODE_TYPE']);
    expect(strict.report.results[0].errors[0].message).toContain('n8n-nodes-evolution-api');

    const lenient = await cliJson(['validate', community, '--allow-unknown-community']);
    expect(lenient.code).toBe(0);
    expect(errorCodes(lenient.report.results[0])).toEqual([]);
    expect(warningCodes(lenient.report.results[0])).toEqual(['UNKNOWN_NODE_TYPE']);
    expect(lenient.report.summary.byCode).toEqual({ UNKNOWN_NODE_TYPE: 1 });

    const viaPolicy = writeJson(path.join(dir, 'policy.json'), { allowUnknownCommunity: true });
    expect((await cliJson(['validate', community, '--policy', viaPolicy])).code).toBe(0);

    const hallucinated = writeJson(path.join(dir, 'hallucinated.json'), unknownTypeWorkflow());
    const stillError = await cliJson(['validate', hallucinated, '--allow-unknown-community']);
    expect(stillError.code).toBe(1);
    expect(errorCodes(stillError.report.results[0])).toEqual(['UNKNOWN_NODE_TYPE']);
  });
});

describe('flowtune validate --catalog', () => {
  let dir: string;
  let catalogFile: string;

  beforeAll(() => {
    dir = freshDir('acme');
    catalogFile = writeJson(path.join(dir, 'acme-catalog.json'), acmeCatalog());
  });

  it('without the catalog the community type is unknown', async () => {
    const file = writeJson(path.join(dir, 'wf-plain.json'), acmeWorkflow());
    const run = await cliJson(['validate', file]);
    expect(run.code).toBe(1);
    expect(run.report.results[0].errors).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_NODE_TYPE', node: 'Acme', message: expect.stringContaining('n8n-nodes-acme') }),
    ]);
  });

  it('with the catalog the type is known and valid', async () => {
    const file = writeJson(path.join(dir, 'wf-good.json'), acmeWorkflow({ color: 'blue' }));
    const run = await cliJson(['validate', file, '--catalog', catalogFile]);
    expect(run.report.results[0]).toEqual({ file, valid: true, errors: [], warnings: [] });
    expect(run.code).toBe(0);
  });

  it('checks the parameters, versions and sibling types of the merged catalog', async () => {
    const badOption = writeJson(path.join(dir, 'wf-bad-option.json'), acmeWorkflow({ color: 'green' }));
    const badParam = writeJson(path.join(dir, 'wf-bad-param.json'), acmeWorkflow({ color: 'red', shade: 'dark' }));
    const badVersion = writeJson(path.join(dir, 'wf-bad-version.json'), acmeWorkflow({ color: 'red' }, 2));
    const sibling = writeJson(path.join(dir, 'wf-sibling.json'), acmeWorkflow({}, 1, 'n8n-nodes-acme.acmeTrigger2'));
    const run = await cliJson(['validate', badOption, badParam, badVersion, sibling, '--catalog', catalogFile]);
    expect(run.code).toBe(1);
    const [option, param, version, other] = run.report.results;
    expect(option.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_OPTION_VALUE', node: 'Acme', path: '/nodes/2/parameters/color', message: expect.stringContaining('"red", "blue"') }),
    ]);
    expect(param.errors).toEqual([expect.objectContaining({ code: 'UNKNOWN_PARAMETER', path: '/nodes/2/parameters/shade' })]);
    expect(version.errors).toEqual([expect.objectContaining({ code: 'UNKNOWN_TYPE_VERSION', path: '/nodes/2/typeVersion' })]);
    // The package is described now: a type it does not have is a hallucination, not an unknown community node.
    expect(other.errors).toEqual([expect.objectContaining({ code: 'UNKNOWN_NODE_TYPE', message: expect.stringContaining('does not exist') })]);
    const lenient = await cliJson(['validate', sibling, '--catalog', catalogFile, '--allow-unknown-community']);
    expect(lenient.code).toBe(1);
  });

  it('keeps the stock catalog and is repeatable', async () => {
    const second: Catalog = {
      formatVersion: 1,
      sources: [{ package: 'n8n-nodes-widget', version: '2.0.0', nodeTypes: 1 }],
      nodes: [{ ...acmeCatalog().nodes[0], type: 'n8n-nodes-widget.widget', package: 'n8n-nodes-widget', displayName: 'Widget' }],
    };
    const secondFile = writeJson(path.join(dir, 'widget-catalog.json'), second);
    const wf = baseWorkflow([node('Acme', 'n8n-nodes-acme.acme', 1, { color: 'red' }), node('Widget', 'n8n-nodes-widget.widget', 1, { color: 'blue' })], {
      Set: { main: [[link('Acme'), link('Widget')]] },
    });
    const file = writeJson(path.join(dir, 'wf-both.json'), wf);
    const run = await cliJson(['validate', file, '--catalog', catalogFile, '--catalog', secondFile]);
    expect(run.report.results[0]).toEqual({ file, valid: true, errors: [], warnings: [] });
    expect(run.code).toBe(0);
    const onlyOne = await cliJson(['validate', file, '--catalog', catalogFile]);
    expect(errorCodes(onlyOne.report.results[0])).toEqual(['UNKNOWN_NODE_TYPE']);
  });
});

describe('flowtune validate: human output', () => {
  it('prints a table with the file names and, per file, the issue codes and a summary line', async () => {
    const dir = freshDir('human');
    const good = writeJson(path.join(dir, 'good-one.json'), validWorkflow());
    const bad = writeJson(path.join(dir, 'bad-one.json'), unknownTypeWorkflow());
    const warn = writeJson(path.join(dir, 'warn-one.json'), missingUrlWorkflow());
    const run = await cli(['validate', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    for (const file of [good, bad, warn]) expect(run.stdout).toContain(file);
    expect(run.stdout).toContain('UNKNOWN_NODE_TYPE');
    expect(run.stdout).toContain('MISSING_REQUIRED_PARAMETER');
    expect(run.stdout).toContain('n8n-nodes-base.chatGpt');
    expect(run.stdout).toMatch(/\bvalid\b/);
    expect(run.stdout).toMatch(/\binvalid\b/);
    expect(run.stdout).toContain('3 workflow(s)');
    expect(run.stdout).toMatch(/2 valid, 1 invalid/);
    // No colours or box drawing when color is false.
    expect(run.stdout).not.toMatch(/\u001b\[/);
    expect(run.stdout).not.toMatch(/[─│┌┐└┘]/);
  });

  it('a clean run mentions no issue codes', async () => {
    const file = writeJson(path.join(freshDir(), 'clean.json'), validWorkflow());
    const run = await cli(['validate', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(file);
    expect(run.stdout).toContain('1 workflow(s)');
    expect(run.stdout).not.toMatch(/\b[A-Z]+_[A-Z_]+\b/);
  });
});

describe('flowtune demo', () => {
  it('exits 0 and lists every bundled example', async () => {
    const run = await cli(['demo']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const examples = readdirSync(path.join(ROOT, 'examples', 'demo')).filter((f) => f.endsWith('.json'));
    expect(examples.length).toBeGreaterThan(1);
    for (const example of examples) expect(run.stdout).toContain(example);
    expect(run.stdout).toContain('As expected');
  });
});

describe('the compiled binary', () => {
  const main = path.join(ROOT, 'dist', 'cli', 'main.js');
  const exec = promisify(execFile);

  beforeAll(() => {
    const sources = Math.max(newestSource(path.join(ROOT, 'cli')), newestSource(path.join(ROOT, 'schemas')));
    if (!existsSync(main) || statSync(main).mtimeMs < sources) {
      execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
    }
  }, 120_000);

  const runBinary = async (args: string[]) => {
    try {
      const { stdout, stderr } = await exec(process.execPath, [main, ...args], { cwd: tmp, env: { ...process.env, NO_COLOR: '1' } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };

  it('validate <file> --json: real exit codes 0, 1, 2 and parseable JSON', async () => {
    const dir = freshDir('binary');
    const good = writeJson(path.join(dir, 'good.json'), validWorkflow());
    const bad = writeJson(path.join(dir, 'bad.json'), unknownTypeWorkflow());

    const ok = await runBinary(['validate', good, '--json']);
    expect(ok.code).toBe(0);
    const okReport = JSON.parse(ok.stdout) as JsonReport;
    expect(okReport.results).toEqual([{ file: good, valid: true, errors: [], warnings: [] }]);
    expect(okReport.summary).toEqual({ files: 1, valid: 1, invalid: 0, byCode: {} });

    const invalid = await runBinary(['validate', bad, '--json']);
    expect(invalid.code).toBe(1);
    const badReport = JSON.parse(invalid.stdout) as JsonReport;
    expect(Object.keys(badReport)).toEqual(['results', 'summary']);
    expect(badReport.summary.byCode).toEqual({ UNKNOWN_NODE_TYPE: 1 });

    const usage = await runBinary(['validate', path.join(dir, 'missing.json'), '--json']);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toContain('missing.json');
  });
});

describe('flowtune dataset build (CLI)', () => {
  it('builds from a folder and prints the summary', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowtune-cli-dataset-'));
    const wf = (i: number) => ({
      name: `Flow ${i}`,
      nodes: [
        { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
        { name: `Wait ${i}`, type: 'n8n-nodes-base.wait', typeVersion: 1.1, position: [200, 0], parameters: { amount: i + 1 } },
      ],
      connections: { Start: { main: [[{ node: `Wait ${i}`, type: 'main', index: 0 }]] } },
    });
    for (let i = 0; i < 3; i++) writeFileSync(path.join(dir, `w${i}.json`), JSON.stringify(wf(i)));
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'flowtune-cli-dataset-out-')), 'out');
    const run = await cli(['dataset', 'build', '--from', `dir:${dir}`, '--out', out, '--format', 'openai', '--max-per-structure', '5']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^read 3 workflow\(s\): 3 accepted, 0 rejected/);
    expect(run.stdout).toContain('train.jsonl');
    const json = await cli(['dataset', 'build', '--from', `dir:${dir}`, '--out', out, '--format', 'openai', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ counts: { read: 3 }, target: 'compact' });

    // One request per workflow on request; then a seeded sample of the pairs, the same for the same seed.
    const one = await cli(['dataset', 'build', '--from', `dir:${dir}`, '--out', out, '--format', 'openai', '--requests-per-workflow', '1', '--json']);
    const report = JSON.parse(one.stdout) as { counts: { train: number; validation: number }; requests: { perWorkflow: number; sources: Record<string, number> } };
    expect(report.requests.perWorkflow).toBe(1);
    expect(report.counts.train + report.counts.validation).toBe(3);
    expect(report.requests.sources.title).toBe(3);
    const sample = await cli(['dataset', 'sample', out, '-n', '2', '--seed', '5']);
    expect(sample.code).toBe(0);
    expect(sample.stdout).toMatch(/^1\. Build a flow \d\n {3}→ 2 nodes: Manual Trigger, Wait {2}\((train|validation)\.jsonl:\d+\)\n\n2\. /);
    expect((await cli(['dataset', 'sample', out, '-n', '2', '--seed', '5'])).stdout).toBe(sample.stdout);
    const pairs = JSON.parse((await cli(['dataset', 'sample', out, '-n', '5', '--json'])).stdout) as Array<{ request: string; workflow: string; ref: string }>;
    expect(pairs).toHaveLength(3);
    const missing = await cli(['dataset', 'sample', dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no train\.jsonl or validation\.jsonl/);
  });

  it('--requests-per-workflow is 1 to 3', async () => {
    const run = await cli(['dataset', 'build', '--out', path.join(tmpdir(), 'never-written'), '--requests-per-workflow', '4'], '');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--requests-per-workflow/);
  });

  it('README and --help agree for dataset build and dataset sample', async () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const start = readme.indexOf('## `flowtune dataset build`');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const usage = /```bash\n([\s\S]*?)```/.exec(section)![1];
    for (const [sub, from, to] of [
      ['build', 'flowtune dataset build', 'flowtune dataset check'],
      ['sample', 'flowtune dataset sample', undefined],
    ] as const) {
      const text = usage.slice(usage.indexOf(from), to ? usage.indexOf(to) : undefined);
      const help = await cli(['dataset', sub, '--help']);
      expect(help.code).toBe(0);
      const flags = new Set(help.stdout.match(/--[a-z][a-z-]*/g) ?? []);
      for (const flag of text.match(/--[a-z][a-z-]*/g) ?? []) expect([sub, flag, flags.has(flag)]).toEqual([sub, flag, true]);
      // The catalog and policy options are common to every command that validates, described once elsewhere.
      const common = new Set(['--help', '--catalog', '--policy', '--strict', '--allow-unknown-community']);
      for (const flag of flags) if (!common.has(flag)) expect([sub, flag, section.includes(flag)]).toEqual([sub, flag, true]);
    }
  });

  it('exits 2 and keeps the previous dataset when a build accepts nothing (a typo in --from)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowtune-cli-dataset-'));
    writeFileSync(path.join(dir, 'w.json'), JSON.stringify(validWorkflow()));
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'flowtune-cli-dataset-out-')), 'out');
    expect((await cli(['dataset', 'build', '--from', `dir:${dir}`, '--out', out, '--format', 'openai'])).code).toBe(0);
    const before = readFileSync(path.join(out, 'train.jsonl'), 'utf8');
    const typo = path.join(dir, 'typo.jsonl');
    const run = await cli(['dataset', 'build', '--from', `jsonl:${typo}`, '--out', out, '--format', 'openai']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`flowtune: no example accepted, nothing written (${out} is left as it was): read 1 record(s) from jsonl:${typo}; rejected: unreadable 1 (first: ${typo}: cannot read (ENOENT))\n`);
    expect(readFileSync(path.join(out, 'train.jsonl'), 'utf8')).toBe(before);
    expect(before).not.toBe('');
  });

  it.each([
    [['--target', 'tiny'], /--target must be compact or full/],
    [['--format', 'csv'], /unknown --format "csv"/],
    [['--validation-split', '2'], /--validation-split must be a number from 0 to 0.9/],
    [['--from', 'ftp:x'], /unknown source "ftp:x"/],
    [['--from', 'n8n:http://127.0.0.1:9'], /needs an API key/],
  ])('exits 2 on %j', async (args, message) => {
    const run = await cli(['dataset', 'build', '--out', path.join(tmpdir(), 'never-written'), ...(args as string[])], '');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message as RegExp);
  });
});

describe('examples', () => {
  const root = path.join(__dirname, '..', '..');
  const examples = ['fine-tune-own-workflows.json', 'weekly-retraining.json', 'chat-workflow-generator.json'].map((f) => path.join(root, 'examples', f));

  it('every example workflow (flowtune’s own nodes) validates with the default catalog', async () => {
    const run = await cliJson(['validate', ...examples]);
    expect(run.report.results.map((r) => [path.basename(r.file), r.valid, r.errors])).toEqual(examples.map((f) => [path.basename(f), true, []]));
    expect(run.code).toBe(0);
    // Naming the own catalog as well changes nothing (it is not merged twice).
    expect((await cliJson(['validate', '--catalog', path.join(root, 'schemas/catalog/flowtune-nodes.json'), ...examples])).report).toEqual(run.report);
  });

  it('dataset build accepts them as examples', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowtune-cli-examples-'));
    for (const f of examples) writeFileSync(path.join(dir, path.basename(f)), readFileSync(f));
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'flowtune-cli-examples-out-')), 'out');
    const run = await cli(['dataset', 'build', '--from', `dir:${dir}`, '--out', out, '--format', 'openai', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { counts: Record<string, unknown> };
    expect(report.counts).toMatchObject({ read: 3, accepted: 3 });
  });
});

describe('validate --max-issues', () => {
  it('lists at most n issues per workflow and counts the rest in "truncated"', async () => {
    const dir = freshDir('max-issues');
    const parameters: Record<string, unknown> = { mode: 'manual' };
    for (let i = 0; i < 30; i++) parameters[`bogus${i}`] = i;
    const wf = baseWorkflow();
    wf.nodes[1].parameters = parameters;
    writeJson(path.join(dir, 'many.json'), wf);
    const { report, code } = await cliJson(['validate', dir, '--max-issues', '5']);
    expect(code).toBe(1);
    const [result] = report.results as Array<JsonResult & { truncated?: { errors: number; warnings: number } }>;
    expect(result.errors).toHaveLength(5);
    expect(result.truncated).toEqual({ errors: 25, warnings: 0 });
    const text = await cli(['validate', dir, '--max-issues', '5']);
    expect(text.stdout).toContain('25 more error(s), 0 more warning(s) not shown');
    expect((await cli(['validate', dir, '--max-issues', '0'])).stderr).toMatch(/--max-issues must be a whole number/);
  });
});
