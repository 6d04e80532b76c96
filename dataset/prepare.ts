/**
 * Everything the build does to one record that does not depend on the other records:
 * decompress → parse → clean → validate → node and view filters → target → redact →
 * request → dedupe keys → tokens. Pure over plain data, so it runs the same in the main thread
 * or in a worker (see prepare-pool.ts); the order-dependent steps (duplicates, split)
 * stay in build.ts.
 */
import type { NodeCatalog } from '../schemas/catalog/catalog';
import { isObject, type JsonObject } from '../schemas/json-value';
import { checkJsonLimits, WORKFLOW_LIMITS } from '../schemas/limits';
import { unwrapWorkflow, validateWorkflow, type ValidationPolicy } from '../schemas/validator';
import { cleanWorkflow } from './clean';
import { compactWorkflow, hydrateWorkflow } from './compact';
import { completeTarget } from './complete';
import { sha1 } from '../util/hash';
import { requestSignature, structureKey } from './dedupe';
import { systemPrompt, type TargetFormat } from './prompt';
import { Redactor, redactText, redactWorkflowStrings } from './redact';
import type { RejectReason } from './report';
import { buildRequests, nodeSummary, type BuiltRequest } from './requests';
import { decompressWorkflowJson } from './sources/templates';
import { triggerKind } from './split';
import { countChatTokens } from './tokens';
import type { SourceRecord, Workflow } from './types';

/** The build settings a single record needs (plain data: they travel to workers). */
export interface PrepareSettings {
  target: TargetFormat;
  model: string;
  countTokens: boolean;
  minNodes: number;
  maxNodes: number;
  minViews: number;
  /** Requests made per workflow (of different length; see requests/). */
  requestsPerWorkflow: number;
  policy?: Partial<ValidationPolicy>;
}

/** One request of an example, with what the order-dependent steps need of it. */
export interface PreparedRequest extends BuiltRequest {
  /** MinHash signature (near duplicates). */
  signature: Uint32Array;
  /** Tokens of the chat example with this request (0 when not counted). */
  tokens: number;
}

export interface Rejected {
  ok: false;
  reason: RejectReason;
  detail?: string;
  /** Validator error codes, when the reason is `invalid`. */
  invalidCodes?: string[];
}

export interface Prepared {
  ok: true;
  /** Values the wiring implied that stripped parameters had left out, supplied by repair (0 for most). */
  completed: number;
  /** The target workflow as JSON text (what the assistant answers). */
  target: string;
  /** sha1 of the target (exact duplicates). */
  exactKey: string;
  /** Node types and typed edges (structural duplicates). */
  group: string;
  /** The workflow's requests, the primary one first (at least one). */
  requests: PreparedRequest[];
  /** What the request rules left out of the texts, by rule. */
  stripped: Record<string, number>;
  /** "7 nodes: Schedule Trigger, HTTP Request ×2, …" (the report's sample pairs). */
  summary: string;
  /** The record's name and description, redacted with the target's redactor (what a requests model may read). */
  title?: string;
  description?: string;
  redactions: Record<string, number>;
  stratum: string;
  nodeTypes: string[];
  /** Tokens of the largest chat example of the workflow (the limit applies to it; 0 when not counted). */
  tokens: number;
  rawChars: number;
}

export type PrepareResult = Prepared | Rejected;

/** The steps of {@link prepareExample}, in order: `npm run bench:dataset` times each one. */
export const PREPARE_STEPS = ['decompress', 'parse', 'clean', 'validate', 'compact', 'redact', 'encode', 'request', 'keys', 'tokens'] as const;
export type PrepareStep = (typeof PREPARE_STEPS)[number];
/** Milliseconds spent per step (these and the build's own), summed over calls. */
export type StepTimes = Record<string, number>;

/** Each call adds the time since the previous one (or since the clock started) to `step`. */
export function stepClock<Step extends string>(times: StepTimes): (step: Step) => void {
  let last = performance.now();
  return (step) => {
    const now = performance.now();
    times[step] = (times[step] ?? 0) + now - last;
    last = now;
  };
}

/** A JSON Pointer as far as a report line shows it (one past a depth limit is hundreds of characters). */
const clip = (pointer: string) => (pointer.length > 60 ? `${pointer.slice(0, 60)}…` : pointer);

const reject = (reason: RejectReason, detail?: string, invalidCodes?: string[]): Rejected => ({
  ok: false,
  reason,
  ...(detail !== undefined ? { detail } : {}),
  ...(invalidCodes ? { invalidCodes } : {}),
});

/** Marks the end of a step (see {@link stepClock}); absent when the steps are not timed. */
type StepDone = ((step: PrepareStep) => void) | undefined;

/** Provenance is not needed here (records reach workers without it). `times`, when given, receives the time of each step. */
export function prepareExample(record: Omit<SourceRecord, 'provenance'>, settings: PrepareSettings, catalog: NodeCatalog, times?: StepTimes): PrepareResult {
  const done = times ? stepClock<PrepareStep>(times) : undefined;
  const read = readWorkflow(record, done);
  if (!read.ok) return read;
  const checked = cleanAndCheck(read.workflow, record, settings, catalog, done);
  if (!checked.ok) return checked;
  const { workflow } = checked;
  const target = redactedTarget(workflow, settings, catalog, done);
  if (!target.ok) return target;
  const { redactor } = target;
  const name = record.name === undefined ? undefined : redactText(record.name, redactor);
  const description = record.description === undefined ? undefined : redactText(record.description, redactor);
  const built = buildRequests(
    {
      ...(name !== undefined ? { name } : workflow.name ? { name: redactText(workflow.name, redactor) } : {}),
      ...(description !== undefined ? { description } : {}),
      stickyNotes: () => checked.stickyNotes.map((t) => redactText(t, redactor)),
      workflow,
    },
    catalog,
    settings.requestsPerWorkflow,
  );
  done?.('request');
  const exactKey = sha1(target.text);
  const group = structureKey(workflow);
  const stratum = triggerKind(workflow, catalog);
  const summary = nodeSummary(workflow, catalog);
  done?.('keys');
  const requests = withTokens(built.requests, target.text, settings);
  done?.('tokens');

  return {
    ok: true,
    completed: target.completed,
    target: target.text,
    exactKey,
    group,
    requests,
    stripped: built.stripped,
    summary,
    ...(name !== undefined ? { title: name } : {}),
    ...(description !== undefined ? { description } : {}),
    redactions: redactor.counts,
    stratum,
    nodeTypes: target.nodeTypes,
    tokens: Math.max(...requests.map((r) => r.tokens)),
    // Token-counting the raw export too would double the tokenizer's work: compare sizes in characters.
    rawChars: read.rawSize ?? JSON.stringify(read.workflow).length,
  };
}

/**
 * The record's workflow object: decompressed and parsed when it came as text, unwrapped from an export's
 * envelope, within the JSON limits. `rawSize`: characters as read, when known.
 */
function readWorkflow(record: Omit<SourceRecord, 'provenance'>, done: StepDone): { ok: true; workflow: JsonObject; rawSize: number | undefined } | Rejected {
  if (record.error !== undefined) return reject('unreadable', record.error);
  let value = record.workflow;
  let rawSize = record.rawSize;
  if (value === undefined && (record.text !== undefined || record.gzipBase64 !== undefined)) {
    let text: string;
    try {
      text = record.text ?? decompressWorkflowJson(record.gzipBase64!);
    } catch (error) {
      return reject('unreadable', `stored workflow does not decompress: ${error instanceof Error ? error.message : String(error)}`);
    }
    rawSize ??= text.length;
    done?.('decompress');
    if (text.length > WORKFLOW_LIMITS.maxTextLength) return reject('too_large', `${text.length} characters of JSON, more than the limit of ${WORKFLOW_LIMITS.maxTextLength}`);
    try {
      value = JSON.parse(text);
    } catch {
      return reject('unreadable', 'stored workflow JSON does not parse');
    }
    done?.('parse');
  }
  if (value === undefined) return reject('unreadable');
  const { workflow: unwrapped } = unwrapWorkflow(value);
  if (!isObject(unwrapped) || !Array.isArray(unwrapped.nodes)) return reject('wrong_shape', 'no "nodes" list');
  // Before clean, compact and redact walk it recursively: a hostile depth or size is a rejection, not a stack overflow.
  const violation = checkJsonLimits(unwrapped);
  if (violation) return reject('too_large', `${violation.message}${violation.path ? ` at ${clip(violation.path)}` : ''}`);
  return { ok: true, workflow: unwrapped, rawSize };
}

/** The cleaned workflow (and its removed sticky notes), if it is valid and passes the node-count and views filters. */
function cleanAndCheck(
  unwrapped: JsonObject,
  record: Pick<SourceRecord, 'name' | 'views'>,
  settings: PrepareSettings,
  catalog: NodeCatalog,
  done: StepDone,
): { ok: true; workflow: Workflow; stickyNotes: string[] } | Rejected {
  const cleaned = cleanWorkflow(unwrapped, record.name);
  const workflow = cleaned.workflow as Workflow;
  done?.('clean');
  const validation = validateWorkflow(workflow, { catalog, policy: settings.policy });
  if (!validation.valid) {
    const codes = validation.errors.map((e) => e.code);
    return reject('invalid', [...new Set(codes)].join(', '), codes);
  }
  const nodeCount = workflow.nodes.length;
  if (nodeCount < settings.minNodes) return reject('too_few_nodes', `${nodeCount} node(s)`);
  if (nodeCount > settings.maxNodes) return reject('too_many_nodes', `${nodeCount} nodes`);
  if (record.views !== undefined && record.views < settings.minViews) return reject('below_min_views', `${record.views} views`);
  done?.('validate');
  return { ok: true, workflow, stickyNotes: cleaned.stickyNotes };
}

/**
 * The target as JSON text: compacted (values the wiring needs completed), hydrated for the full format, redacted.
 * The redactor comes back for the request texts.
 */
function redactedTarget(
  workflow: Workflow,
  settings: PrepareSettings,
  catalog: NodeCatalog,
  done: StepDone,
): { ok: true; text: string; completed: number; nodeTypes: string[]; redactor: Redactor } | Rejected {
  // Redact what reaches an output — the target, then the texts a request is made of — and
  // nothing else: ids, positions, notes, defaults and rejected workflows never leave this
  // module, and redaction is the costliest step per character. One redactor, so the same
  // value gets the same placeholder in the request and in the workflow.
  const completion = completeTarget(workflow, compactWorkflow(workflow, { catalog }), catalog, settings.policy);
  if (!completion.ok) return reject('invalid', completion.detail, completion.codes);
  const compact = completion.compact;
  const shaped = settings.target === 'compact' ? compact : hydrateWorkflow(compact, { catalog });
  done?.('compact');
  const redactor = new Redactor();
  const redacted = redactWorkflowStrings(shaped, { catalog, redactor });
  if (redacted.error !== undefined) return reject('unreadable', `redaction failed: ${redacted.error}`);
  done?.('redact');
  const text = JSON.stringify(redacted.workflow);
  done?.('encode');
  const nodeTypes = (redacted.workflow as { nodes: Array<{ type: string }> }).nodes.map((n) => n.type);
  return { ok: true, text, completed: completion.completed, nodeTypes, redactor };
}

/** Each request with its MinHash signature and the tokens of the chat example it makes with `target`. */
function withTokens(requests: BuiltRequest[], target: string, settings: PrepareSettings): PreparedRequest[] {
  // Chat tokens add up per message: the example without its request is counted once, each request on its own.
  const userTokens = (content: string) => countChatTokens([{ role: 'user', content }], settings.model);
  const withoutRequest = settings.countTokens
    ? countChatTokens(
        [
          { role: 'system', content: systemPrompt(settings.target) },
          { role: 'user', content: '' },
          { role: 'assistant', content: target },
        ],
        settings.model,
      ) - userTokens('')
    : 0;
  return requests.map((r) => ({
    ...r,
    signature: requestSignature(r.text),
    tokens: settings.countTokens ? withoutRequest + userTokens(r.text) : 0,
  }));
}
