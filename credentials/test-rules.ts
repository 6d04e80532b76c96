/**
 * How the credential tests judge an answer. n8n's credentials tester (2.8.4) fails a test on a
 * `responseSuccessBody` rule when the answer has `value` at `key`; its `responseCode` rules never
 * see a 4xx (the request error it gets has no response attached), so the tests ask with
 * `ignoreHttpStatusErrors` and read every answer's body instead. Both APIs of this package answer
 * their list endpoints with `{data: [...]}`: an answer without `data` (an HTML page with status 200,
 * a 404 from a server root without /v1, a refusal) is not the API the credential is for.
 */
import type { ICredentialTestRequest } from 'n8n-workflow';

export interface AnswerRule {
  /** Dotted path into the answer's body. */
  key: string;
  /** The value there that fails the test (`undefined`: nothing there). */
  value: unknown;
  message: string;
}

/** Rules in order: the first that matches fails the test with its message. */
export function answerRules(...rules: AnswerRule[]): ICredentialTestRequest['rules'] {
  return rules.map(({ key, value, message }) => ({ type: 'responseSuccessBody', properties: { key, value, message } }));
}

/** The refusals of the fine-tuning providers and servers, by the bodies they answer 401 with. */
export const REFUSED_KEY_BODIES: Array<Pick<AnswerRule, 'key' | 'value'>> = [
  { key: 'error.code', value: 'invalid_api_key' }, // OpenAI, Together AI
  { key: 'error.code', value: '401' }, // Azure OpenAI
  { key: 'error.type', value: 'authentication_error' }, // llama.cpp
  { key: 'detail', value: 'Invalid API key' }, // Nebius
  { key: 'detail', value: 'Not authenticated' }, // Nebius, no key
  { key: 'error', value: 'Unauthorized' }, // vLLM --api-key
];
