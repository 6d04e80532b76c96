/**
 * Mutation testing on real n8n.io templates: every valid stock template gets one
 * fault per class injected into a deep copy, and the validator must report each
 * fault with its exact issue code — on 100% of the templates the class applies to.
 */
import { loadCatalog } from '../../../schemas/catalog/load';
import { validateWorkflow, type IssueCode, type ValidationPolicy, type ValidationResult } from '../../../schemas/validator';
import rejected from '../../fixtures/rejected-templates.json';
import { hasOwn, isObject } from '../../../schemas/json-value';
import {
  canCarry,
  deepFreeze,
  INVALID_OPTION,
  INVENTED_PARAMETER,
  INVENTED_TYPE,
  INVENTED_VERSION,
  MISSING_NODE,
  namedNodes,
  NodeFacts,
  pick,
  pickPlusNew,
  plainlyDisplayed,
  pointer,
  targetCount,
  typeOf,
  withConnection,
  withNode,
  withParameter,
  type Json,
  type Workflow,
} from '../../../scripts/faults';
import { loadTemplates, stockOnly } from '../../helpers/templates';

const catalog = loadCatalog();
const reviewedIds = new Set(Object.keys(rejected.templates));

const facts = new NodeFacts(catalog);
const info = (n: Json) => facts.info(n);
const propertyIndex = (n: Json) => facts.propertyIndex(n);
const portsOf = (n: Json, side: 'inputs' | 'outputs') => facts.ports(n, side);
const staticOptionKeys = (n: Json) => facts.staticOptionKeys(n);
const locatorModeKeys = (n: Json) => facts.locatorModeKeys(n);
const collectionKeys = (n: Json) => facts.collectionKeys(n);
const mainOutputCount = (n: Json) => facts.mainOutputCount(n);
const triggerIndexes = (wf: Workflow) => facts.triggerIndexes(wf);

interface Base {
  id: number;
  /** Deep-frozen. */
  workflow: Workflow;
  /** The template's own result under the default policy (valid). */
  baseline: ValidationResult;
}

interface Mutation {
  /** What is validated: the mutated workflow (or JSON text). */
  value: unknown;
  policy?: Partial<ValidationPolicy>;
  /** Short description of the fault, for failure messages. */
  what: string;
  /** When set, an issue with the expected code must point exactly here. */
  path?: string;
  /** Which flavour of the fault, for the per-class report. */
  variant?: string;
}

interface MutationClass {
  code: IssueCode;
  /** NO_TRIGGER is a warning; every other class is an error that makes the workflow invalid. */
  severity: 'error' | 'warning';
  /** Zero or more mutations of one template (an empty list: the class does not apply to it). */
  mutate: (base: Base) => Mutation[];
  /** A floor on how many templates the class must apply to, so a broken mutator cannot pass vacuously. */
  minTemplates: number;
}

const seenBy = (name: string) => (seenSets[name] ??= new Set<string>());
const seenSets: Record<string, Set<string>> = {};

/** Required string parameters of a node that are plainly displayed (and may be emptied). */
function requiredStringKeys(n: Json): string[] {
  const index = propertyIndex(n);
  if (!index || !isObject(n.parameters)) return [];
  const params = n.parameters;
  const names = index.required
    .filter((p) => p.type === 'string' && plainlyDisplayed(p, params))
    .filter((p) => !hasOwn(params, p.name) || typeof params[p.name] === 'string')
    .map((p) => p.name);
  return [...new Set(names)];
}

const CLASSES: MutationClass[] = [
  {
    code: 'INVALID_JSON',
    severity: 'error',
    minTemplates: 1500,
    mutate: ({ workflow }) => {
      const text = JSON.stringify(workflow);
      return [
        { value: text.slice(0, Math.floor(text.length / 2)), what: 'JSON text truncated to half', variant: 'half' },
        { value: text.slice(0, -1), what: 'JSON text without its last character', variant: 'last char' },
      ];
    },
  },
  {
    code: 'SCHEMA',
    severity: 'error',
    minTemplates: 1500,
    mutate: ({ id, workflow }) => {
      const out: Mutation[] = [];
      if (workflow.nodes.length > 0) {
        const i = pick(workflow.nodes.map((_, k) => k), id, 1);
        out.push({ value: withNode(workflow, i, (n) => ({ ...n, position: 'left' })), variant: 'position', what: `nodes[${i}].position = "left"`, path: pointer('nodes', i, 'position') });
      }
      const { connections: _dropped, ...noConnections } = workflow;
      out.push({ value: noConnections, variant: 'no connections', what: 'connections deleted', path: '' });
      return out;
    },
  },
  {
    code: 'UNKNOWN_NODE_TYPE',
    severity: 'error',
    minTemplates: 1500,
    mutate: ({ id, workflow }) => {
      const candidates = namedNodes(workflow);
      if (candidates.length === 0) return [];
      const i = pick(candidates, id, 2);
      return [
        {
          value: withNode(workflow, i, (n) => ({ ...n, type: INVENTED_TYPE })),
          what: `nodes[${i}] ("${workflow.nodes[i].name}", ${workflow.nodes[i].type}).type = ${INVENTED_TYPE}`,
          path: pointer('nodes', i, 'type'),
        },
      ];
    },
  },
  {
    code: 'UNKNOWN_TYPE_VERSION',
    severity: 'error',
    minTemplates: 1500,
    mutate: ({ id, workflow }) => {
      const candidates = namedNodes(workflow);
      if (candidates.length === 0) return [];
      const i = pick(candidates, id, 3);
      return [
        {
          value: withNode(workflow, i, (n) => ({ ...n, typeVersion: INVENTED_VERSION })),
          what: `nodes[${i}] (${workflow.nodes[i].type}).typeVersion = ${INVENTED_VERSION}`,
          path: pointer('nodes', i, 'typeVersion'),
        },
      ];
    },
  },
  {
    code: 'UNKNOWN_PARAMETER',
    severity: 'error',
    minTemplates: 1500,
    mutate: ({ id, workflow }) => {
      const nodes = workflow.nodes;
      const topLevel = nodes.flatMap((n, i) => (propertyIndex(n) && isObject(n.parameters) ? [i] : []));
      const out: Mutation[] = pickPlusNew(topLevel, id, 4, seenBy('unknown'), (i) => typeOf(nodes[i])).map((i) => ({
        value: withParameter(workflow, i, INVENTED_PARAMETER, 'x'),
        variant: 'top level',
        what: `nodes[${i}] (${typeOf(nodes[i])}).parameters.${INVENTED_PARAMETER} added`,
        path: pointer('nodes', i, 'parameters', INVENTED_PARAMETER),
      }));
      // Inside a collection too ("options": { … }).
      const nested = nodes.flatMap((n, i) => collectionKeys(n).map((key) => ({ i, key })));
      for (const { i, key } of pickPlusNew(nested, id, 16, seenBy('unknown-nested'), ({ i, key }) => `${typeOf(nodes[i])}#${key}`)) {
        out.push({
          value: withParameter(workflow, i, key, { ...((nodes[i].parameters as Json)[key] as Json), [INVENTED_PARAMETER]: 'x' }),
          variant: 'in a collection',
          what: `nodes[${i}] (${typeOf(nodes[i])}).parameters.${key}.${INVENTED_PARAMETER} added`,
          path: pointer('nodes', i, 'parameters', key, INVENTED_PARAMETER),
        });
      }
      return out;
    },
  },
  {
    code: 'INVALID_OPTION_VALUE',
    severity: 'error',
    minTemplates: 1000,
    mutate: ({ id, workflow }) => {
      const nodes = workflow.nodes;
      const options = nodes.flatMap((n, i) => staticOptionKeys(n).map((key) => ({ i, key })));
      const out: Mutation[] = pickPlusNew(options, id, 5, seenBy('option'), ({ i, key }) => `${typeOf(nodes[i])}#${key}`).map(({ i, key }) => ({
        value: withParameter(workflow, i, key, INVALID_OPTION),
        variant: 'options',
        what: `nodes[${i}] (${typeOf(nodes[i])}).parameters.${key}: ${JSON.stringify((nodes[i].parameters as Json)[key])} → "${INVALID_OPTION}"`,
        path: pointer('nodes', i, 'parameters', key),
      }));
      // An unknown resource-locator mode.
      const locators = nodes.flatMap((n, i) => locatorModeKeys(n).map((key) => ({ i, key })));
      for (const { i, key } of pickPlusNew(locators, id, 17, seenBy('locator'), ({ i, key }) => `${typeOf(nodes[i])}#${key}`)) {
        const locator = (nodes[i].parameters as Json)[key] as Json;
        out.push({
          value: withParameter(workflow, i, key, { ...locator, mode: INVALID_OPTION }),
          variant: 'locator mode',
          what: `nodes[${i}] (${typeOf(nodes[i])}).parameters.${key}.mode: ${JSON.stringify(locator.mode)} → "${INVALID_OPTION}"`,
          path: pointer('nodes', i, 'parameters', key, 'mode'),
        });
      }
      return out;
    },
  },
  {
    code: 'MISSING_REQUIRED_PARAMETER',
    severity: 'error',
    minTemplates: 500,
    mutate: ({ id, workflow, baseline }) => {
      const nodes = workflow.nodes;
      // Required parameters the template already leaves empty are reported (as warnings) before the mutation: skip those.
      const alreadyMissing = new Set(baseline.warnings.filter((e) => e.code === 'MISSING_REQUIRED_PARAMETER').map((e) => e.path));
      const candidates = nodes.flatMap((n, i) =>
        requiredStringKeys(n)
          .map((key) => ({ i, key }))
          .filter(({ key }) => !alreadyMissing.has(pointer('nodes', i, 'parameters', key))),
      );
      return pickPlusNew(candidates, id, 6, seenBy('required'), ({ i, key }) => `${typeOf(nodes[i])}#${key}`).map(({ i, key }) => ({
        value: withParameter(workflow, i, key, ''),
        policy: { strict: true },
        what: `nodes[${i}] (${typeOf(nodes[i])}).parameters.${key} = "" (was ${JSON.stringify((nodes[i].parameters as Json)[key])})`,
        path: pointer('nodes', i, 'parameters', key),
      }));
    },
  },
  {
    code: 'DUPLICATE_NODE_NAME',
    severity: 'error',
    minTemplates: 1500,
    mutate: ({ id, workflow }) => {
      const candidates = namedNodes(workflow);
      if (candidates.length < 2) return [];
      const i = pick(candidates, id, 7);
      const j = pick(
        candidates.filter((k) => k !== i),
        id,
        8,
      );
      const name = workflow.nodes[i].name;
      return [
        {
          value: withNode(workflow, j, (n) => ({ ...n, name })),
          what: `nodes[${j}] renamed to the name of nodes[${i}] (${JSON.stringify(name)})`,
          path: pointer('nodes', Math.max(i, j), 'name'),
        },
      ];
    },
  },
  {
    code: 'CONNECTION_UNKNOWN_NODE',
    severity: 'error',
    minTemplates: 1500,
    mutate: ({ id, workflow }) => {
      const out: Mutation[] = [];
      const candidates = namedNodes(workflow);
      if (candidates.length === 0) return out;
      // Into a node that takes main input, so the missing source is the only fault.
      const accepting = candidates.filter((i) => canCarry(portsOf(workflow.nodes[i], 'inputs'), 'main') === true);
      const name = workflow.nodes[pick(accepting.length > 0 ? accepting : candidates, id, 9)].name as string;
      out.push({
        value: withConnection(workflow, MISSING_NODE, 'main', 0, name),
        variant: 'from a missing node',
        what: `connection from missing "${MISSING_NODE}" to "${name}"`,
        path: pointer('connections', MISSING_NODE),
      });
      // To a missing node, from a node that has a main output (so nothing else is wrong).
      const sources = candidates.filter((i) => (mainOutputCount(workflow.nodes[i]) ?? 1) >= 1);
      if (sources.length > 0) {
        const from = workflow.nodes[pick(sources, id, 10)].name as string;
        out.push({
          value: withConnection(workflow, from, 'main', 0, MISSING_NODE),
          variant: 'to a missing node',
          what: `connection from "${from}" to missing "${MISSING_NODE}"`,
          path: pointer('connections', from, 'main', 0, targetCount(workflow, from, 'main', 0), 'node'),
        });
      }
      return out;
    },
  },
  {
    code: 'CONNECTION_BAD_OUTPUT_INDEX',
    severity: 'error',
    minTemplates: 1500,
    mutate: ({ id, workflow }) => {
      const nodes = workflow.nodes;
      const candidates = namedNodes(workflow).filter((i) => (mainOutputCount(nodes[i]) ?? 0) >= 1);
      // Prefer a target that accepts main input, so the output index is the only fault.
      const targets = namedNodes(workflow).filter((k) => canCarry(portsOf(nodes[k], 'inputs'), 'main') === true);
      return pickPlusNew(candidates, id, 11, seenBy('output'), (i) => `${typeOf(nodes[i])}/${String(nodes[i].onError)}`).map((i) => {
        const n = nodes[i];
        const name = n.name as string;
        const count = mainOutputCount(n) as number;
        const to = nodes[targets.length > 0 ? pick(targets, id, 12) : i].name as string;
        return {
          value: withConnection(workflow, name, 'main', count, to),
          what: `"${name}" (${typeOf(n)}, ${count} main outputs) connects from main output ${count} to "${to}"`,
          path: pointer('connections', name, 'main', count, targetCount(workflow, name, 'main', count)),
        };
      });
    },
  },
  {
    code: 'CONNECTION_BAD_TYPE',
    severity: 'error',
    minTemplates: 1500,
    mutate: ({ id, workflow }) => {
      const nodes = workflow.nodes;
      const named = namedNodes(workflow);
      const sources = named.filter((i) => canCarry(portsOf(nodes[i], 'outputs'), 'ai_languageModel') === false);
      const refusing = named.filter((i) => canCarry(portsOf(nodes[i], 'inputs'), 'ai_languageModel') === false);
      return pickPlusNew(sources, id, 13, seenBy('type'), (i) => typeOf(nodes[i])).map((i) => {
        const from = nodes[i].name as string;
        const to = nodes[pick(refusing.length > 0 ? refusing : named, id, 14)].name as string;
        return {
          value: withConnection(workflow, from, 'ai_languageModel', 0, to),
          what: `ai_languageModel connection "${from}" (${typeOf(nodes[i])}) → "${to}"`,
          // Reported where the source cannot emit it.
          path: pointer('connections', from, 'ai_languageModel'),
        };
      });
    },
  },
  {
    code: 'NO_TRIGGER',
    severity: 'warning',
    minTemplates: 1000,
    mutate: ({ workflow, baseline }) => {
      const triggers = triggerIndexes(workflow);
      if (triggers.length === 0 || baseline.warnings.some((w) => w.code === 'NO_TRIGGER')) return [];
      const names = new Set(triggers.map((i) => workflow.nodes[i].name));
      const connections: Record<string, Json> = {};
      for (const [source, byType] of Object.entries(workflow.connections)) {
        if (names.has(source)) continue;
        if (!isObject(byType)) {
          connections[source] = byType;
          continue;
        }
        // Drop connections into the removed triggers too (there should be none: triggers have no inputs).
        const kept: Json = {};
        for (const [type, outputs] of Object.entries(byType)) {
          kept[type] = Array.isArray(outputs)
            ? outputs.map((targets) => (Array.isArray(targets) ? targets.filter((t) => !(isObject(t) && names.has(t.node as string))) : targets))
            : outputs;
        }
        connections[source] = kept;
      }
      return [
        {
          value: { ...workflow, nodes: workflow.nodes.filter((_, i) => !triggers.includes(i)), connections },
          what: `${triggers.length} trigger node(s) (${[...names].join(', ')}) and their connections removed`,
        },
      ];
    },
  },
  {
    code: 'POLICY_DENIED_NODE',
    severity: 'error',
    minTemplates: 1500,
    mutate: ({ id, workflow }) => {
      const candidates = namedNodes(workflow);
      if (candidates.length === 0) return [];
      const i = pick(candidates, id, 15);
      return [
        {
          value: withNode(workflow, i, (n) => ({ ...n, type: 'n8n-nodes-base.executeCommand', typeVersion: 1, parameters: { command: 'ls' } })),
          what: `nodes[${i}] (${workflow.nodes[i].type}) turned into Execute Command`,
          path: pointer('nodes', i, 'type'),
        },
      ];
    },
  },
];

interface Tally {
  templates: number;
  mutations: number;
  failures: string[];
  /** Mutations whose errors held other codes besides the expected one (informational). */
  withOtherCodes: number;
  variants: Map<string, number>;
}

function caught(cls: MutationClass, m: Mutation, r: ValidationResult): string | undefined {
  const issues = cls.severity === 'error' ? r.errors : r.warnings;
  const found = issues.filter((e) => e.code === cls.code);
  const got = `errors ${JSON.stringify(r.errors.map((e) => e.code))}, warnings ${JSON.stringify(r.warnings.map((e) => e.code))}`;
  // The validator's last-resort catch turns an internal exception into a SCHEMA error: always a bug.
  const internal = r.errors.find((e) => e.message.startsWith('cannot check this value'));
  if (internal) return `internal exception: ${internal.message}`;
  if (found.length === 0) return `no ${cls.code} ${cls.severity}: ${got}`;
  if (m.path !== undefined && !found.some((e) => e.path === m.path)) {
    return `${cls.code} not at ${JSON.stringify(m.path)} (at ${JSON.stringify(found.map((e) => e.path))})`;
  }
  if (cls.severity === 'error' && r.valid) return `valid is true despite ${got}`;
  if (r.valid !== (r.errors.length === 0)) return `valid ${r.valid} disagrees with ${r.errors.length} error(s)`;
  return undefined;
}

describe('every mutation class is caught with its code on real templates, 100%', () => {
  let bases: Base[] = [];
  const tallies = new Map<IssueCode, Tally>();

  beforeAll(async () => {
    // The invented names must really be invented.
    expect(catalog.has(INVENTED_TYPE)).toBe(false);
    for (const t of catalog.types()) expect(t.entry.versions).not.toContain(INVENTED_VERSION);

    const stock = stockOnly(await loadTemplates(), catalog);
    for (const { record, workflow } of stock) {
      if (reviewedIds.has(String(record.id))) continue;
      // Only templates valid under the default policy (shell-access ones are policy-denied) are mutated.
      // Detection, not bounding, is measured here: every issue is listed (no maxIssues cap).
      const baseline = validateWorkflow(workflow, { catalog, maxIssues: Infinity });
      if (!baseline.valid) continue;
      bases.push({ id: record.id, workflow: deepFreeze(workflow as Workflow), baseline });
    }
  });

  afterAll(() => {
    const rows = CLASSES.map(({ code }) => {
      const t = tallies.get(code);
      return t
        ? `${code.padEnd(28)} templates ${String(t.templates).padStart(5)}  mutations ${String(t.mutations).padStart(5)}  caught ${t.mutations - t.failures.length}/${t.mutations}` +
          (t.variants.size > 0 ? `  [${[...t.variants].map(([v, n]) => `${v}: ${n}`).join(', ')}]` : '') +
          (t.withOtherCodes > 0 ? `  (other codes too: ${t.withOtherCodes})` : '')
        : `${code.padEnd(28)} not run`;
    });
    console.log(`mutation classes on ${bases.length} valid stock templates\n${rows.join('\n')}`);
    bases = [];
  });

  it('starts from well over 1,500 valid stock templates', () => {
    expect(bases.length).toBeGreaterThan(1500);
  });

  it.each(CLASSES.map((c) => [c.code, c] as const))('%s', (_code, cls) => {
    const tally: Tally = { templates: 0, mutations: 0, failures: [], withOtherCodes: 0, variants: new Map() };
    tallies.set(cls.code, tally);
    for (const base of bases) {
      // Templates are frozen: mutators copy on write (a write to the template would throw here).
      const mutations = cls.mutate(base);
      if (mutations.length === 0) continue;
      tally.templates++;
      for (const m of mutations) {
        tally.mutations++;
        if (m.variant) tally.variants.set(m.variant, (tally.variants.get(m.variant) ?? 0) + 1);
        const r = validateWorkflow(m.value, { catalog, policy: m.policy ?? {}, maxIssues: Infinity });
        const failure = caught(cls, m, r);
        if (failure) tally.failures.push(`template ${base.id}: ${m.what} → ${failure}`);
        if (r.errors.some((e) => e.code !== cls.code)) tally.withOtherCodes++;
      }
    }
    const shown = tally.failures.slice(0, 5).join('\n  ');
    expect({
      code: cls.code,
      failures: tally.failures.length,
      of: tally.mutations,
      first: shown,
    }).toEqual({ code: cls.code, failures: 0, of: tally.mutations, first: '' });
    expect(tally.templates).toBeGreaterThanOrEqual(cls.minTemplates);
  });
});
