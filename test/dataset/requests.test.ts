/**
 * Requests people would type: the sentence rules on real sentences from the n8n.io
 * templates, the title and sentence phrasing, and every template's requests checked with
 * the same rules and with independent patterns for the known bad phrases.
 */
import { buildRequests, REQUEST_LENGTHS, shorten } from '../../dataset/requests';
import { BAD_PHRASES, requestProblems } from '../../dataset/requests/check';
import { decodeHtmlEntities } from '../../dataset/requests/entities';
import { phraseHead } from '../../dataset/requests/phrasing';
import { classifySentence, describedSentences } from '../../dataset/requests/sentences';
import { cleanTitle, titleRequest } from '../../dataset/requests/title';
import { recordFromObject } from '../../dataset/sources/records';
import { loadCatalog } from '../../schemas/catalog/load';
import { loadTemplates, type ParsedTemplate } from '../helpers/templates';

const catalog = loadCatalog();
let templates: ParsedTemplate[];
beforeAll(async () => {
  templates = await loadTemplates();
}, 120_000);

/** The sentence as it stands in a real template description (the test fails if the data changes). */
function realSentence(text: string): string {
  const found = templates.some((t) => decodeHtmlEntities(t.record.description).includes(text));
  expect([text, found]).toEqual([text, true]);
  return text;
}

describe('sentence rules on real template sentences', () => {
  it.each([
    ['audience', 'Busy homemakers, creators, and anyone who wants a simple, no-cost way to plan weekly meals and get a ready-to-shop grocery list—without extra apps.'],
    ['audience', 'This template is for sales teams, agencies, or local service providers who want to quickly generate cold outreach lists and automatically call local businesses with a Vapi AI assistant.'],
    ['audience', 'Perfect for agencies, consultants, and B2B companies wanting to identify and prioritize the most promising potential clients.'],
    ['audience', 'This workflow is ideal for businesses that handle customer support or conversations over WhatsApp and wish to log, respond, and collaborate using Slack as their internal communication tool.'],
    ['author', 'I prepared a detailed guide that illustrates the entire process of building an AI agent using Supabase and Google Drive within N8N workflows.'],
    ['author', 'We heard your complains and made a complete redesign built for serious content creators.'],
    ['versionNote', 'We’ve released Version 4 of our AI Powered Blog Automation workflow.'],
    ['prerequisite', "Basic understanding of n8n's editor UI and node configuration."],
    ['prerequisite', 'An OpenAI API key is required for the "Transcribe audio" node to perform speech transcription.'],
    ['setup', 'Open "Edit Fields" → Replace sheet_id with your Google Doc URL.'],
    ['setup', 'Connect your Gmail account to the "SendNewsletter" node.'],
    ['setup', 'Import this workflow into your n8n instance'],
    ['advert', 'Set up n8n self-hosted via Tino.vn VPS — use code VPSN8N for up to 39% off (affiliate link).'],
    ['advert', 'Join the community'],
    ['assistantLeftover', "Here's a complete description of what it does and how each part works:"],
    ['marketing', 'Tired of manually logging every expense?'],
  ])('%s: %s', (rule, sentence) => {
    expect(classifySentence(realSentence(sentence))).toBe(rule);
  });

  it.each([
    'This workflow automates content distribution by monitoring RSS feeds and NASA\'s Picture of the Day API.',
    'Automate personalized email campaigns using a Google Sheets contact list, a Google Docs template, and SMTP delivery.',
    'Monitors your Gmail inbox for new emails with a specific label (e.g., "Inquiry").',
  ])('keeps what the workflow does: %s', (sentence) => {
    expect(classifySentence(realSentence(sentence))).toBeUndefined();
  });

  it('reads sections: nothing under "Who is this for" or "Setup" is a candidate', () => {
    const sections = [...describedSentences('Who is this for?\nMarketers.\n\nWhat this workflow does\nSends a digest.\n\nSetup\nConnect Slack.')].map((s) => [s.section, s.text]);
    expect(sections).toEqual([
      ['audience', 'Marketers.'],
      ['does', 'Sends a digest.'],
      ['setup', 'Connect Slack.'],
    ]);
  });
});

describe('phrasing', () => {
  it('asks with a verb phrase, never "a workflow that is/template/this"', () => {
    const asked = phraseHead('This workflow monitors your Gmail inbox for new emails.')!;
    expect(asked).toMatch(/^(Monitor my Gmail inbox|(Create a|Build an n8n|I need a) workflow that monitors my Gmail inbox) for new emails\.$/);
    expect(phraseHead('This n8n workflow template is designed to process PDF documents using Mistral OCR.')).toMatch(
      /^(Process|(Create a|Build an n8n|I need a) workflow that processes) PDF documents using Mistral OCR\.$/,
    );
    expect(phraseHead('This template is a complete AI-powered sales assistant.')).toBeUndefined();
    expect(phraseHead('Managing frequent emails in multiple languages can be overwhelming.')).toBeUndefined();
    expect(phraseHead('If the ticket is already assigned to a human agent, the bot does nothing and exits.')).toBeUndefined();
  });

  it('makes a title an ask: cleaned, verb-led kept, noun phrases given a verb', () => {
    expect(titleRequest('Send Gmail attachments to Google Drive')!.text).toBe('Send Gmail attachments to Google Drive');
    expect(titleRequest('AI Email Triage Agent')!.text).toBe('Build an AI email triage agent');
    expect(titleRequest('🤖 Automated Event Discovery with Bright Data & n8n')!.text).toBe('Automate event discovery with Bright Data');
    expect(titleRequest('Content Farming v4 - Blog Automation for Wordpress using ChatGPT 5 and Gemini [2025] | n8n template')!.text).toBe('Build a blog automation for Wordpress using ChatGPT 5 and Gemini');
    expect(cleanTitle('Daily Govt Exam Quiz by Gopal Debnath (mrtechyguru)')).toEqual({ text: 'Daily Govt Exam Quiz', rules: ['author'] });
    expect(titleRequest('🛠️ PostBin Tool MCP Server 💪 6 operations')!.text).toBe('Build a PostBin tool MCP server with 6 operations');
  });

  it('shortens at a clause, not inside a list of adjectives', () => {
    const text = 'Turn my Telegram bot into an intelligent, always-on AI support agent that references my business documentation in Google Docs to respond to customer queries, using GPT-4o.';
    expect(shorten(text, 160)).toBe('Turn my Telegram bot into an intelligent, always-on AI support agent that references my business documentation in Google Docs to respond to customer queries.');
  });

  it('decodes HTML entities, numeric and named', () => {
    expect(decodeHtmlEntities('&gt; a &amp;gt; b &#8211; c&#x20;d &apos;e&apos; &unknown;')).toBe("> a &gt; b – c d 'e' &unknown;");
  });
});

describe('every template', () => {
  it('gives requests without audience, author, prerequisite, setup, advert, version notes, leftovers or entities; median ≤ 160 characters', () => {
    const lengths: number[] = [];
    const problems: string[] = [];
    const sources: Record<string, number> = {};
    for (const { record, workflow } of templates) {
      const { requests } = buildRequests({ name: record.name, description: record.description, stickyNotes: () => [], workflow: workflow as never }, catalog, 3);
      for (const r of requests) {
        lengths.push(r.text.length);
        sources[r.source] = (sources[r.source] ?? 0) + 1;
        expect(r.text.length).toBeLessThanOrEqual(REQUEST_LENGTHS.detailed);
        const found = requestProblems(r.text);
        if (found.length > 0) problems.push(`${found.join(',')}: ${r.text}`);
      }
    }
    expect(problems).toEqual([]);
    lengths.sort((a, b) => a - b);
    expect(lengths[Math.floor(lengths.length / 2)]).toBeLessThanOrEqual(REQUEST_LENGTHS.typical);
    // Titles and descriptions carry the requests; the node summary stays the exception.
    expect(sources.title).toBeGreaterThan(templates.length * 0.9);
    expect(sources.description).toBeGreaterThan(templates.length * 0.6);
    expect(sources.synthetic ?? 0).toBeLessThan(templates.length * 0.01);
  });

  it('the independent patterns do catch the bad phrases of the issue', () => {
    for (const bad of [
      'Create an n8n workflow that template is designed for marketing teams.',
      'gt; Use the code ==VPSN8N== for up to 39% off',
      'Here is your refined template description with detailed step-by-step instructions.',
      'Busy homemakers, creators, and anyone who wants a simple meal planner.',
      'A Facebook Developer account with an active app.',
    ]) {
      expect([bad, BAD_PHRASES.some(([, pattern]) => pattern.test(bad))]).toEqual([bad, true]);
    }
  });
});

describe('name and description keys of other layouts', () => {
  it.each([
    [{ _templateName: 'N', _templateDescription: 'D', nodes: [], connections: {} }],
    [{ templateName: 'N', templateDescription: 'D', nodes: [], connections: {} }],
    [{ meta: { templateName: 'N', templateDescription: 'D' }, nodes: [], connections: {} }],
    [{ name: 'N', meta: { description: 'D' }, nodes: [], connections: {} }],
    [{ workflow: { _templateName: 'N', _templateDescription: 'D', nodes: [], connections: {} } }],
  ])('%j', (value) => {
    const record = recordFromObject(value as Record<string, unknown>, { source: 'dir', ref: 'x.json' });
    expect([record.name, record.description]).toEqual(['N', 'D']);
  });
});
