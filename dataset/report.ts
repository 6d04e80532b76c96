/** The build report: counts per stage and reason, requests, redactions, tokens, cost, node types. */
import type { ModelRequestsStats } from './model-requests';
import { modelRequestsMarkdown, modelRequestsSummaryLine } from './model-requests/report';
import type { RedactionCounts } from './redact';
import { REQUEST_LENGTHS, REQUEST_SOURCES, type RequestLength, type RequestSource } from './requests';
import { STRIP_RULES } from './requests/sentences';

export const REJECT_REASONS = [
  'unreadable',
  'wrong_shape',
  'too_large',
  'invalid',
  'too_few_nodes',
  'too_many_nodes',
  'below_min_views',
  'exact_duplicate',
  'structural_duplicate',
  'near_duplicate_request',
  'too_many_tokens',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface TokenSummary {
  examples: number;
  total: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  max: number;
}

export interface CostEstimate {
  epochs: number;
  billedTokens: number;
  usd: number | null;
  [key: string]: unknown;
}

/** Characters of the requests written. */
export interface LengthSummary {
  requests: number;
  median: number;
  p90: number;
  max: number;
  /** Share of requests longer than the detailed class (300 characters), 0-1. */
  overDetailed: number;
}

/** What a person needs to judge the requests: where they come from, how long they are, what was left out, examples. */
export interface RequestReport {
  /** `--requests-per-workflow`. */
  perWorkflow: number;
  /** Requests written (augmented phrasings not counted), by source. */
  sources: Record<RequestSource, number>;
  /** By the length class they were made for (terse ≤ 80, typical ≤ 160, detailed ≤ 300 characters). */
  lengthClasses: Record<RequestLength, number>;
  length: LengthSummary;
  /** Sentences and title parts the request rules left out, by rule (accepted workflows only). */
  stripped: Record<string, number>;
  /** Further requests left out because another workflow's request says nearly the same. */
  nearDuplicatesLeftOut: number;
  /** Seeded random pairs: one request each and a line about its workflow's nodes. */
  samples: Array<{ order: number; request: string; source: RequestSource; workflow: string; split: 'train' | 'validation'; ref: string }>;
}

export function emptyRequestReport(perWorkflow: number): RequestReport {
  return {
    perWorkflow,
    sources: Object.fromEntries(REQUEST_SOURCES.map((s) => [s, 0])) as Record<RequestSource, number>,
    lengthClasses: Object.fromEntries(Object.keys(REQUEST_LENGTHS).map((l) => [l, 0])) as Record<RequestLength, number>,
    length: summarizeLengths([]),
    stripped: {},
    nearDuplicatesLeftOut: 0,
    samples: [],
  };
}

export function summarizeLengths(lengths: number[]): LengthSummary {
  if (lengths.length === 0) return { requests: 0, median: 0, p90: 0, max: 0, overDetailed: 0 };
  const sorted = [...lengths].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const over = sorted.filter((n) => n > REQUEST_LENGTHS.detailed).length;
  return { requests: sorted.length, median: at(0.5), p90: at(0.9), max: sorted[sorted.length - 1], overDetailed: Math.round((over / sorted.length) * 10_000) / 10_000 };
}

export interface DatasetReport {
  systemPromptVersion: string;
  target: string;
  model: string;
  seed: number;
  validationSplit: number;
  sources: string[];
  counts: { read: number; accepted: number; train: number; validation: number; augmented: number };
  rejected: Partial<Record<RejectReason, number>>;
  /** Validator error codes of the workflows rejected as invalid. */
  invalidCodes: Record<string, number>;
  requests: RequestReport;
  redactions: RedactionCounts;
  /** Accepted workflows whose target needed values the wiring implied (parameters the export had stripped). */
  targetsCompleted: number;
  /**
   * `encoding` counted the tokens; `estimate` when it is not the model's own tokenizer (open models:
   * their tokenizers are not bundled), so every count and the cost are estimates.
   */
  tokens: { target: TokenSummary; limit: number; overLimit: number; encoding: string; estimate: boolean };
  /** Things about the chosen base model worth knowing before training (e.g. its fine-tuning ends soon). */
  modelWarnings: string[];
  /** Characters of the accepted workflows as read vs their targets. */
  size: { rawChars: number; targetChars: number };
  cost: CostEstimate | null;
  triggerKinds: Record<string, number>;
  nodeTypes: Record<string, number>;
  /** The first rejections, with their provenance. */
  rejections: Array<{ reason: RejectReason; ref: string; detail?: string }>;
  files: string[];
  /** Outputs of the previous build that this one does not write, removed once the new files were in place (absent when none). */
  removedStale?: string[];
  /** The requests model's stage (`--requests-model`; absent without one). */
  modelRequests?: ModelRequestsStats;
}

export function summarizeTokens(values: number[]): TokenSummary {
  if (values.length === 0) return { examples: 0, total: 0, min: 0, mean: 0, p50: 0, p90: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const total = sorted.reduce((a, b) => a + b, 0);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { examples: sorted.length, total, min: sorted[0], mean: Math.round(total / sorted.length), p50: at(0.5), p90: at(0.9), max: sorted[sorted.length - 1] };
}

const fmt = (n: number) => n.toLocaleString('en-US');
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

const SOURCE_LABELS: Record<RequestSource, string> = {
  title: 'from titles',
  description: 'from descriptions',
  model: 'model-written',
  stickyNote: 'from sticky notes',
  synthetic: 'synthetic',
};

/** What each rule leaves out, for the report's reader. */
const RULE_LABELS: Record<string, string> = {
  audience: 'who it is for ("Perfect for busy marketers…")',
  author: 'the author speaking ("I built…", "We heard…")',
  prerequisite: 'what one needs first (accounts, keys, knowledge)',
  setup: 'setup steps ("Open Edit Fields → replace sheet_id…")',
  advert: 'adverts, contact and links ("use code … for 39% off")',
  versionNote: 'version notes ("Version 4 now supports…")',
  assistantLeftover: 'a chat assistant\'s leftovers ("Here is your refined description…")',
  marketing: 'hooks and questions ("Tired of…?")',
  unphrased: 'sentences that do not say what the workflow does (not phrased as a request)',
  'title:emoji': 'title: emoji',
  'title:brandTag': 'title: brand tags ("| n8n template")',
  'title:version': 'title: versions ("v4")',
  'title:year': 'title: years ("[2025]")',
  'title:author': 'title: author names',
  'title:label': 'title: a name before the ask ("Promo Seeker: …")',
};

/** A table cell: one line, pipes escaped, at most `max` characters. */
const cell = (text: string, max = 320) => {
  const line = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** The request section of REPORT.md. */
export function renderRequestSection(requests: RequestReport): string[] {
  const total = REQUEST_SOURCES.reduce((n, s) => n + requests.sources[s], 0);
  const share = (n: number) => (total > 0 ? ` (${percent(n / total)})` : '');
  const ruleOrder = [...STRIP_RULES, 'unphrased'];
  const stripped = Object.entries(requests.stripped).sort((a, b) => {
    const ia = ruleOrder.indexOf(a[0]);
    const ib = ruleOrder.indexOf(b[0]);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a[0] < b[0] ? -1 : 1);
  });
  const l = requests.length;
  return [
    '## Requests',
    '',
    `Up to ${requests.perWorkflow} request(s) per workflow, each of another length, all on the workflow's side of the split. ${fmt(total)} requests written` +
      (requests.nearDuplicatesLeftOut > 0 ? `; ${fmt(requests.nearDuplicatesLeftOut)} further request(s) left out as near duplicates of another workflow's.` : '.'),
    '',
    '| source | requests |',
    '|---|---:|',
    ...REQUEST_SOURCES.map((s) => `| ${s} | ${fmt(requests.sources[s])}${share(requests.sources[s])} |`),
    '',
    '| length | characters |',
    '|---|---:|',
    `| median | ${fmt(l.median)} |`,
    `| p90 | ${fmt(l.p90)} |`,
    `| max | ${fmt(l.max)} |`,
    `| over ${REQUEST_LENGTHS.detailed} | ${percent(l.overDetailed)} |`,
    ...(Object.keys(REQUEST_LENGTHS) as RequestLength[]).map((c) => `| made as ${c} (≤ ${REQUEST_LENGTHS[c]}) | ${fmt(requests.lengthClasses[c])} requests |`),
    '',
    '### Left out of the texts, by rule',
    '',
    'Sentences (and title parts) read while making the requests of the accepted workflows that no request contains, by the rule that left them out.',
    '',
    '| rule | what | count |',
    '|---|---|---:|',
    ...stripped.map(([rule, n]) => `| ${rule} | ${cell(RULE_LABELS[rule] ?? rule)} | ${fmt(n)} |`),
    '',
    `### ${requests.samples.length} random pairs`,
    '',
    'One request of each of these workflows (seeded) beside what its target holds.',
    '',
    '| # | request | source | workflow | split |',
    '|---:|---|---|---|---|',
    ...requests.samples.map((p, i) => `| ${i + 1} | ${cell(p.request)} | ${p.source} | ${cell(p.workflow, 200)} (${cell(p.ref, 60)}) | ${p.split} |`),
    '',
  ];
}

export function renderSummary(report: DatasetReport): string {
  const rejected = Object.values(report.rejected).reduce((a, b) => a + (b ?? 0), 0);
  const saving = report.size.rawChars > 0 ? Math.round((1 - report.size.targetChars / report.size.rawChars) * 100) : 0;
  const lines = [
    `read ${fmt(report.counts.read)} workflow(s): ${fmt(report.counts.accepted)} accepted, ${fmt(rejected)} rejected`,
    `train ${fmt(report.counts.train)} / validation ${fmt(report.counts.validation)} example(s)${report.counts.augmented ? ` (${fmt(report.counts.augmented)} augmented phrasings)` : ''}`,
    `rejected: ${Object.entries(report.rejected).map(([k, v]) => `${k} ${fmt(v ?? 0)}`).join(', ') || 'none'}`,
    `requests (${report.requests.perWorkflow} per workflow at most): ${REQUEST_SOURCES.map((s) => `${fmt(report.requests.sources[s])} ${SOURCE_LABELS[s]}`).join(', ')}; median ${report.requests.length.median} characters, p90 ${report.requests.length.p90}, ${percent(report.requests.length.overDetailed)} over ${REQUEST_LENGTHS.detailed}`,
    `redactions: ${Object.entries(report.redactions).map(([k, v]) => `${k} ${fmt(v)}`).join(', ') || 'none'}`,
    ...(report.targetsCompleted > 0 ? [`targets completed: ${fmt(report.targetsCompleted)} workflow(s) had parameters stripped that the wiring needs (a Merge's inputs, a webhook's response mode), supplied by deterministic repair`] : []),
    `tokens per example (${report.model}${report.tokens.estimate ? `, estimated with ${report.tokens.encoding}: its tokenizer is not bundled` : ''}): mean ${fmt(report.tokens.target.mean)}, p90 ${fmt(report.tokens.target.p90)}, max ${fmt(report.tokens.target.max)}; limit ${fmt(report.tokens.limit)}, ${report.tokens.overLimit} over`,
    `targets are ${saving}% smaller than the workflows as read (${fmt(report.size.targetChars)} vs ${fmt(report.size.rawChars)} characters)`,
  ];
  if (report.modelRequests) lines.push(modelRequestsSummaryLine(report.modelRequests));
  for (const warning of report.modelWarnings) lines.push(`warning: ${warning}`);
  if (report.cost) {
    lines.push(
      `training cost estimate: ${report.cost.epochs} epoch(s) × ${fmt(report.counts.train)} examples = ${fmt(report.cost.billedTokens)} billed tokens${report.cost.usd === null ? ' (no price known for this model)' : ` ≈ $${report.cost.usd.toFixed(2)}`}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function renderReportMarkdown(report: DatasetReport): string {
  const table = (rows: Array<[string, string | number]>, head: [string, string]) =>
    [`| ${head[0]} | ${head[1]} |`, '|---|---:|', ...rows.map(([k, v]) => `| ${k} | ${typeof v === 'number' ? fmt(v) : v} |`)].join('\n');
  const t = report.tokens;
  return [
    '# flowtune dataset report',
    '',
    `Sources: ${report.sources.join(', ')} · target: ${report.target} · model: ${report.model} · seed ${report.seed} · validation split ${report.validationSplit} · system prompt ${report.systemPromptVersion}`,
    '',
    '```',
    renderSummary(report).trimEnd(),
    '```',
    '',
    ...renderRequestSection(report.requests),
    '## Stages',
    '',
    table(
      [
        ['read', report.counts.read],
        ...Object.entries(report.rejected).map(([k, v]): [string, number] => [`rejected: ${k}`, v ?? 0]),
        ['accepted', report.counts.accepted],
        ['train examples', report.counts.train],
        ['validation examples', report.counts.validation],
      ],
      ['stage', 'count'],
    ),
    '',
    ...(report.modelRequests ? [modelRequestsMarkdown(report.modelRequests)] : []),
    '## Validator codes of rejected workflows',
    '',
    table(Object.entries(report.invalidCodes), ['code', 'errors']),
    '',
    '## Redactions',
    '',
    table(Object.entries(report.redactions), ['kind', 'count']),
    '',
    '## Tokens',
    '',
    table(
      [
        ['examples', t.target.examples],
        ['total (target)', t.target.total],
        ['mean / p50 / p90 / max (target)', `${fmt(t.target.mean)} / ${fmt(t.target.p50)} / ${fmt(t.target.p90)} / ${fmt(t.target.max)}`],
        ['counted with', t.estimate ? `${t.encoding} (an estimate: ${report.model}'s tokenizer is not bundled)` : t.encoding],
        ['per-example limit', t.limit],
        ['over the limit (rejected)', t.overLimit],
      ],
      ['measure', 'tokens'],
    ),
    '',
    '## Trigger kinds (split strata)',
    '',
    table(Object.entries(report.triggerKinds).sort((a, b) => b[1] - a[1]), ['trigger', 'examples']),
    '',
    '## Most used node types',
    '',
    table(Object.entries(report.nodeTypes).slice(0, 30), ['node type', 'nodes']),
    '',
  ].join('\n');
}
