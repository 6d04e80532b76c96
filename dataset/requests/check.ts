/**
 * An independent check of finished requests: simple patterns for the phrases the request
 * rules exist to keep out (from issue 15's review of the default build), plus the sentence
 * rules themselves over each sentence of a request. Used by the tests over all templates and
 * by `scripts/check-requests.ts` over a built dataset.
 */
import { HTML_ENTITY } from './entities';
import { inDescriptionVoice } from './phrasing';
import { classifySentence, splitSentences } from './sentences';

/** Known bad phrases, each a plain pattern that does not share code with the sentence rules. */
export const BAD_PHRASES: ReadonlyArray<[string, RegExp]> = [
  ['audience', /\bwho is (?:this|it) for\b|\b(?:perfect|ideal|great) for\b|\banyone who\b|\bthis template is for\b|\bbusy homemakers\b/i],
  ['author', /\bI (?:prepared|built|created|made|developed|designed|wrote)\b|\bwe(?:'|’)ve released\b|\bwe heard\b|\bmy name is\b/i],
  ['prerequisite', /\bdeveloper account\b|\bbasic understanding\b|^prerequisites?\b|\bprerequisites?:|\byou(?:'|’)ll need\b/i],
  ['setup', /→\s*replace\b|\bedit fields\b.*→|\bset up (?:your )?credentials\b|\bimport this workflow\b|\breplace (?:the )?\w*_?id\b/i],
  ['advert', /\buse (?:the )?code\b|\d+\s?% off\b|\(affiliate|\bjoin the community\b|\bsubscribe to\b|\bneed help\?/i],
  ['versionNote', /\bversion \d+\b|\bwe(?:'|’)ve (?:released|updated)\b/i],
  ['assistantLeftover', /\bhere is your\b|\bhere(?:'|’)s (?:a|the|your) (?:complete |refined |full )?description\b|\brefined (?:template )?description\b|\blet me know if\b/i],
  ['htmlEntity', new RegExp(`${HTML_ENTITY.source}|(?:^|\\s)(?:gt|lt|amp|quot|nbsp);`, 'i')],
  ['brokenPrefix', /^(?:create|build) an? (?:n8n )?workflow that (?:is|are|was|were|template|this|these|the)\b/i],
];

/** Every problem of one request: bad phrases by name, and sentence rules as `rule:<name>`. */
export function requestProblems(request: string): string[] {
  const problems = BAD_PHRASES.filter(([, pattern]) => pattern.test(request)).map(([name]) => name);
  for (const sentence of splitSentences(request)) {
    const rule = classifySentence(inDescriptionVoice(sentence));
    if (rule) problems.push(`rule:${rule}`);
  }
  return [...new Set(problems)];
}
