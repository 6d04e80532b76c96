/** The build report: counts per stage and reason, redactions, tokens, cost, node types. */
import type { ModelRequestsStats } from './model-requests';
import { modelRequestsMarkdown, modelRequestsSummaryLine } from './model-requests/report';
import type { RedactionCounts } from './redact';

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
  requests: { description: number; stickyNote: number; synthetic: number };
  redactions: RedactionCounts;
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

export function renderSummary(report: DatasetReport): string {
  const rejected = Object.values(report.rejected).reduce((a, b) => a + (b ?? 0), 0);
  const saving = report.size.rawChars > 0 ? Math.round((1 - report.size.targetChars / report.size.rawChars) * 100) : 0;
  const lines = [
    `read ${fmt(report.counts.read)} workflow(s): ${fmt(report.counts.accepted)} accepted, ${fmt(rejected)} rejected`,
    `train ${fmt(report.counts.train)} / validation ${fmt(report.counts.validation)} example(s)${report.counts.augmented ? ` (${fmt(report.counts.augmented)} augmented phrasings)` : ''}`,
    `rejected: ${Object.entries(report.rejected).map(([k, v]) => `${k} ${fmt(v ?? 0)}`).join(', ') || 'none'}`,
    `requests: ${fmt(report.requests.description)} from descriptions, ${fmt(report.requests.stickyNote)} from sticky notes, ${fmt(report.requests.synthetic)} synthetic`,
    `redactions: ${Object.entries(report.redactions).map(([k, v]) => `${k} ${fmt(v)}`).join(', ') || 'none'}`,
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
