/**
 * The user side of a training pair: up to N requests per workflow, of different length,
 * made from what the data has. The title is the terse ask (title.ts); the description's
 * sentences that say what the workflow does, phrased as an ask (phrasing.ts), are the
 * typical and the detailed one, with audience, author, prerequisite, setup, advert,
 * version-note, assistant-leftover and marketing sentences left out by rule (sentences.ts)
 * and counted. Sticky notes stand in for a missing description; a node summary only when
 * nothing else says anything. Pure over plain data.
 */
import type { NodeCatalog } from '../schemas/catalog/catalog';
import { isStickyNote } from '../schemas/graph';
import { shingles } from './dedupe';
import type { Workflow } from './types';
import { classifySentence, describedSentences, sectionRule } from './requests/sentences';
import { DANGLING, inDescriptionVoice, phraseFollowing, phraseHead } from './requests/phrasing';
import { proseCasing, titleRequest } from './requests/title';
import { baseOfThirdPerson, isBaseVerb } from './requests/verbs';

/**
 * Where a request comes from. `model` is a request written by a language model from the
 * workflow, title and description (not built yet: the record and the report have its place).
 */
export const REQUEST_SOURCES = ['title', 'description', 'model', 'stickyNote', 'synthetic'] as const;
export type RequestSource = (typeof REQUEST_SOURCES)[number];

/** The length classes, longest characters each: title-like, a sentence, a short paragraph. */
export const REQUEST_LENGTHS = { terse: 80, typical: 160, detailed: 300 } as const;
export type RequestLength = keyof typeof REQUEST_LENGTHS;

/** The most requests one workflow yields (one per length class). */
export const MAX_REQUESTS_PER_WORKFLOW = 3;

export interface BuiltRequest {
  text: string;
  source: RequestSource;
  length: RequestLength;
}

/** What a workflow's requests are made from (name and texts already redacted). */
export interface RequestInput {
  name?: string;
  description?: string;
  /** The sticky notes' texts, asked for only when the description makes no request (redacting them costs). */
  stickyNotes: () => string[];
  workflow: Workflow;
}

export interface RequestSet {
  /** Different requests for the same workflow, the first one the primary (duplicate checks, augmentation). */
  requests: BuiltRequest[];
  /** Sentences and title parts left out, by rule (`audience`, `setup`, …, `unphrased`, `title:emoji`, …). */
  stripped: Record<string, number>;
}

/** Sentences read past the first ask before the detailed request gives up. */
const FOLLOWING_SENTENCES = 12;
/** Sentences read looking for the first ask. */
const HEAD_SENTENCES = 60;
/** A detailed request must say this much more than the typical one. */
const DETAILED_GAIN = 40;

const count = (stripped: Record<string, number>, key: string) => {
  stripped[key] = (stripped[key] ?? 0) + 1;
};


/**
 * `text` within `max` characters, still a sentence: parentheses dropped first, then cut at
 * a clause boundary; undefined when no clean cut leaves at least 40 characters.
 */
export function shorten(text: string, max: number, end = '.'): string | undefined {
  if (text.length <= max) return text;
  const bare = text.replace(/\s*\([^()]*\)/g, '').replace(/\s+([,.;:])/g, '$1');
  if (bare.length <= max) return bare;
  // Clause boundaries, not the commas of a list of adjectives ("an intelligent, always-on agent").
  const boundary = /,\s(?=(?:and|then|which|while|so|using|with|where|before|after|including|allowing|enabling|making|ensuring|helping|giving|saving|from|via|based|powered|turning|creating|sending|so that)\b)|;\s|\s[–—-]\s|:\s|\s(?:while|so that|before|after|then|using|via)\s|\s(?:and|or)\s(?=([\p{L}-]+))/gu;
  let cut = -1;
  for (let m = boundary.exec(bare); m !== null && m.index < max; m = boundary.exec(bare)) {
    // "…over HTTP and answer the caller": "and" ends a clause only before a verb, not inside "Gmail and Slack".
    const verbAfter = m[1] === undefined || isBaseVerb(m[1]) || baseOfThirdPerson(m[1]) !== undefined;
    if (m.index >= 40 && verbAfter) cut = m.index;
  }
  if (cut < 0) return undefined;
  let kept = bare.slice(0, cut).replace(DANGLING, '');
  // "…analyzes my images, identifies key features" lost its "and" with the cut tail.
  const lastItem = /,\s([\p{L}-]+)[^,]*$/u.exec(kept)?.[1];
  if (lastItem && !/\band\b/.test(kept) && (isBaseVerb(lastItem) || baseOfThirdPerson(lastItem))) kept = kept.replace(/,\s(?=[^,]*$)/, ' and ');
  return kept.length >= 40 ? `${kept}${end}` : undefined;
}

interface TextRequests {
  typical?: string;
  detailed?: string;
}

/** The typical and detailed requests a description (or sticky notes) makes. */
function requestsFromText(text: string, stripped: Record<string, number>, casing: Map<string, boolean>): TextRequests {
  let head: string | undefined;
  const following: string[] = [];
  let read = 0;
  let afterHead = 0;
  for (const sentence of describedSentences(text)) {
    if (head === undefined && ++read > HEAD_SENTENCES) break;
    if (head !== undefined && ++afterHead > FOLLOWING_SENTENCES) break;
    if (sentence.section !== 'intro' && sentence.section !== 'does') {
      const rule = sectionRule(sentence.section);
      if (rule) count(stripped, rule);
      continue;
    }
    // Letters, not a row of emoji, dashes or numbers; a heading-sized fragment is not an ask.
    if ((sentence.text.match(/\p{L}/gu)?.length ?? 0) < 15) continue;
    const rule = classifySentence(sentence.text);
    if (rule) {
      count(stripped, rule);
      continue;
    }
    if (head === undefined) {
      const phrased = phraseHead(sentence.text, casing);
      // The rules judge the ask too: phrased, "Runs the workflow weekly" reads "Run the workflow weekly".
      const asked = phrased === undefined ? undefined : classifySentence(inDescriptionVoice(phrased));
      if (phrased === undefined) count(stripped, 'unphrased');
      else if (asked) count(stripped, asked);
      else head = phrased;
      continue;
    }
    const next = phraseFollowing(sentence.text);
    const asked = next === undefined ? undefined : classifySentence(inDescriptionVoice(next));
    if (next === undefined || asked) {
      count(stripped, asked ?? 'unphrased');
      continue;
    }
    if ([head, ...following, next].join(' ').length > REQUEST_LENGTHS.detailed) break;
    following.push(next);
  }
  if (head === undefined) return {};
  const typical = shorten(head, REQUEST_LENGTHS.typical);
  const long = shorten(head, REQUEST_LENGTHS.detailed);
  const detailed = long === undefined ? undefined : [long, ...following].join(' ');
  return {
    ...(typical !== undefined ? { typical } : {}),
    ...(detailed !== undefined && detailed.length <= REQUEST_LENGTHS.detailed && detailed.length >= (typical?.length ?? 0) + DETAILED_GAIN ? { detailed } : {}),
  };
}

/** Same words (≥ 80% of the word triples shared), ignoring case and punctuation: one of them is enough. */
function sameAsk(a: string, b: string): boolean {
  const x = shingles(a);
  const y = shingles(b);
  let shared = 0;
  for (const s of x) if (y.has(s)) shared++;
  return shared / (x.size + y.size - shared) >= 0.8;
}

/** A title within the terse length: its parentheses, then the tail of its tool list go first. */
function terseTitle(text: string): string | undefined {
  return shorten(text, REQUEST_LENGTHS.terse, '');
}

/**
 * Up to `count` requests for one workflow, in the order typical, terse, detailed (the first
 * one is the primary), without two that ask the same in the same words.
 */
export function buildRequests(input: RequestInput, catalog: NodeCatalog, count = MAX_REQUESTS_PER_WORKFLOW): RequestSet {
  const stripped: Record<string, number> = {};
  // Which words are names is read from the description once, for the title and the sentences alike.
  const casing = proseCasing(input.description);
  const title = titleRequest(input.name, casing);
  for (const rule of title?.rules ?? []) stripped[`title:${rule}`] = (stripped[`title:${rule}`] ?? 0) + 1;
  let source: RequestSource = 'description';
  let fromText = input.description ? requestsFromText(input.description, stripped, casing) : {};
  if (fromText.typical === undefined && fromText.detailed === undefined) {
    const notes = input.stickyNotes();
    if (notes.length > 0) {
      source = 'stickyNote';
      fromText = requestsFromText(notes.join('\n\n'), stripped, casing);
    }
  }
  const terse = title ? (terseTitle(title.text) ?? title.text) : undefined;
  const candidates: BuiltRequest[] = [];
  if (fromText.typical) candidates.push({ text: fromText.typical, source, length: 'typical' });
  // Without a typical one, the detailed request leads: the description says more than the title.
  else if (fromText.detailed) candidates.push({ text: fromText.detailed, source, length: 'detailed' });
  if (terse) candidates.push({ text: terse, source: 'title', length: terse.length <= REQUEST_LENGTHS.terse ? 'terse' : 'typical' });
  if (fromText.typical && fromText.detailed) candidates.push({ text: fromText.detailed, source, length: 'detailed' });
  const requests: BuiltRequest[] = [];
  for (const candidate of candidates) {
    if (requests.length >= count) break;
    if (requests.some((r) => sameAsk(r.text, candidate.text))) continue;
    requests.push(candidate);
  }
  if (requests.length === 0) requests.push(syntheticRequest(input.workflow, catalog, input.name));
  return { requests, stripped };
}

/** Node labels (display names), triggers first, each once, with how many nodes carry it. */
function nodeLabels(workflow: Pick<Workflow, 'nodes'>, catalog: NodeCatalog): Array<{ label: string; trigger: boolean; count: number }> {
  const labels = new Map<string, { label: string; trigger: boolean; count: number }>();
  for (const node of workflow.nodes) {
    if (isStickyNote(node)) continue;
    const info = catalog.get(node.type);
    const label = info?.entry.displayName ?? node.type.slice(node.type.lastIndexOf('.') + 1);
    const seen = labels.get(label);
    if (seen) seen.count++;
    else labels.set(label, { label, trigger: info?.entry.trigger === true, count: 1 });
  }
  return [...labels.values()].sort((a, b) => Number(b.trigger) - Number(a.trigger));
}

/** "7 nodes: Schedule Trigger, HTTP Request ×2, Code, Slack" — what the report and `dataset sample` show of a target. */
export function nodeSummary(workflow: Pick<Workflow, 'nodes'>, catalog: NodeCatalog): string {
  const nodes = workflow.nodes.filter((n) => !isStickyNote(n)).length;
  const labels = nodeLabels(workflow, catalog).map((l) => (l.count > 1 ? `${l.label} ×${l.count}` : l.label));
  return `${nodes} node${nodes === 1 ? '' : 's'}: ${labels.join(', ')}`;
}

/** "Start with a Schedule Trigger, then use GitHub, Code and Slack." — only when neither title, description nor notes say anything. */
export function syntheticRequest(workflow: Workflow, catalog: NodeCatalog, name?: string): BuiltRequest {
  const labels = nodeLabels(workflow, catalog);
  const trigger = labels.find((l) => l.trigger)?.label;
  const steps = labels.filter((l) => l.label !== trigger).map((l) => l.label).slice(0, 8);
  const cleanName = name?.trim().replace(/[.!?]*$/, '');
  const title = cleanName && !/^(untitled|my)?\s*workflow(\s*\d+)?$/i.test(cleanName) ? `${cleanName}. ` : '';
  const uses = steps.length > 0 ? `use ${steps.length > 1 ? `${steps.slice(0, -1).join(', ')} and ${steps.at(-1)}` : steps[0]}` : '';
  const start = trigger ? `Start with a ${trigger}${uses ? `, then ${uses}` : ''}.` : uses ? `${uses[0].toUpperCase()}${uses.slice(1)}.` : '';
  const text = `Create an n8n workflow: ${title}${start}`.trim();
  return { text, source: 'synthetic', length: text.length <= REQUEST_LENGTHS.terse ? 'terse' : text.length <= REQUEST_LENGTHS.typical ? 'typical' : 'detailed' };
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
