/**
 * Secret and personal-data redaction for the dataset builder.
 *
 * Pure functions: no I/O, inputs are never mutated, nothing throws. Every string a workflow
 * holds is scanned (node parameters at any depth, notes, sticky note content, node names,
 * connections, pinData, credentials blocks, the workflow name and description — everything),
 * and each secret is replaced by a stable placeholder: the same value always gets the same
 * placeholder within one {@link Redactor} (one per workflow), numbered per label by first
 * appearance in a deterministic traversal (workflow `name`, then the other keys in order,
 * depth first): `<OPENAI_API_KEY_1>`, `<EMAIL_2>`, `<SECRET_1>`, `<USER_1>:<PASSWORD_1>@`.
 * Text around a secret is kept (`Bearer <BEARER_TOKEN_1>`, `Basic <BASIC_AUTH_1>`,
 * `https://hooks.slack.com/services/<SLACK_WEBHOOK_1>`). Placeholders match no pattern, so
 * redacting twice changes nothing.
 *
 * Three mechanisms:
 * 1. Patterns, anywhere in any string (inside expressions, code, JSON-in-strings, URLs):
 *    provider keys with a recognisable shape, JWTs, PEM private keys, `Bearer …`, `Basic …`,
 *    `scheme://user:pass@`, secret-named assignments in code/JSON/prose (`"api_key": "…"`,
 *    `const PASSWORD = '…'`, `x-api-key: …`), secret-named URL query parameters, emails, phones.
 * 2. Secret-named parameters: the value of a key that looks secret (password, secret, token,
 *    apiKey, authorization, …; see {@link isSecretName}), of a `{name|key, value}` pair whose
 *    `name` looks secret (n8n header/query/body parameter lists, Set assignments), and of a
 *    catalog property with `secret: true` is replaced whole (kind `secret_parameter`), an
 *    auth scheme word in front kept (`Token <SECRET_1>`). n8n expressions are kept: only the
 *    literal parts that look like credentials are replaced (`={{ $json.token }}` stays,
 *    `={{ $json.pw || 'devops123' }}` becomes `={{ $json.pw || '<SECRET_1>' }}`).
 * 3. Obvious placeholders are left alone everywhere (`YOUR_API_KEY`, `sk-YOUR_OPENAI_KEY_HERE`,
 *    `<token>`, `xxxx`, `AKIAIOSFODNN7EXAMPLE`, env-var names like `NEWS_API_KEY`, shell and n8n
 *    references like `$TOKEN`, `$json.key`): they are not secrets, and keeping them teaches models
 *    to write placeholders.
 *
 * Object keys are redacted too (an email in a node name is replaced identically in `nodes`,
 * `connections`, `pinData` keys and `$('…')` references, so the graph stays consistent). A phone
 * number found once is also replaced where the same digits appear bare (a chat id, a JID).
 *
 * Emails: every address is redacted except placeholder ones — example/test domains
 * (`example.*`, `*.example`, `*.test`, `*.invalid`, `*.local`, `email.com`, `domain.com`,
 * `yourdomain.com`, `company.com`, `test.com`, …), placeholder local parts (`your@…`,
 * `you@…`, `your.email@gmail.com`, `test@…`, `john.doe@…`, `user@…`, `xxx@…`, …), role
 * addresses no person reads (`noreply@`, `no-reply@`, `donotreply@`, `mailer-daemon@`,
 * `git@github.com`-style) and identifiers that only look like addresses (Teams
 * `…@thread.skype`, `name@2x.png`). Role addresses of real organisations (`hello@acme.io`,
 * `support@…`) ARE redacted: in templates they are the author's contact details.
 *
 * Phones: `+` (or `%2B`) followed by 8–15 digits with spaces, dots, dashes or parentheses
 * (`+1 (415) 555-2671`, `+49 151 1234 5678`, `+923036991118`), NANP numbers written with
 * separators (`(415) 555-2671`, `415-555-2671`), `tel:` URIs, `wa.me/<digits>` and
 * `?phone=<digits>` links. Bare digit runs are never phones (ids, timestamps, amounts); a `+`
 * glued to a letter/digit before it is arithmetic or URL-encoding (`x+1234567890`,
 * `Screenshot+2025-08-02`), never a phone; dates, decimal coordinates (`+40.712776`), time-zone
 * offsets and round numbers (`+86400000`) are not phones. Placeholder numbers are kept:
 * sequential (`+1234567890`), repeated digits (`+11111111111`) and the fictional NANP 555
 * exchange (`+1 555 000 0000`, `(212) 555-0199`).
 *
 * Speed (2,352 n8n.io templates, 34 MB, well under a second on a laptop): regexes are precompiled
 * and linear (bounded quantifiers, literal-first phone patterns, hand-written email and assignment
 * scanners); each string first goes through a cheap scan (a few `includes`, one native keyword
 * regex, a sampled search for the long runs every provider key contains) so most rules never run;
 * strings known to be clean (node types, option values, keys) are remembered per process — whether
 * a string changes depends on the string alone, never on the redactor's state.
 */
export {
  addCounts,
  PLACEHOLDER_LABELS,
  PLACEHOLDER_PATTERN,
  REDACTION_KINDS,
  Redactor,
  type PlaceholderLabel,
  type RedactionCounts,
  type RedactionKind,
} from './placeholders';
export { isPlaceholderKey, isPlaceholderValue, isSecretName } from './classifiers';
export { redactText } from './text';
export { redactWorkflowStrings, type RedactOptions, type RedactResult } from './workflow';
