/**
 * npm run bench:fix — deterministic repair on a fault set: every valid stock n8n.io template
 * (n8n-mcp's data/nodes.db) gets one fault of each kind a model makes (scripts/faults.ts,
 * seeded by the template id), and `fixWorkflow` repairs it with no model call. Measured per
 * kind and overall: the share valid after repair (our validator judges), and the share
 * restored exactly to the original (nodes and connections compared normalised). n8n-mcp's
 * WorkflowAutoFixer runs on a seeded sample of the same faults (it is slow: its validator
 * handles ~17 workflows/s), judged the same way. Figures go to BENCHMARKS.md (bench:fix markers).
 *
 *   node dist/scripts/bench-fix.js [--mcp-per-kind 60] [--no-mcp] [--no-write] [--show-failures 3]
 */
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { readTemplates } from '../dataset/sources/templates';
import { fixWorkflow, type FixConfidence } from '../schemas/fix';
import { loadCatalog } from '../schemas/catalog/load';
import { writeBenchmarkSection } from './benchmarks-md';
import { openN8nMcp } from './n8n-mcp';
import { validateWorkflow } from '../schemas/validator';
import { isObject } from '../schemas/json-value';
import { FAULT_KINDS, injectFaults, normaliseConnections, pick, type Fault, type FaultKind, type Json, type Workflow } from './faults';

const { values: args } = parseArgs({
  options: {
    'mcp-per-kind': { type: 'string', default: '60' },
    'no-mcp': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    'show-failures': { type: 'string', default: '0' },
  },
});

/** What "restored exactly" compares: every node as it is (key order aside), connections normalised. */
function normalise(workflow: unknown): { nodes: unknown; connections: Json } {
  const wf = isObject(workflow) ? workflow : {};
  return { nodes: wf.nodes, connections: normaliseConnections(wf.connections) };
}

interface Tally {
  faults: number;
  valid: number;
  validDefault: number;
  restored: number;
  mcp: { faults: number; valid: number; restored: number };
  failures: string[];
}

const newTally = (): Tally => ({ faults: 0, valid: 0, validDefault: 0, restored: 0, mcp: { faults: 0, valid: 0, restored: 0 }, failures: [] });

interface McpFixer {
  fix(workflow: Workflow): Promise<unknown>;
  version: string;
  close(): void;
}

/**
 * n8n-mcp's auto-fixer as its `n8n_autofix_workflow` tool runs it: its validator (ai-friendly
 * profile) → WorkflowAutoFixer.generateFixes (applied, its default confidence threshold) → WorkflowDiffEngine.applyDiff.
 */
async function n8nMcpFixer(): Promise<McpFixer> {
  const mcp = await openN8nMcp();
  const { WorkflowValidator } = mcp.load('services/workflow-validator');
  const { WorkflowAutoFixer } = mcp.load('services/workflow-auto-fixer');
  const { WorkflowDiffEngine } = mcp.load('services/workflow-diff-engine');
  const validator = new WorkflowValidator(mcp.repository, mcp.EnhancedConfigValidator);
  const fixer = new WorkflowAutoFixer(mcp.repository);
  return {
    version: mcp.version,
    async fix(workflow) {
      const copy = structuredClone(workflow);
      const validation = await validator.validateWorkflow(copy, { validateNodes: true, validateConnections: true, validateExpressions: true, profile: 'ai-friendly' });
      // Its own defaults (confidence threshold medium, at most 50 fixes), applied.
      const result = await fixer.generateFixes(copy, validation, [], { applyFixes: true });
      if (result.operations.length === 0) return copy;
      const applied = await new WorkflowDiffEngine().applyDiff(copy, { id: 'bench', operations: result.operations, continueOnError: true });
      return applied.workflow ?? copy;
    },
    close: mcp.close,
  };
}

/** A percentage; two decimals where one would round up to 100.0% (or down to 0.0%) without being it. */
const pct = (n: number, d: number) => {
  if (d === 0) return 'n/a';
  const p = (100 * n) / d;
  return `${p.toFixed((p > 99.95 && n < d) || (p < 0.05 && n > 0) ? 2 : 1)}%`;
};

async function main(): Promise<void> {
  const catalog = loadCatalog();
  const showFailures = Number(args['show-failures']);
  const templates = await readTemplates();
  const faults: Array<{ id: number; original: Workflow; fault: Fault }> = [];
  let bases = 0;
  let notFaults = 0;
  for (const t of templates) {
    const workflow = JSON.parse(t.workflowJson) as Workflow;
    if (!Array.isArray(workflow.nodes) || !workflow.nodes.every((n) => catalog.has(String(n.type)))) continue;
    if (!isObject(workflow.connections) || !validateWorkflow(workflow, { catalog }).valid) continue;
    bases++;
    for (const fault of injectFaults(workflow, t.id, catalog)) {
      // A fault the validator does not see is no fault to repair.
      if (validateWorkflow(fault.workflow, { catalog }).valid) notFaults++;
      else faults.push({ id: t.id, original: workflow, fault });
    }
  }

  const tallies = new Map<FaultKind, Tally>(FAULT_KINDS.map((k) => [k, newTally()]));
  const variants = new Map<string, { faults: number; valid: number; restored: number }>();
  const times: number[] = [];
  let applied = 0;
  let reported = 0;
  for (const { id, original, fault } of faults) {
    const tally = tallies.get(fault.kind)!;
    tally.faults++;
    const t0 = process.hrtime.bigint();
    const all = fixWorkflow(fault.workflow, { catalog, minConfidence: 'low' as FixConfidence });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const byDefault = fixWorkflow(fault.workflow, { catalog });
    applied += all.fixes.filter((f) => f.applied).length;
    reported += byDefault.fixes.filter((f) => !f.applied).length;
    const valid = all.validation.valid;
    const restored = isDeepStrictEqual(normalise(all.workflow), normalise(original));
    if (valid) tally.valid++;
    if (byDefault.validation.valid) tally.validDefault++;
    if (restored) tally.restored++;
    const key = `${fault.kind}: ${fault.variant}`;
    const v = variants.get(key) ?? { faults: 0, valid: 0, restored: 0 };
    v.faults++;
    if (valid) v.valid++;
    if (restored) v.restored++;
    variants.set(key, v);
    // Invalid results first: they are what the goal counts.
    if (!valid && tally.failures.length < showFailures) tally.failures.unshift(`INVALID template ${id} ${fault.what}: ${all.validation.errors.map((e) => `${e.code} ${e.message}`).join('; ')}; fixes: ${all.fixes.map((f) => f.description).join(' | ') || 'none'}`);
    else if (!restored && tally.failures.length < showFailures) {
      tally.failures.push(`template ${id} ${fault.what}: ${valid ? 'valid, not restored' : `invalid (${all.validation.errors.map((e) => e.code).join(', ')})`}; fixes: ${all.fixes.map((f) => f.description).join(' | ') || 'none'}`);
    }
  }

  let mcpVersion = '';
  if (!args['no-mcp']) {
    const perKind = Number(args['mcp-per-kind']);
    process.stderr.write(`running n8n-mcp's auto-fixer on up to ${perKind} faults of each kind (slow)…\n`);
    const mcp = await n8nMcpFixer();
    mcpVersion = mcp.version;
    try {
      for (const kind of FAULT_KINDS) {
        // A seeded sample, spread over the templates.
        const ofKind = faults.filter((f) => f.fault.kind === kind);
        const sample = [...ofKind].sort((a, b) => pick([0, 1, 2, 3, 4, 5, 6, 7], a.id, 7) - pick([0, 1, 2, 3, 4, 5, 6, 7], b.id, 7) || a.id - b.id).slice(0, perKind);
        const tally = tallies.get(kind)!;
        for (const { original, fault } of sample) {
          tally.mcp.faults++;
          let fixed: unknown = fault.workflow;
          try {
            fixed = await mcp.fix(fault.workflow);
          } catch {
            // Counted as not repaired.
          }
          if (validateWorkflow(fixed, { catalog }).valid) tally.mcp.valid++;
          if (isDeepStrictEqual(normalise(fixed), normalise(original))) tally.mcp.restored++;
        }
      }
    } finally {
      mcp.close();
    }
  }

  const total = [...tallies.values()].reduce(
    (a, t) => ({ faults: a.faults + t.faults, valid: a.valid + t.valid, validDefault: a.validDefault + t.validDefault, restored: a.restored + t.restored, mf: a.mf + t.mcp.faults, mv: a.mv + t.mcp.valid, mr: a.mr + t.mcp.restored }),
    { faults: 0, valid: 0, validDefault: 0, restored: 0, mf: 0, mv: 0, mr: 0 },
  );
  const sorted = [...times].sort((a, b) => a - b);
  const mcpCells = (f: number, v: number, r: number) => (args['no-mcp'] ? ['not run', 'not run'] : [`${pct(v, f)} (${f})`, pct(r, f)]);
  const rows = FAULT_KINDS.map((kind) => {
    const t = tallies.get(kind)!;
    return [kind, String(t.faults), pct(t.valid, t.faults), pct(t.validDefault, t.faults), pct(t.restored, t.faults), ...mcpCells(t.mcp.faults, t.mcp.valid, t.mcp.restored)];
  });
  rows.push(['**all**', String(total.faults), `**${pct(total.valid, total.faults)}**`, pct(total.validDefault, total.faults), `**${pct(total.restored, total.faults)}**`, ...mcpCells(total.mf, total.mv, total.mr)]);
  const head = ['fault kind', 'faults', 'valid after repair', '… at the default `medium`', 'restored exactly', `n8n-mcp${mcpVersion ? `@${mcpVersion}` : ''} valid (sample)`, 'n8n-mcp restored'];
  const table = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
  const variantLines = [...variants].sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => `${k}: ${v.faults} faults, ${pct(v.valid, v.faults)} valid, ${pct(v.restored, v.faults)} restored`);
  const facts = [
    `templates: ${bases} valid stock n8n.io templates; ${faults.length} faults (${notFaults} injections the validator does not see as faults left out); node ${process.version}`,
    `fixes: ${applied} applied at minConfidence low; ${reported} reported, not applied, at the default medium`,
    `fixWorkflow time per faulty workflow: median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} ms, p90 ${sorted[Math.floor(sorted.length * 0.9)].toFixed(2)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`,
  ];
  process.stdout.write(`${[...facts, '', ...table, '', ...variantLines].join('\n')}\n`);
  for (const [kind, t] of tallies) for (const f of t.failures) process.stdout.write(`  ${kind}: ${f}\n`);

  if (!args['no-write']) {
    const body = [...facts.map((f) => `- ${f}`), '', ...table, '', 'Per variant (minConfidence low):', '', ...variantLines.map((l) => `- ${l}`)];
    process.stdout.write(`updated ${writeBenchmarkSection('fix', body)}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
