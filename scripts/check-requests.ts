/**
 * Checks every request of a built dataset (`train.jsonl`, `validation.jsonl` in OpenAI chat
 * format): the request sentence rules and independent patterns for the known bad phrases
 * (dataset/requests/check.ts), an HTML entity, the broken "a workflow that is…" prefix; and
 * prints the figures the request report shows (count, median, p90, share over 300 characters).
 * Exit 1 when a request has a problem.
 *
 *   node dist/scripts/check-requests.js flowtune-dataset
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { requestProblems } from '../dataset/requests/check';

function main(dir: string): number {
  const lengths: number[] = [];
  const problems: string[] = [];
  let prefixed = 0;
  for (const file of ['train.jsonl', 'validation.jsonl']) {
    readFileSync(path.join(dir, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.trim() === '') return;
        const messages = JSON.parse(line).messages as Array<{ role: string; content: string }>;
        const request = messages.find((m) => m.role === 'user')!.content;
        lengths.push(request.length);
        if (request.startsWith('Create an n8n workflow that')) prefixed++;
        const found = requestProblems(request);
        if (found.length > 0) problems.push(`${file}:${i + 1} ${found.join(',')}: ${request}`);
      });
  }
  lengths.sort((a, b) => a - b);
  const at = (q: number) => lengths[Math.min(lengths.length - 1, Math.floor(q * lengths.length))];
  const over = lengths.filter((n) => n > 300).length;
  process.stdout.write(
    `${lengths.length} requests: median ${at(0.5)} characters, p90 ${at(0.9)}, ${((over / lengths.length) * 100).toFixed(1)}% over 300, ` +
      `${((prefixed / lengths.length) * 100).toFixed(1)}% start "Create an n8n workflow that"; ${problems.length} with a problem\n`,
  );
  for (const problem of problems) process.stdout.write(`${problem}\n`);
  return problems.length > 0 ? 1 : 0;
}

process.exitCode = main(process.argv[2] ?? 'flowtune-dataset');
