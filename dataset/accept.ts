/**
 * The order-dependent acceptance of prepared examples, shared by `flowtune dataset build` and the Fine-Tune
 * node's Build Training Data: exact duplicates, structural duplicates (at most `maxPerStructure` examples per
 * node types + typed edges), near-duplicate requests, the per-example token limit — and the counts of what
 * was accepted and rejected. Each call decides one example against those accepted before it, so the order of
 * the calls is the order of the dataset.
 */
import { NearDuplicateIndex } from './dedupe';
import type { Prepared, PreparedRequest, PrepareResult } from './prepare';
import { addCounts, type RedactionCounts } from './redact';
import type { RejectReason } from './report';
import { REQUEST_SOURCES, type RequestSource } from './requests';

export interface AcceptSettings {
  /** How many examples may share one structure (node types + typed edges). */
  maxPerStructure: number;
  /** Jaccard similarity of requests above which a later one is a near duplicate. */
  nearDuplicateThreshold: number;
  /** Tokens of the largest chat example of a workflow above which it is rejected. */
  tokenLimit: number;
  /** Off: no duplicate checks (the node's Remove Duplicates); the token limit still applies. */
  dedupe?: boolean;
}

/** The reasons `prepareExample` rejects for; the others are decided here. */
export type PrepareRejectReason = Exclude<RejectReason, 'exact_duplicate' | 'structural_duplicate' | 'near_duplicate_request' | 'too_many_tokens'>;

/**
 * Why an example was not accepted, as data: the caller words it (the CLI's report names examples, the node
 * names input items). `Owner` is what the caller passed with the earlier example that this one repeats.
 */
export type Rejection<Owner> =
  | { reason: PrepareRejectReason; detail?: string }
  | { reason: 'exact_duplicate'; sameAs: Owner }
  | { reason: 'structural_duplicate'; sharing: number }
  | { reason: 'near_duplicate_request'; nearOwner: Owner }
  | { reason: 'too_many_tokens'; tokens: number; limit: number };

export type Verdict<Owner> =
  /** `requests`: the example's requests without those near another workflow's (the primary one is always kept). */
  | { accepted: true; example: Prepared; requests: PreparedRequest[] }
  | { accepted: false; rejection: Rejection<Owner> };

/** What was accepted and rejected so far; the build report and the node's report read these. */
export interface AcceptCounts {
  accepted: number;
  rejected: Partial<Record<RejectReason, number>>;
  /** Validator error codes of the examples rejected as invalid. */
  invalidCodes: Record<string, number>;
  /** Examples rejected for the token limit. */
  overLimit: number;
  /** Accepted requests by source. */
  requestSources: Record<RequestSource, number>;
  /** Further requests left out as near duplicates of another workflow's. */
  nearDuplicatesLeftOut: number;
  /** Over the accepted examples: what the request rules left out, redactions, completed targets, trigger kinds, node types. */
  stripped: Record<string, number>;
  redactions: RedactionCounts;
  targetsCompleted: number;
  triggerKinds: Record<string, number>;
  nodeTypes: Record<string, number>;
}

const increment = (counts: Record<string, number>, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};

export class Acceptor<Owner = undefined> {
  readonly counts: AcceptCounts = {
    accepted: 0,
    rejected: {},
    invalidCodes: {},
    overLimit: 0,
    requestSources: Object.fromEntries(REQUEST_SOURCES.map((s) => [s, 0])) as Record<RequestSource, number>,
    nearDuplicatesLeftOut: 0,
    stripped: {},
    redactions: {},
    targetsCompleted: 0,
    triggerKinds: {},
    nodeTypes: {},
  };
  /** exactKey → owner of the accepted example with that target. */
  private readonly targets = new Map<string, Owner>();
  private readonly perStructure = new Map<string, number>();
  private readonly nearDuplicates: NearDuplicateIndex;
  /** The owner of each request the near-duplicate index remembers, in its order. */
  private readonly requestOwners: Owner[] = [];

  constructor(private readonly settings: AcceptSettings) {
    this.nearDuplicates = new NearDuplicateIndex(settings.nearDuplicateThreshold);
  }

  /** Decide one prepared example (a rejected preparation is counted and passed on); `owner` names it in later rejections. */
  accept(result: PrepareResult, owner: Owner): Verdict<Owner> {
    if (!result.ok) {
      for (const code of result.invalidCodes ?? []) increment(this.counts.invalidCodes, code);
      return this.reject({ reason: result.reason as PrepareRejectReason, ...(result.detail !== undefined ? { detail: result.detail } : {}) });
    }
    const sameStructure = this.perStructure.get(result.group) ?? 0;
    let requests = result.requests;
    if (this.settings.dedupe !== false) {
      if (this.targets.has(result.exactKey)) return this.reject({ reason: 'exact_duplicate', sameAs: this.targets.get(result.exactKey) as Owner });
      if (sameStructure >= this.settings.maxPerStructure) return this.reject({ reason: 'structural_duplicate', sharing: sameStructure });
      // The primary request decides; a further request as close to another workflow's is only left out.
      const [primary, ...further] = result.requests;
      const near = this.nearDuplicates.addIfNew(primary.signature);
      if (near >= 0) return this.reject({ reason: 'near_duplicate_request', nearOwner: this.requestOwners[near] });
      this.requestOwners.push(owner);
      requests = [primary];
      for (const request of further) {
        if (this.nearDuplicates.addIfNew(request.signature) >= 0) {
          this.counts.nearDuplicatesLeftOut++;
          continue;
        }
        this.requestOwners.push(owner);
        requests.push(request);
      }
    }
    if (result.tokens > this.settings.tokenLimit) {
      this.counts.overLimit++;
      return this.reject({ reason: 'too_many_tokens', tokens: result.tokens, limit: this.settings.tokenLimit });
    }

    this.targets.set(result.exactKey, owner);
    this.perStructure.set(result.group, sameStructure + 1);
    const counts = this.counts;
    counts.accepted++;
    for (const request of requests) counts.requestSources[request.source]++;
    for (const [rule, n] of Object.entries(result.stripped)) increment(counts.stripped, rule, n);
    counts.redactions = addCounts(counts.redactions, result.redactions);
    if (result.completed > 0) counts.targetsCompleted++;
    increment(counts.triggerKinds, result.stratum);
    for (const type of result.nodeTypes) increment(counts.nodeTypes, type);
    return { accepted: true, example: result, requests };
  }

  private reject(rejection: Rejection<Owner>): Verdict<Owner> {
    this.counts.rejected[rejection.reason] = (this.counts.rejected[rejection.reason] ?? 0) + 1;
    return { accepted: false, rejection };
  }
}

/** The build report's wording of a rejection (a duplicate's earlier example is not named there). */
export function rejectionDetail(rejection: Rejection<unknown>): string | undefined {
  switch (rejection.reason) {
    case 'exact_duplicate':
    case 'near_duplicate_request':
      return undefined;
    case 'structural_duplicate':
      return `${rejection.sharing} example(s) share its node types and edges`;
    case 'too_many_tokens':
      return `${rejection.tokens} tokens > ${rejection.limit}`;
    default:
      return rejection.detail;
  }
}
