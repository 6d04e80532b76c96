/**
 * Verbs a workflow description says a workflow does ("This workflow monitors…",
 * "Sends a Slack message…"), in their base form. A request is phrased from a sentence
 * only when its verb is one of these: "Create a workflow that X" needs X to be a verb
 * phrase, and the imperative ("Monitor…") needs the base form. Listed from the words
 * that follow "This workflow" and open list items in the n8n.io template descriptions.
 */
const BASE_VERBS = `
accept access add aggregate alert analyse analyze answer append apply approve archive ask assess assign attach audit
authenticate automate batch book bridge broadcast build bundle calculate call capture categorise categorize
chain check classify clean clone collect combine compare compile compose compress connect consolidate convert
copy crawl create crop cross-post curate deduplicate deliver deploy detect determine digest discover dispatch distribute
download draft dub edit email embed enrich escalate estimate evaluate export expose extract fetch fill filter find flag
forward gather generate grab handle identify import index ingest insert integrate interpret keep label launch list
listen load log look manage map match measure merge mirror moderate monitor move normalise normalize notify orchestrate
organise organize parse pause pick ping poll populate post predict prepare prioritise prioritize process produce
publish pull push qualify query queue rank read receive recommend record reformat refresh remind remove rename render
reply report repost request research resize respond retrieve return rewrite route run save scan schedule score scrape
search select send sort split spot store structure summarise summarize suggest sync synchronise synchronize tag
take test track transcribe transfer transform translate trigger turn update upload upscale validate verify visualise
visualize watch write
backup boost enhance explore get improve learn make migrate optimise optimize plan protect restore secure serve share
simplify streamline upgrade use follow delete reactivate hire recruit onboard control screen
`
  .trim()
  .split(/\s+/);

/** "watch" → "watches", "classify" → "classifies", "do" → "does": regular English third person. */
export function thirdPerson(base: string): string {
  if (/[^aeiou]y$/.test(base)) return `${base.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh|o)$/.test(base)) return `${base}es`;
  return `${base}s`;
}

const BASE = new Set(BASE_VERBS);
const FROM_THIRD_PERSON = new Map(BASE_VERBS.map((base) => [thirdPerson(base), base]));
// Phrasal and hyphenated forms people write: "Auto-posts", "Cross-posts", "re-sends".
const PREFIXED = /^(auto|re|cross|pre|bulk)-(.+)$/;

/** The base form of a listed verb in the third person ("monitors" → "monitor"), else undefined. */
export function baseOfThirdPerson(word: string): string | undefined {
  const lower = word.toLowerCase();
  const direct = FROM_THIRD_PERSON.get(lower);
  if (direct) return direct;
  const prefixed = PREFIXED.exec(lower);
  const inner = prefixed ? FROM_THIRD_PERSON.get(prefixed[2]) : undefined;
  return inner && prefixed ? `${prefixed[1]}-${inner}` : undefined;
}

/** Is `word` a listed verb in its base form ("Monitor", "auto-post")? */
export function isBaseVerb(word: string): boolean {
  const lower = word.toLowerCase();
  const prefixed = PREFIXED.exec(lower);
  return BASE.has(lower) || (prefixed !== null && BASE.has(prefixed[2]));
}
