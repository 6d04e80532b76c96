/**
 * audit-redaction — what redaction replaces in real workflows, for a person to judge
 * precision: redactions per kind over the n8n.io templates shipped in n8n-mcp (name, description
 * and workflow, as the dataset builder sees them) and over any folders given, then a seeded
 * sample of the replaced values per kind with the text around them.
 *
 *   npm run build && node dist/scripts/audit-redaction.js [--dir <folder>]… [--kinds payment_card,iban,…] [--sample 20] [--seed 1]
 *
 * Folders are read recursively: every `.json` file, either a workflow or `{ name, description, workflow }`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { REDACTION_KINDS, Redactor, redactWorkflowStrings, type PlaceholderLabel, type RedactionKind } from '../dataset/redact';
import { readTemplates } from '../dataset/sources/templates';
import { loadCatalog } from '../schemas/catalog/load';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', multiple: true, default: [] },
    kinds: { type: 'string' },
    sample: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
  },
});

interface Hit {
  source: string;
  ref: string;
  value: string;
  context: string;
}

/** Records each replaced value (and where it stood in the input) while redacting as usual. */
class AuditRedactor extends Redactor {
  constructor(
    private readonly text: string,
    private readonly source: string,
    private readonly ref: string,
    private readonly hits: Map<RedactionKind, Hit[]>,
  ) {
    super();
  }

  override replace(kind: RedactionKind, label: PlaceholderLabel, value: string): string {
    let at = this.text.indexOf(value);
    if (at < 0) at = this.text.indexOf(JSON.stringify(value).slice(1, -1));
    const context = at < 0 ? '(not found verbatim: inside an encoded or rewritten string)' : this.text.slice(Math.max(0, at - 50), at + value.length + 50);
    const list = this.hits.get(kind) ?? [];
    list.push({ source: this.source, ref: this.ref, value, context: context.replace(/\s+/g, ' ') });
    this.hits.set(kind, list);
    return super.replace(kind, label, value);
  }
}

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...jsonFiles(full));
    else if (entry.endsWith('.json')) out.push(full);
  }
  return out.sort();
}

/** A seeded shuffle's first `n` (mulberry32). */
function sample<T>(list: T[], n: number, seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}

async function main(): Promise<void> {
  const catalog = loadCatalog();
  const kinds = args.kinds ? (args.kinds.split(',') as RedactionKind[]) : [...REDACTION_KINDS];
  const inputs: Array<{ source: string; ref: string; value: unknown }> = [];
  for (const t of await readTemplates()) inputs.push({ source: 'templates', ref: `template ${t.id}`, value: { name: t.name, description: t.description, workflow: JSON.parse(t.workflowJson) } });
  for (const dir of args.dir ?? []) {
    for (const file of jsonFiles(dir)) {
      try {
        inputs.push({ source: dir, ref: path.relative(dir, file), value: JSON.parse(readFileSync(file, 'utf8')) });
      } catch {
        // Broken files are the builder's business, not redaction's.
      }
    }
  }
  const bySource = new Map<string, Map<RedactionKind, Hit[]>>();
  for (const input of inputs) {
    const hits = bySource.get(input.source) ?? new Map<RedactionKind, Hit[]>();
    bySource.set(input.source, hits);
    const text = JSON.stringify(input.value);
    redactWorkflowStrings(input.value, { catalog, redactor: new AuditRedactor(text, input.source, input.ref, hits) });
  }
  const n = Number(args.sample);
  console.log('| kind | ' + [...bySource.keys()].map((s) => `${s} (${inputs.filter((i) => i.source === s).length} files)`).join(' | ') + ' |');
  console.log('|---|' + [...bySource.keys()].map(() => '---:').join('|') + '|');
  for (const kind of kinds) console.log(`| ${kind} | ${[...bySource.values()].map((h) => h.get(kind)?.length ?? 0).join(' | ')} |`);
  for (const kind of kinds) {
    const all = [...bySource.values()].flatMap((h) => h.get(kind) ?? []);
    if (all.length === 0) continue;
    console.log(`\n## ${kind}: ${all.length} redactions, ${Math.min(n, all.length)} sampled\n`);
    for (const hit of sample(all, n, Number(args.seed))) console.log(`- ${hit.ref}: \`${hit.value}\` … ${hit.context}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
