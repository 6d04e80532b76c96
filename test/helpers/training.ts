/** Chat-format training examples (JSONL) as a fine-tuning service takes them. */
export function chatExamples(n: number, offset = 0): string {
  const lines: string[] = [];
  for (let i = offset; i < offset + n; i++) {
    lines.push(
      JSON.stringify({
        messages: [
          { role: 'system', content: 'You write n8n workflows as JSON.' },
          { role: 'user', content: `Create a workflow that handles webhook ${i}` },
          { role: 'assistant', content: JSON.stringify({ nodes: [{ name: 'Webhook', type: 'n8n-nodes-base.webhook' }], connections: {} }) },
        ],
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}
