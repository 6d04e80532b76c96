/**
 * Which training workflow covers a request's intent best: the services it names, the
 * trigger it wants and its AI pattern count for a workflow, service nodes nobody asked for
 * count against it (they will be taken out, and the glue around them made for them), and
 * BM25 over the training titles and requests breaks ties on everything else. Of the best
 * covering ones, the consensus (`consensusPicks`) is what gets adapted.
 */
import type { Intent } from './intent';
import type { OfflineIndex, WorkflowProfile } from './learn';
import { hostNamed } from './http';
import { roleOf, triggerFamily } from './services';
import { contentWords } from './words';

export interface Pick {
  profile: WorkflowProfile;
  score: number;
}

/** Weights of the score; tuned on a dev slice of the training side, never on the eval requests. */
export const PICK_WEIGHTS = {
  service: 3,
  impliedService: 1.5,
  unrequestedService: 0.6,
  trigger: 2.5,
  triggerKind: 1,
  aiPattern: 4,
  noAiWanted: 1.5,
  associatedType: 0.6,
  bm25: 15,
  /** Per node over `largeWorkflow`: big templates rarely fit a short request. */
  size: 0.08,
  largeWorkflow: 12,
};

/**
 * The consensus among the best-covering workflows (minimum Bayes risk): a short request fits
 * many workflows, and the one most like the others — by node types, typed edges and how it
 * starts, each weighed by how well it covers the request — is the safest answer to give.
 */
export const CONSENSUS = {
  /** How many of the best-covering workflows vote. */
  candidates: 30,
  /** Score difference over which a candidate's vote falls by e (softmax temperature). */
  temperature: 6,
  /** Weight of starting the same way, beside node-type F1 and typed-edge F1 (each 1). */
  sameTrigger: 1,
  /** Only a workflow within this score of the best covering one is chosen (all vote): the most typical of loose fits is no answer. */
  withinScore: 7,
};

/** Multiset F1 of two count maps (as the eval's `multisetPRF`: both empty 1, one empty 0), without building lists. */
function countsF1(a: ReadonlyMap<string, number>, aSize: number, b: ReadonlyMap<string, number>, bSize: number): number {
  if (aSize === 0 || bSize === 0) return aSize === bSize ? 1 : 0;
  let common = 0;
  for (const [key, n] of a) common += Math.min(n, b.get(key) ?? 0);
  return (2 * common) / (aSize + bSize);
}

/** How alike two workflows are: node-type F1 + typed-edge F1 + `sameTrigger` when they start the same way. */
function agreement(a: WorkflowProfile, b: WorkflowProfile): number {
  return (
    countsF1(a.typeCounts, a.types.length, b.typeCounts, b.types.length) +
    countsF1(a.edgeTypeCounts, a.edgeTypes.length, b.edgeTypeCounts, b.edgeTypes.length) +
    (a.triggerSet === b.triggerSet ? CONSENSUS.sameTrigger : 0)
  );
}

/** The `k` picks most like the others among the `CONSENSUS.candidates` best-covering ones, best first. */
export function consensusPicks(intent: Intent, index: OfflineIndex, k = 3): Pick[] {
  const picks = rankWorkflows(intent, index, CONSENSUS.candidates);
  if (picks.length <= 1) return picks;
  const top = picks[0].score;
  const weights = picks.map((p) => Math.exp((p.score - top) / CONSENSUS.temperature));
  const expected = new Float64Array(picks.length);
  for (let i = 0; i < picks.length; i++) {
    // Two examples of one workflow (its title and a sentence) agree fully with themselves.
    expected[i] += weights[i] * (2 + CONSENSUS.sameTrigger);
    for (let j = i + 1; j < picks.length; j++) {
      const a = agreement(picks[i].profile, picks[j].profile);
      expected[i] += weights[j] * a;
      expected[j] += weights[i] * a;
    }
  }
  return picks
    .map((pick, i) => ({ pick, value: expected[i] }))
    // Loose fits come last: tried only when no close one validates.
    .map((x) => ({ ...x, close: x.pick.score >= top - CONSENSUS.withinScore }))
    .sort((a, b) => Number(b.close) - Number(a.close) || b.value - a.value || b.pick.score - a.pick.score)
    .slice(0, k)
    .map((x) => x.pick);
}

export function rankWorkflows(intent: Intent, index: OfflineIndex, k = 5): Pick[] {
  const w = PICK_WEIGHTS;
  const wanted = new Map(intent.services.map((s) => [s.key, s]));
  const namedProvider = intent.services.some((s) => s.named && index.services.services.get(s.key)?.types.some((t) => roleOf(t, index.catalog) === 'model'));
  const bm25 = new Map<number, number>();
  const hits = index.search.search(intent.request, { combineWith: 'OR' });
  const top = hits[0]?.score ?? 1;
  for (const h of hits.slice(0, 200)) bm25.set(h.id as number, h.score / top);
  // Glue types the request's words go with: added through the workflows that have them (a few hundred types × all workflows would be slow).
  const associated = new Float64Array(index.profiles.length);
  for (const [type, p] of intent.types) {
    if (index.services.serviceOf(type)) continue;
    for (const i of index.profilesWithType.get(type) ?? []) associated[i] += w.associatedType * p;
  }

  const requestWords = new Set(contentWords(intent.request));
  const wantedKeys = new Set(wanted.keys());
  const hostsNamed = new Map<string, boolean>();
  const wantedFamily = intent.trigger ? triggerFamily(intent.trigger.type) : '';
  const scores = new Float64Array(index.profiles.length);
  index.profiles.forEach((profile, i) => {
    let score = (bm25.get(i) ?? 0) * w.bm25;
    for (const s of wanted.values()) if (profile.services.has(s.key)) score += s.named ? w.service : w.impliedService * s.weight;
    for (const [service, count] of profile.services) {
      if (wanted.has(service)) continue;
      // An unnamed model provider is how an agent thinks, not an action on a service: swapped, never counted against.
      score -= profile.modelServices.has(service) && !namedProvider ? 0 : w.unrequestedService * Math.min(count, 3);
    }
    for (const labels of profile.httpHosts) {
      const key = labels.join('.');
      const named = hostsNamed.get(key) ?? hostsNamed.set(key, hostNamed(labels, requestWords, wantedKeys)).get(key)!;
      if (!named) score -= w.unrequestedService;
    }
    if (intent.trigger) {
      if (profile.triggers.includes(intent.trigger.type)) score += w.trigger;
      else if (profile.triggerFamilies.has(wantedFamily)) score += w.triggerKind;
    }
    if (intent.ai.agent) score += profile.agent ? w.aiPattern : 0;
    if (intent.ai.rag) score += profile.roles.has('vectorStore') ? w.aiPattern : -w.aiPattern / 2;
    if (intent.ai.memory) score += profile.roles.has('memory') ? w.aiPattern / 2 : 0;
    if (!intent.ai.llm && profile.roles.has('model')) score -= w.noAiWanted;
    score += associated[i];
    score -= Math.max(0, profile.types.length - w.largeWorkflow) * w.size;
    scores[i] = score;
  });
  // The k best without sorting them all.
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (best.length === k && scores[i] <= scores[best[k - 1]]) continue;
    let at = best.length;
    while (at > 0 && scores[best[at - 1]] < scores[i]) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return best.map((i) => ({ profile: index.profiles[i], score: scores[i] }));
}
