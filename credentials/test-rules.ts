/**
 * The checks n8n applies to a credential test's answer (its credentials tester, after the request):
 * a `responseCode` rule fails the test when the request failed with that status, a
 * `responseSuccessBody` rule when the 2xx answer has `value` at `key`. Both APIs of this package
 * answer their list endpoints with `{data: [...]}`, so an answer without `data` (an HTML page, the
 * root of a server) is not the API the credential is for, even with status 200.
 */
import type { ICredentialTestRequest } from 'n8n-workflow';

export interface CredentialTestMessages {
  /** HTTP 401. */
  unauthorized: string;
  /** HTTP 404: usually a Base URL missing its API path. */
  notFound: string;
  /** A 2xx answer without a `data` list. */
  notAList: string;
}

export function credentialTestRules(messages: CredentialTestMessages): ICredentialTestRequest['rules'] {
  // n8n's type says one kind of rule per list; its tester reads each rule by its own type.
  return [
    { type: 'responseCode', properties: { value: 401, message: messages.unauthorized } },
    { type: 'responseCode', properties: { value: 404, message: messages.notFound } },
    { type: 'responseSuccessBody', properties: { key: 'data', value: undefined, message: messages.notAList } },
  ] as unknown as ICredentialTestRequest['rules'];
}
