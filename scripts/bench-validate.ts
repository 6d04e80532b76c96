/**
 * npm run bench:validate — parse + validate the 2,352 n8n.io templates shipped in
 * n8n-mcp, print workflows/second and peak memory, drive n8n-mcp's own workflow
 * validator over the same templates in the same run, and write the figures to
 * BENCHMARKS.md (between the bench:validate markers).
 *
 *   node dist/scripts/bench-validate.js [--runs 9] [--mcp-limit N] [--no-mcp] [--no-write]
 */
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { readTemplates, type TemplateRecord } from '../dataset/sources/templates';
import { loadCatalog } from '../schemas/catalog/load';
import { measureTable, writeBenchmarkSection } from './benchmarks-md';
import { openN8nMcp } from './n8n-mcp';
import { validateWorkflow } from '../schemas/validator';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    'mcp-limit': { type: 'string' },
    'no-mcp': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});

let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
setInterval(sampleRss, 20).unref();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

interface Timing {
  wallMs: number;
  cpuMs: number;
}

function timed(run: () => void): Timing {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  run();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1e3 };
}

function benchFlowtune(templates: TemplateRecord[], runs: number) {
  const catalog = loadCatalog();
  const parseAndValidate = () => {
    for (const t of templates) validateWorkflow(JSON.parse(t.workflowJson), { catalog });
  };
  const parsed = templates.map((t) => JSON.parse(t.workflowJson) as unknown);
  const validateOnly = () => {
    for (const w of parsed) validateWorkflow(w, { catalog });
  };
  const parseOnly = () => {
    for (const t of templates) JSON.parse(t.workflowJson);
  };
  // First pass: JIT warm-up and the catalog's lazily built indexes.
  const cold = timed(parseAndValidate);
  // Interleave the three measures so drift in machine speed hits them alike.
  const samples = { parseAndValidate: [] as Timing[], validateOnly: [] as Timing[], parseOnly: [] as Timing[] };
  for (let i = 0; i < runs; i++) {
    samples.parseAndValidate.push(timed(parseAndValidate));
    samples.validateOnly.push(timed(validateOnly));
    samples.parseOnly.push(timed(parseOnly));
  }
  const summary = (list: Timing[]) => ({
    wallMs: median(list.map((t) => t.wallMs)),
    cpuMs: median(list.map((t) => t.cpuMs)),
    bestMs: Math.min(...list.map((t) => t.wallMs)),
    worstMs: Math.max(...list.map((t) => t.wallMs)),
  });
  return {
    cold,
    parseAndValidate: summary(samples.parseAndValidate),
    validateOnly: summary(samples.validateOnly),
    parseOnly: summary(samples.parseOnly),
  };
}

interface McpValidator {
  validateWorkflow(workflow: unknown, options: Record<string, unknown>): Promise<{ valid: boolean }>;
}

/** n8n-mcp's own validator, constructed the way its server does. */
async function benchN8nMcp(templates: TemplateRecord[]) {
  const mcp = await openN8nMcp();
  const version = mcp.version;
  try {
    const { WorkflowValidator } = mcp.load('services/workflow-validator');
    const validator: McpValidator = new WorkflowValidator(mcp.repository, mcp.EnhancedConfigValidator);
    const options = { validateNodes: true, validateConnections: true, validateExpressions: true, profile: 'runtime' };
    let valid = 0;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (const t of templates) {
      const result = await validator.validateWorkflow(JSON.parse(t.workflowJson), options);
      if (result.valid) valid++;
    }
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    return { version, count: templates.length, valid, wallMs, cpuMs: (cpu.user + cpu.system) / 1e3 };
  } finally {
    mcp.close();
  }
}


async function main(): Promise<void> {
  const runs = Math.max(1, Number(args.runs));
  const templates = await readTemplates();
  const perSecond = (ms: number, n = templates.length) => Math.round((n / ms) * 1000);
  sampleRss();
  const flowtune = benchFlowtune(templates, runs);
  const flowtunePeak = peakRss;
  const pv = flowtune.parseAndValidate;
  const lines = [
    `templates: ${templates.length} (n8n-mcp data/nodes.db), runs: ${runs} (median), node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, load average ${os.loadavg()[0].toFixed(2)}`,
    `flowtune parse + validate: ${perSecond(pv.wallMs)} workflows/s wall, median (${pv.wallMs.toFixed(0)} ms; runs ranged ${perSecond(pv.worstMs)}–${perSecond(pv.bestMs)}/s), ${perSecond(pv.cpuMs)} per CPU-second`,
    `flowtune validate only (pre-parsed): ${perSecond(flowtune.validateOnly.wallMs)} workflows/s wall, median (runs ranged ${perSecond(flowtune.validateOnly.worstMs)}–${perSecond(flowtune.validateOnly.bestMs)}/s)`,
    `JSON.parse alone: ${perSecond(flowtune.parseOnly.wallMs)} workflows/s wall, median (${flowtune.parseOnly.wallMs.toFixed(0)} ms)`,
    `first (cold) pass: ${perSecond(flowtune.cold.wallMs)} workflows/s`,
    `peak RSS (templates in memory + catalog + validation): ${mb(flowtunePeak)}`,
  ];
  let ratio = '';
  if (!args['no-mcp']) {
    const limit = args['mcp-limit'] ? Number(args['mcp-limit']) : templates.length;
    process.stderr.write(`running n8n-mcp's validator over ${limit} templates (slow)…\n`);
    const mcp = await benchN8nMcp(templates.slice(0, limit));
    const mcpRate = (mcp.count / mcp.wallMs) * 1000;
    ratio = `${(perSecond(pv.wallMs) / mcpRate).toFixed(0)}×`;
    lines.push(
      `n8n-mcp@${mcp.version} WorkflowValidator (runtime profile, in-process, same templates): ${mcpRate.toFixed(1)} workflows/s wall over ${mcp.count} templates, ${((mcp.count / mcp.cpuMs) * 1000).toFixed(1)} per CPU-second`,
      `speed-up (parse + validate, wall): ${ratio}`,
      `peak RSS of the whole run: ${mb(peakRss)}`,
    );
  }
  for (const line of lines) process.stdout.write(`${line}\n`);
  if (!args['no-write']) {
    const rows = lines.map((line) => {
      const i = line.indexOf(': ');
      return [line.slice(0, i), line.slice(i + 2)] as const;
    });
    process.stdout.write(`updated ${writeBenchmarkSection('validate', measureTable(rows), { createIfMissing: true })}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
