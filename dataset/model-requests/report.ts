/** How the build report shows the requests model's stage (report.ts calls these when a model wrote requests). */
import type { ModelRequestsStats } from '.';

const fmt = (n: number) => n.toLocaleString('en-US');
const usd = (value: number | null) => (value === null ? 'price unknown' : `$${value.toFixed(value < 1 ? 4 : 2)}`);

/** One line of the build summary. */
export function modelRequestsSummaryLine(stats: ModelRequestsStats): string {
  const reasons = Object.entries(stats.fallbackReasons).map(([reason, n]) => `${reason} ${fmt(n ?? 0)}`);
  return (
    `model requests (${stats.model}): ${fmt(stats.fromModel)} of ${fmt(stats.items)} example(s) from the model, ` +
    `${fmt(stats.fellBack)} fell back to rule-based requests${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}; ` +
    `${fmt(stats.calls)} call(s), ${fmt(stats.cached)} cached, ${fmt(stats.retries)} retried; ` +
    `${fmt(stats.promptTokens)} prompt + ${fmt(stats.completionTokens)} answer tokens, ${usd(stats.usd)}`
  );
}

/** The REPORT.md section. */
export function modelRequestsMarkdown(stats: ModelRequestsStats): string {
  const rows: Array<[string, string]> = [
    ['model', `${stats.model} at ${stats.baseURL}`],
    ['prompt', `${stats.promptVersion}, ${stats.count} request(s) per workflow${stats.jsonMode ? ', JSON mode' : ', without JSON mode (refused by the server)'}`],
    ['examples', fmt(stats.items)],
    ['requests from the model', fmt(stats.fromModel)],
    ['fell back to rule-based requests', fmt(stats.fellBack)],
    ...Object.entries(stats.fallbackReasons).map(([reason, n]): [string, string] => [`fallback: ${reason}`, fmt(n ?? 0)]),
    ['calls / cached / retries', `${fmt(stats.calls)} / ${fmt(stats.cached)} / ${fmt(stats.retries)}`],
    ['workflows summarised to fit the prompt', fmt(stats.summarised)],
    ['tokens (prompt / answer)', `${fmt(stats.promptTokens)} / ${fmt(stats.completionTokens)}`],
    ['cost (estimated before / of the tokens used)', `${usd(stats.estimatedUsd)} / ${usd(stats.usd)}`],
  ];
  const failures = stats.failures.map((f) => `- example ${f.key}: ${f.reason} — ${f.message}`);
  return [
    '## Model-written requests',
    '',
    '| measure | value |',
    '|---|---:|',
    ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`),
    ...(failures.length > 0 ? ['', 'First fallbacks:', '', ...failures] : []),
    '',
  ].join('\n');
}
