import { Acceptor, rejectionDetail, type AcceptSettings } from '../../dataset/accept';
import { requestSignature } from '../../dataset/dedupe';
import type { Prepared, PreparedRequest, Rejected } from '../../dataset/prepare';
import type { RequestSource } from '../../dataset/requests';

const SETTINGS: AcceptSettings = { maxPerStructure: 2, nearDuplicateThreshold: 0.8, tokenLimit: 1000 };

function request(text: string, source: RequestSource = 'description', tokens = 100): PreparedRequest {
  return { text, source, length: 'typical', signature: requestSignature(text), tokens };
}

function prepared(key: string, requests: PreparedRequest[], overrides: Partial<Prepared> = {}): Prepared {
  return {
    ok: true,
    completed: 0,
    target: `{"nodes":"${key}"}`,
    exactKey: `exact-${key}`,
    group: `group-${key}`,
    requests,
    stripped: {},
    summary: `2 nodes: ${key}`,
    redactions: {},
    stratum: 'manual',
    nodeTypes: ['n8n-nodes-base.manualTrigger'],
    tokens: Math.max(...requests.map((r) => r.tokens)),
    rawChars: 100,
    ...overrides,
  };
}

describe('Acceptor', () => {
  test('accepts a new example and counts what it carries', () => {
    const acceptor = new Acceptor<number>(SETTINGS);
    const example = prepared('a', [request('Send a Slack message when a new row is added to the sheet'), request('Slack alert for new sheet rows', 'title')], {
      stripped: { audience: 2 },
      redactions: { email: 1 },
      completed: 1,
      stratum: 'webhook',
      nodeTypes: ['n8n-nodes-base.webhook', 'n8n-nodes-base.slack', 'n8n-nodes-base.slack'],
    });
    const verdict = acceptor.accept(example, 0);
    expect(verdict).toEqual({ accepted: true, example, requests: example.requests });
    expect(acceptor.counts).toMatchObject({
      accepted: 1,
      rejected: {},
      overLimit: 0,
      nearDuplicatesLeftOut: 0,
      stripped: { audience: 2 },
      redactions: { email: 1 },
      targetsCompleted: 1,
      triggerKinds: { webhook: 1 },
      nodeTypes: { 'n8n-nodes-base.webhook': 1, 'n8n-nodes-base.slack': 2 },
    });
    expect(acceptor.counts.requestSources.description).toBe(1);
    expect(acceptor.counts.requestSources.title).toBe(1);
  });

  test('an exact duplicate names the earlier example that has its target', () => {
    const acceptor = new Acceptor<string>(SETTINGS);
    acceptor.accept(prepared('a', [request('Post new RSS items to a Discord channel')]), 'first');
    const verdict = acceptor.accept(prepared('a', [request('Archive Gmail attachments in Google Drive folders')]), 'second');
    expect(verdict).toEqual({ accepted: false, rejection: { reason: 'exact_duplicate', sameAs: 'first' } });
    expect(acceptor.counts.rejected).toEqual({ exact_duplicate: 1 });
    expect(acceptor.counts.accepted).toBe(1);
  });

  test('more than maxPerStructure examples of one structure are rejected with how many share it', () => {
    const acceptor = new Acceptor<number>(SETTINGS);
    const texts = ['Translate incoming emails to Spanish', 'Summarise support tickets every morning', 'Create Jira issues from Typeform answers'];
    const verdicts = texts.map((text, i) => acceptor.accept(prepared(`s${i}`, [request(text)], { group: 'same' }), i));
    expect(verdicts.map((v) => v.accepted)).toEqual([true, true, false]);
    expect(verdicts[2]).toEqual({ accepted: false, rejection: { reason: 'structural_duplicate', sharing: 2 } });
  });

  test('a near-duplicate primary request rejects the example; a near-duplicate further request is only left out', () => {
    const acceptor = new Acceptor<number>(SETTINGS);
    const text = 'Every Monday fetch the weather forecast for Berlin and send it to the team on Slack';
    acceptor.accept(prepared('a', [request(text), request('Weekly Berlin weather digest for the team')]), 0);
    const rejected = acceptor.accept(prepared('b', [request(`${text}.`)]), 1);
    expect(rejected).toEqual({ accepted: false, rejection: { reason: 'near_duplicate_request', nearOwner: 0 } });

    const further = request('Weekly Berlin weather digest for the team', 'title');
    const verdict = acceptor.accept(prepared('c', [request('Back up every n8n workflow to a GitHub repository nightly'), further]), 2);
    expect(verdict.accepted && verdict.requests.map((r) => r.text)).toEqual(['Back up every n8n workflow to a GitHub repository nightly']);
    expect(acceptor.counts.nearDuplicatesLeftOut).toBe(1);
    // The owner of a further request is the example that brought it.
    const late = acceptor.accept(prepared('d', [request('Weekly Berlin weather digest for the team')]), 3);
    expect(late).toEqual({ accepted: false, rejection: { reason: 'near_duplicate_request', nearOwner: 0 } });
  });

  test('over the token limit: rejected and counted, after its requests were remembered', () => {
    const acceptor = new Acceptor<number>(SETTINGS);
    const text = 'Classify incoming invoices with an LLM and file them in Airtable';
    expect(acceptor.accept(prepared('big', [request(text, 'description', 1001)]), 0)).toEqual({ accepted: false, rejection: { reason: 'too_many_tokens', tokens: 1001, limit: 1000 } });
    expect(acceptor.counts.overLimit).toBe(1);
    // As in the build: a later example with the same request is a near duplicate of the rejected one.
    expect(acceptor.accept(prepared('small', [request(text)]), 1)).toEqual({ accepted: false, rejection: { reason: 'near_duplicate_request', nearOwner: 0 } });
    expect(acceptor.counts.rejected).toEqual({ too_many_tokens: 1, near_duplicate_request: 1 });
  });

  test('dedupe off: duplicates pass, the token limit still applies', () => {
    const acceptor = new Acceptor<number>({ ...SETTINGS, dedupe: false });
    const example = prepared('a', [request('Sync HubSpot contacts to Mailchimp'), request('Sync HubSpot contacts to Mailchimp', 'title')], { group: 'g' });
    const verdicts = [0, 1, 2].map((i) => acceptor.accept(example, i));
    expect(verdicts.every((v) => v.accepted && v.requests.length === 2)).toBe(true);
    expect(acceptor.counts.accepted).toBe(3);
    expect(acceptor.accept(prepared('b', [request('x', 'description', 5000)]), 3).accepted).toBe(false);
    expect(acceptor.counts.rejected).toEqual({ too_many_tokens: 1 });
  });

  test('a rejected preparation is passed on and its validator codes counted', () => {
    const acceptor = new Acceptor<number>(SETTINGS);
    const invalid: Rejected = { ok: false, reason: 'invalid', detail: 'unknown node type', invalidCodes: ['unknown_node_type', 'unknown_node_type', 'bad_connection'] };
    expect(acceptor.accept(invalid, 0)).toEqual({ accepted: false, rejection: { reason: 'invalid', detail: 'unknown node type' } });
    expect(acceptor.accept({ ok: false, reason: 'too_few_nodes' }, 1)).toEqual({ accepted: false, rejection: { reason: 'too_few_nodes' } });
    expect(acceptor.counts.invalidCodes).toEqual({ unknown_node_type: 2, bad_connection: 1 });
    expect(acceptor.counts.rejected).toEqual({ invalid: 1, too_few_nodes: 1 });
  });
});

describe('rejectionDetail (the build report)', () => {
  test.each([
    [{ reason: 'exact_duplicate', sameAs: undefined } as const, undefined],
    [{ reason: 'near_duplicate_request', nearOwner: undefined } as const, undefined],
    [{ reason: 'structural_duplicate', sharing: 3 } as const, '3 example(s) share its node types and edges'],
    [{ reason: 'too_many_tokens', tokens: 70000, limit: 65536 } as const, '70000 tokens > 65536'],
    [{ reason: 'invalid', detail: 'unknown node type' } as const, 'unknown node type'],
    [{ reason: 'too_few_nodes' } as const, undefined],
  ])('%o → %s', (rejection, detail) => {
    expect(rejectionDetail(rejection)).toBe(detail);
  });
});
