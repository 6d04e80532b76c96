/** Compact workflows a model might answer, and a small training file of them, for the generator's tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const GITHUB_TO_SLACK = {
  name: 'GitHub issues to Slack',
  nodes: [
    { name: 'GitHub Trigger', type: 'n8n-nodes-base.githubTrigger', parameters: { owner: 'acme', repository: 'app', events: ['issues'] }, credentials: ['githubApi'] },
    { name: 'Slack', type: 'n8n-nodes-base.slack', parameters: { select: 'channel', channelId: { __rl: true, mode: 'name', value: '#dev' }, text: '={{ $json.body.issue.title }}' }, credentials: ['slackApi'] },
  ],
  connections: { 'GitHub Trigger': { main: [['Slack']] } },
};

export const SCHEDULE_TO_HTTP = {
  name: 'Hourly ping',
  nodes: [
    { name: 'Schedule Trigger', type: 'n8n-nodes-base.scheduleTrigger', parameters: {} },
    { name: 'HTTP Request', type: 'n8n-nodes-base.httpRequest', parameters: { url: 'https://example.com/health' } },
  ],
  connections: { 'Schedule Trigger': { main: [['HTTP Request']] } },
};

/** One OpenAI chat JSONL line: the request and the workflow as the assistant's answer. */
export const chatLine = (request: string, workflow: unknown) =>
  JSON.stringify({ messages: [{ role: 'system', content: 's' }, { role: 'user', content: request }, { role: 'assistant', content: JSON.stringify(workflow) }] });

/** A train.jsonl of the two workflows above, in a fresh temp folder. */
export function trainingFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'flowtune-training-')), 'train.jsonl');
  writeFileSync(file, `${chatLine('Notify a Slack channel about new GitHub issues', GITHUB_TO_SLACK)}\n${chatLine('Call a health check URL every hour', SCHEDULE_TO_HTTP)}\n`);
  return file;
}
