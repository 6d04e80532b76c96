/**
 * The user side of a training pair. Template descriptions are marketing-ish markdown
 * with setup steps and credential instructions; the request is their first
 * meaningful paragraph, phrased as an ask. Without a description, a synthetic
 * request is built from the name and the nodes (and marked so in the report).
 */
import type { NodeCatalog } from '../schemas/catalog/catalog';
import type { Workflow } from './types';

export const MAX_REQUEST_LENGTH = 600;
const MIN_PARAGRAPH_LENGTH = 40;

export interface BuiltRequest {
  text: string;
  synthetic: boolean;
}

/** Markdown and HTML → plain text (links keep their text, images and code go). */
export function stripMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/```[\s\S]*?```/g, '\n')
    // HTML tags only: redaction placeholders such as <EMAIL_1> are text.
    .replace(/<\/?[a-zA-Z][a-zA-Z0-9-]*(\s[^>]*)?\/?>/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/https?:\/\/\S+/g, '')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/^[ \t]{0,3}#{1,6}[ \t]*/gm, '')
    .replace(/(\*\*|__)(.*?)\1/g, '$2')
    .replace(/(^|\s)[*_]([^*_\n]+)[*_](?=\s|$|[.,;:!?])/g, '$1$2')
    .replace(/\*{1,3}/g, '')
    .replace(/^[ \t]*>[ \t]?/gm, '')
    .replace(/^[ \t]*([-*+•]|\d+[.)])[ \t]+/gm, '')
    .replace(/[ \t]+/g, ' ');
}

/** Paragraphs about setting things up, credentials or the author: not what the workflow does. */
const OFF_TOPIC = /\b(set ?up|setup|install|credential|api key|api token|sign up|log ?in|requirement|prerequisite|configure|configuration|you(?:'|’)ll need|you need|replace (?:the|your)|hello|hi there|i(?:'|’)m |my name|contact me|youtube|subscribe|need help|support)\b/i;
/** Lines that are section titles ("What this workflow does:", "🧩 Use case"). */
const HEADING = /^[^\p{L}\p{N}]*[\p{L}\p{N}][^.!?]{0,60}:?\s*$/u;

/** The request comes from the start of a description: long ones are not read to the end. */
const MAX_DESCRIPTION_READ = 6000;

const LETTER = /\p{L}/gu;

/** Does `text` hold at least `n` letters (any script)? Stops counting at `n`. */
function hasLetters(text: string, n: number): boolean {
  LETTER.lastIndex = 0;
  for (let found = 0; LETTER.exec(text) !== null; ) if (++found >= n) return true;
  return false;
}

function meaningful(paragraph: string): string | undefined {
  const text = paragraph
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !(HEADING.test(l) && l.length < 60 && !/[.!?]$/.test(l)))
    .join(' ')
    .trim();
  // Long enough, words rather than a row of emoji, dashes or numbers, and not about setup.
  if (text.length < MIN_PARAGRAPH_LENGTH || !hasLetters(text, MIN_PARAGRAPH_LENGTH / 2)) return undefined;
  return OFF_TOPIC.test(text) ? undefined : text;
}

/** Paragraph by paragraph, stopping at the first meaningful one: most descriptions are read only in part. */
function firstMeaningfulParagraph(description: string): string | undefined {
  const text = description.slice(0, MAX_DESCRIPTION_READ).replace(/\r\n?/g, '\n').replace(/```[\s\S]*?```/g, '\n');
  for (const raw of text.split(/\n[ \t]*\n/)) {
    for (const paragraph of stripMarkdown(raw).split(/\n[ \t]*\n/)) {
      const found = meaningful(paragraph);
      if (found) return found;
    }
  }
  return undefined;
}

/** Cut at a sentence end before `max` characters when there is one. */
export function capLength(text: string, max = MAX_REQUEST_LENGTH): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('! '), cut.lastIndexOf('? '));
  return end > max / 2 ? cut.slice(0, end + 1) : `${cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : max).trimEnd()}…`;
}

/** "This workflow sends…" → "Create an n8n workflow that sends…": requests ask, descriptions tell. */
function phraseAsRequest(paragraph: string): string {
  const stripped = paragraph.replace(/^[^\p{L}\p{N}]+/u, '');
  const match = /^(?:this|the|an?)\s+(?:automated\s+|simple\s+|powerful\s+)?(?:n8n\s+)?(?:workflow|template|automation|flow)\s+(?:that\s+|which\s+)?(.*)$/i.exec(stripped);
  if (match && match[1]) return `Create an n8n workflow that ${match[1]}`;
  return stripped;
}

export function requestFromDescription(description: string | undefined, name: string | undefined): BuiltRequest | undefined {
  if (!description) return undefined;
  const paragraph = firstMeaningfulParagraph(description);
  if (!paragraph) return undefined;
  let text = phraseAsRequest(paragraph).trim();
  if (text === '') return undefined;
  if (text.length < 80 && name && !text.toLowerCase().includes(name.toLowerCase())) text = `${name}: ${text}`;
  return { text: capLength(text), synthetic: false };
}

/** "Slack digest of GitHub issues. Start with a Schedule Trigger, then use GitHub, Code and Slack." */
export function syntheticRequest(workflow: Workflow, catalog: NodeCatalog): BuiltRequest {
  const names: string[] = [];
  let trigger: string | undefined;
  for (const node of workflow.nodes) {
    const info = catalog.get(node.type);
    const label = info?.entry.displayName ?? node.type.slice(node.type.lastIndexOf('.') + 1);
    if (info?.entry.trigger && !trigger) trigger = label;
    else if (!names.includes(label)) names.push(label);
  }
  const title = workflow.name && workflow.name !== 'Untitled workflow' ? `${workflow.name.trim().replace(/[.!?]*$/, '')}. ` : '';
  const steps = names.slice(0, 8);
  const uses = steps.length > 0 ? `use ${steps.length > 1 ? `${steps.slice(0, -1).join(', ')} and ${steps.at(-1)}` : steps[0]}` : '';
  const start = trigger ? `Start with a ${trigger}${uses ? `, then ${uses}` : ''}.` : uses ? `${uses[0].toUpperCase()}${uses.slice(1)}.` : '';
  return { text: capLength(`Create an n8n workflow: ${title}${start}`.trim()), synthetic: true };
}

/** Seeded alternative phrasings (augmentation); variants always travel with their original. */
const PHRASINGS = [
  (r: string) => r,
  (r: string) => `I need an n8n automation for this: ${r}`,
  (r: string) => `Build me an n8n workflow. ${r}`,
  (r: string) => `Can you set up n8n to do the following? ${r}`,
  (r: string) => `Workflow request: ${r}`,
];

export function requestVariants(request: string, count: number, pick: (n: number) => number): string[] {
  const variants: string[] = [];
  const used = new Set<number>([0]);
  while (variants.length < count && used.size < PHRASINGS.length) {
    const i = pick(PHRASINGS.length);
    if (used.has(i)) continue;
    used.add(i);
    variants.push(PHRASINGS[i](request));
  }
  return variants;
}
