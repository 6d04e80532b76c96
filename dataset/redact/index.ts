/**
 * Secret and personal-data redaction for the dataset builder.
 *
 * Pure functions: no I/O, inputs are never mutated, nothing throws. Every string a workflow
 * holds is scanned (node parameters at any depth, notes, sticky note content, node names,
 * connections, pinData, credentials blocks, the workflow name and description — everything),
 * and each secret or piece of personal data is replaced by a stable placeholder: the same value
 * always gets the same placeholder within one {@link Redactor} (one per workflow), numbered per
 * label by first appearance in a deterministic traversal (workflow `name`, then the other keys in
 * order, depth first): `<OPENAI_API_KEY_1>`, `<EMAIL_2>`, `<SECRET_1>`, `<USER_1>:<PASSWORD_1>@`,
 * `<CARD_NUMBER_1>`, `<IBAN_1>`, `/Users/<USER_2>/Documents`.
 * Text around a secret is kept (`Bearer <BEARER_TOKEN_1>`, `Basic <BASIC_AUTH_1>`,
 * `https://hooks.slack.com/services/<SLACK_WEBHOOK_1>`). Placeholders match no pattern, so
 * redacting twice changes nothing.
 *
 * Three mechanisms:
 * 1. Patterns, anywhere in any string (inside expressions, code, JSON-in-strings, URLs):
 *    provider keys with a recognisable shape, JWTs, PEM private keys, `Bearer …`, `Basic …`,
 *    `scheme://user:pass@`, secret-named assignments in code/JSON/prose (`"api_key": "…"`,
 *    `const PASSWORD = '…'`, `x-api-key: …`), secret-named URL query parameters, emails, phones,
 *    payment cards, IBANs, home-folder user names, and base64 / URL-encoded tokens hiding any of these.
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
 * (`+1 (415) 555-2671`, `+49 151 1234 5678`, `+923036991118`); the `00` international prefix
 * (`0049 151 2846 3917`); national numbers with a trunk `0` written with separators (UK `07700
 * 900123`, `020 7946 0958`, `(020) 7946 0958`; DE `0151 28463917`, `030/2846391`; FR `06 12 34 56
 * 78`, `06.12.34.56.78`; NL `06-12345678`; BE, AT, IE, …) or as a bare mobile (`07911123456`,
 * `015128463917`, `0612345678`); NANP numbers with separators (`(415) 555-2671`, `415-555-2671`,
 * `1-415-624-2871`); `tel:` URIs, `wa.me/<digits>` and `?phone=<digits>` links. Numbers that
 * could as well be ids or amounts (`612 345 678`, `4156242871`, `415 624 2871`, a bare landline,
 * `4915123456789`) count only next to a phone word (`Tel.`, `phone`, `Handy`, `mobile`,
 * `whatsapp`, `móvil`, …, same line, 40 characters before) or as the value of a phone field (a
 * key or `{name, value}` pair named `phone`, `mobile`, `recipientPhoneNumber`, `wa_id`, …; not
 * `phoneNumberId`). Other digit runs are never phones (ids, timestamps, amounts); a `+` glued to
 * a letter/digit before it is arithmetic or URL-encoding (`x+1234567890`,
 * `Screenshot+2025-08-02`), never a phone; dates (`05.06.2023 10:30`), ZIP+4 codes, colours
 * (`#059669 100%`), MAC addresses, decimal coordinates (`+40.712776`), time-zone offsets and round
 * numbers (`+86400000`) are not phones. Placeholder numbers are kept: sequential
 * (`+1234567890`), repeated digits (`+11111111111`) and the fictional NANP 555 exchange
 * (`+1 555 000 0000`, `(212) 555-0199`).
 *
 * Payment cards (`<CARD_NUMBER_n>`): 13–19 digits, in groups of four with one separator, Amex
 * 4-6-5 / Diners 4-6-4 or one run, in a brand's issuer range and length (Visa, Mastercard, Amex,
 * Discover, Diners, JCB, UnionPay, Maestro, Mir, RuPay) and Luhn-valid. Test numbers
 * (`4111 1111 1111 1111`) are redacted too: a number alone does not say it is a test card.
 *
 * IBANs (`<IBAN_n>`): upper-case, compact or in groups of four, of a country in the IBAN
 * registry with that country's length, and the ISO 7064 mod-97 checksum holds.
 *
 * Encoded secrets (`<ENCODED_SECRET_n>`): a base64/base64url token of 24+ characters that decodes
 * to printable ASCII, or a URL-encoded token (`%XX`), whose decoded text holds anything the rules
 * above would redact (a provider key, an `"api_key": "…"`, an email, …), is replaced whole.
 *
 * Home-folder users (`<USER_n>`, the namespace of URL users: the same name gets the same
 * placeholder): the name segment of `/Users/<name>/…`, `/home/<name>/…`, `/mnt/c/Users/<name>`,
 * `C:\Users\<name>\…` (also `C:/…`, escaped `\\`, one space: `John Smith`), `Documents and
 * Settings`. Service accounts and placeholders stay (`/home/node/.n8n`, `ubuntu`, `runner`,
 * `yourname`, `$USER`), so do URL paths (`https://x.io/home/about`).
 *
 * Speed (2,352 n8n.io templates, 34 MB, well under a second on a laptop): regexes are precompiled
 * and linear (bounded quantifiers, literal-first phone patterns, hand-written email and assignment
 * scanners); each string first goes through a cheap scan (a few `includes`, one native keyword
 * regex, one for six digits close together that gates the card, IBAN and phone rules, a sampled
 * search for the long runs every provider key and every base64 token contains) so most rules never
 * run; base64 candidates are decoded only when every fourth character fits ASCII text; strings known
 * to be clean (node types, option values, keys) are remembered per process — whether a string
 * changes depends on the string (and whether it is a phone field's value) alone, never on the
 * redactor's state.
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
