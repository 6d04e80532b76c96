/**
 * The one prompt that asks a model to write the requests a user would type for a workflow
 * (WorkflowLLM's query synthesis): the workflow — as compact JSON, or summarised when that
 * is over the token cap — its title and description, and the styles wanted. Pure.
 *
 * Changing anything a model reads here changes REQUESTS_PROMPT_VERSION: the version is part of
 * every cache key, so old answers are never served for a new prompt.
 */
import { forEachConnection } from '../../schemas/graph';
import { isObject } from '../../schemas/json-value';
import { countChatTokens, countTokens } from '../tokens';

export const REQUESTS_PROMPT_VERSION = 'flowtune-requests-v1';

/** How long a request of each style may be, in characters (the answer check enforces these). */
export const REQUEST_STYLES = {
  terse: { max: 160, ask: 'terse: one short line, as typed into a chat box' },
  typical: { max: 350, ask: 'typical: one or two sentences naming the trigger and the apps' },
  detailed: { max: 600, ask: 'detailed: the trigger, the steps and what comes out, in a short paragraph' },
} as const;
export type RequestStyle = keyof typeof REQUEST_STYLES;

/** No request is shorter than this (characters). */
export const MIN_REQUEST_CHARS = 12;

/** The workflow part of a prompt is kept under this many tokens (summarised, then cut). */
export const DEFAULT_MAX_WORKFLOW_TOKENS = 3000;
/** Characters of the description a prompt carries (the start says what the workflow does). */
export const MAX_DESCRIPTION_CHARS = 1500;
/** Characters of any one parameter value a summary shows. */
const MAX_SUMMARY_VALUE_CHARS = 80;

/** The styles of `count` requests: one → typical; two → terse and detailed; three and more cycle terse, typical, detailed. */
export function stylesFor(count: number): RequestStyle[] {
  if (count === 1) return ['typical'];
  if (count === 2) return ['terse', 'detailed'];
  const cycle: RequestStyle[] = ['terse', 'typical', 'detailed'];
  return Array.from({ length: count }, (_, i) => cycle[i % cycle.length]);
}

export interface PromptInput {
  /** The target workflow (compact form preferred; a full workflow is read the same way). */
  workflow: unknown;
  title?: string;
  description?: string;
}

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

export interface BuiltPrompt {
  messages: ChatMessage[];
  styles: RequestStyle[];
  /** The workflow part was summarised (over the cap as JSON). */
  summarised: boolean;
  /** Tokens of the messages (the model's tokenizer, or the fallback encoding). */
  promptTokens: number;
}

const SYSTEM = [
  'You write the requests that users of n8n type when they ask an assistant to build a workflow.',
  'You are shown one workflow (its nodes, parameters and connections) and, when known, its title and description.',
  'Write requests that a person who wants exactly this workflow would type, in their own voice: an ask ("Send me…", "When a form is submitted, …", "I need a workflow that…"), not a description of a template.',
  'Name the trigger and the apps the workflow uses, by their product names, never node type ids.',
  'Leave out marketing, audiences, authors, prerequisites, setup steps, prices and version notes.',
  'Never write placeholders such as <EMAIL_1> or <OPENAI_API_KEY_1>, keys, passwords, e-mail addresses or phone numbers.',
  'Do not copy sentences from the description.',
  'Write in the language of the title and description; English when there are none.',
  'Answer with one JSON object and nothing else: {"requests": ["…", "…"]}.',
].join('\n');

function nodesOf(workflow: unknown): Array<Record<string, unknown>> {
  return isObject(workflow) && Array.isArray(workflow.nodes) ? workflow.nodes.filter(isObject) : [];
}

/** The fields a model needs from a node (a full workflow's ids, positions and versions are noise here). */
function promptNode(node: Record<string, unknown>): Record<string, unknown> {
  const credentials = isObject(node.credentials) ? Object.keys(node.credentials) : node.credentials;
  return {
    name: node.name,
    type: node.type,
    ...(node.parameters !== undefined ? { parameters: node.parameters } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
  };
}

/** One line per scalar parameter value, shortened: what a summary keeps of a node. */
function parameterHints(parameters: unknown): string {
  if (!isObject(parameters)) return '';
  const hints: string[] = [];
  for (const [key, value] of Object.entries(parameters)) {
    if (typeof value === 'string' && value.trim() !== '') {
      const text = value.replace(/\s+/g, ' ').trim();
      hints.push(`${key}=${JSON.stringify(text.length > MAX_SUMMARY_VALUE_CHARS ? `${text.slice(0, MAX_SUMMARY_VALUE_CHARS)}…` : text)}`);
    } else if (typeof value === 'number' || typeof value === 'boolean') hints.push(`${key}=${value}`);
    else if (isObject(value) && typeof value.value === 'string' && value.value !== '') hints.push(`${key}=${JSON.stringify(value.value.slice(0, MAX_SUMMARY_VALUE_CHARS))}`); // resource locators
  }
  return hints.join(', ');
}

/** "A → B, C" per source node and connection type (compact names or full `{node}` entries). */
function connectionLines(workflow: unknown): string[] {
  if (!isObject(workflow)) return [];
  const lines: string[] = [];
  let line: { source: string; type: string; targets: Set<string> } | undefined;
  const flush = () => {
    if (line) lines.push(`${line.source} →${line.type === 'main' ? '' : ` (${line.type})`} ${[...line.targets].join(', ')}`);
  };
  forEachConnection(workflow.connections, (source, type, _output, _entry, target) => {
    if (line?.source !== source || line.type !== type) {
      flush();
      line = { source, type, targets: new Set() };
    }
    line.targets.add(typeof target === 'string' ? target : isObject(target) ? String(target.node) : '?');
  });
  flush();
  return lines;
}

/**
 * The workflow as the prompt shows it, under `maxTokens`: its JSON (nodes reduced to name, type,
 * parameters, credentials; connections), else a summary — one line per node with its scalar
 * parameters, the connections — else the summary without parameters, else cut at a node.
 */
export function workflowForPrompt(workflow: unknown, maxTokens: number, model: string): { text: string; summarised: boolean; tokens: number } {
  const nodes = nodesOf(workflow);
  const json = JSON.stringify({ nodes: nodes.map(promptNode), connections: isObject(workflow) ? (workflow.connections ?? {}) : {} });
  const jsonTokens = countTokens(json, model);
  if (jsonTokens <= maxTokens) return { text: json, summarised: false, tokens: jsonTokens };

  const connections = connectionLines(workflow);
  const summary = (withParameters: boolean, nodeCount: number) => {
    const lines = [`Nodes (${nodes.length}):`];
    for (const node of nodes.slice(0, nodeCount)) {
      const hints = withParameters ? parameterHints(node.parameters) : '';
      lines.push(`- ${String(node.name)} (${String(node.type)})${hints ? `: ${hints}` : ''}`);
    }
    if (nodeCount < nodes.length) lines.push(`- … and ${nodes.length - nodeCount} more nodes`);
    if (connections.length > 0) lines.push('Connections:', ...connections.map((c) => `- ${c}`));
    return lines.join('\n');
  };
  for (const withParameters of [true, false]) {
    const text = summary(withParameters, nodes.length);
    const tokens = countTokens(text, model);
    if (tokens <= maxTokens) return { text, summarised: true, tokens };
  }
  // Still over: the nodes in canonical order (triggers first) until the cap, no connections.
  const lines = [`Nodes (${nodes.length}):`];
  let tokens = countTokens(lines[0], model);
  for (const node of nodes) {
    const line = `- ${String(node.name)} (${String(node.type)})`;
    const cost = countTokens(line, model) + 1;
    if (tokens + cost > maxTokens) break;
    lines.push(line);
    tokens += cost;
  }
  if (lines.length - 1 < nodes.length) lines.push(`- … and ${nodes.length - (lines.length - 1)} more nodes`);
  const text = lines.join('\n');
  return { text, summarised: true, tokens: countTokens(text, model) };
}

export interface PromptOptions {
  /** How many requests to ask for. */
  count: number;
  /** The model the prompt is for (its tokenizer caps the workflow part). */
  model: string;
  maxWorkflowTokens?: number;
}

/** The messages asking for `count` requests for one workflow. */
export function buildRequestsPrompt(input: PromptInput, options: PromptOptions): BuiltPrompt {
  const styles = stylesFor(options.count);
  const workflow = workflowForPrompt(input.workflow, options.maxWorkflowTokens ?? DEFAULT_MAX_WORKFLOW_TOKENS, options.model);
  const description = input.description?.trim() ?? '';
  const head = [
    input.title?.trim() ? `Title: ${input.title.trim()}` : 'Title: (none)',
    description ? `Description:\n${description.length > MAX_DESCRIPTION_CHARS ? `${description.slice(0, MAX_DESCRIPTION_CHARS)}…` : description}` : 'Description: (none)',
    `Workflow${workflow.summarised ? ' (summarised)' : ''}:\n`,
  ].join('\n\n');
  const tail = [
    '',
    `Write ${styles.length} request${styles.length === 1 ? '' : 's'}, each different, in this order:`,
    ...styles.map((style, i) => `${i + 1}. ${REQUEST_STYLES[style].ask} (at most ${REQUEST_STYLES[style].max} characters)`),
    `Answer: {"requests": [${styles.length} strings]}`,
  ].join('\n\n');
  const messages: ChatMessage[] = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `${head}${workflow.text}${tail}` },
  ];
  // The workflow was counted once already; the pieces around it split at its edges ("\n", "{"), so the sum is the count.
  const promptTokens = countChatTokens([messages[0], { role: 'user', content: `${head}${tail}` }], options.model) + workflow.tokens;
  return { messages, styles, summarised: workflow.summarised, promptTokens };
}
