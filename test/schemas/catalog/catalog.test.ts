/**
 * The node catalog: the committed stock catalog, the pure builder, merging,
 * displayOptions semantics, fetching from a running n8n (a local fake) and
 * `flowtune catalog build` end to end with local package folders.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../cli/main';
import { runCatalogBuild } from '../../../cli/commands/catalog';
import type { CliIO } from '../../../cli/io';
import { buildCatalog, groupDescriptionsByPackage, serializeCatalog, type PackageDescriptions, type RawNodeDescription } from '../../../schemas/catalog/build';
import { mergeCatalogs, NodeCatalog } from '../../../schemas/catalog/catalog';
import { existsForNode, isDisplayed, type DisplayContext } from '../../../schemas/catalog/display';
import { CatalogSourceError, fetchN8nDescriptions } from '../../../schemas/catalog/fetch';
import { CatalogFileError, loadCatalog, ownCatalogPath, prepareCatalog, readCatalogFile, readStockCatalog, stockCatalogPath } from '../../../schemas/catalog/load';
import type { Catalog, CatalogNodeType, CatalogProperty, CatalogVariant, DisplayRule } from '../../../schemas/catalog/types';
import { validateWorkflow } from '../../../schemas/validator';
import { baseWorkflow, link, node } from '../../helpers/workflows';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'flowtune-catalog-test-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const findNode = (catalog: Catalog, type: string): CatalogNodeType => {
  const found = catalog.nodes.find((n) => n.type === type);
  if (!found) throw new Error(`${type} is not in the catalog`);
  return found;
};
const propNames = (props: CatalogProperty[]) => props.map((p) => p.name);

// ---------------------------------------------------------------------------
// (a) The committed stock catalog
// ---------------------------------------------------------------------------

describe('the stock catalog', () => {
  const stock = readStockCatalog();
  const catalog = loadCatalog();

  it('records its sources: n8n-nodes-base and @n8n/n8n-nodes-langchain with versions and type counts', () => {
    expect(stock.formatVersion).toBe(1);
    expect(stock.sources.map((s) => s.package)).toEqual(['n8n-nodes-base', '@n8n/n8n-nodes-langchain']);
    for (const source of stock.sources) {
      expect(source.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(source.nodeTypes).toBe(stock.nodes.filter((n) => n.package === source.package).length);
    }
    // The default catalog is the stock one plus flowtune's own nodes.
    const own = readCatalogFile(ownCatalogPath());
    expect(catalog.sources).toEqual([...stock.sources, ...own.sources]);
    expect(catalog.hasPackage('n8n-nodes-base')).toBe(true);
    expect(catalog.hasPackage('n8n-nodes-flowtune')).toBe(true);
    expect(catalog.hasPackage('n8n-nodes-acme')).toBe(false);
    expect(catalog.size).toBe(stock.nodes.length + own.nodes.length);
  });

  it('is stored in its canonical form: sorted, unique, one node per line', () => {
    const text = readFileSync(stockCatalogPath(), 'utf8');
    expect(serializeCatalog(stock)).toBe(text);
    const types = stock.nodes.map((n) => n.type);
    expect(new Set(types).size).toBe(types.length);
    expect(types).toEqual([...types].sort((a, b) => a.localeCompare(b)));
    expect(text.split('\n').filter((l) => l.startsWith('{"type":'))).toHaveLength(stock.nodes.length);
  });

  it('n8n-nodes-base.if has versions [1, 2, 2.1, 2.2, 2.3], from two merged descriptions', () => {
    const entry = findNode(stock, 'n8n-nodes-base.if');
    expect(entry.versions).toEqual([1, 2, 2.1, 2.2, 2.3]);
    expect(entry.defaultVersion).toBe(2.3);
    expect(entry.variants.map((v) => v.versions).sort((a, b) => a[0] - b[0])).toEqual([[1], [2, 2.1, 2.2, 2.3]]);
    // v1 and v2 are different descriptions: different properties.
    const info = catalog.get('n8n-nodes-base.if')!;
    expect(info.variantFor(1)!.properties.find((p) => p.name === 'conditions')!.type).toBe('fixedCollection');
    expect(info.variantFor(2.2)!.properties.find((p) => p.name === 'conditions')!.type).toBe('filter');
  });

  it('every version of every type belongs to exactly one variant', () => {
    for (const entry of stock.nodes) {
      if (entry.toolOf) continue;
      const all = entry.variants.flatMap((v) => v.versions);
      expect({ type: entry.type, versions: [...all].sort((a, b) => a - b) }).toEqual({ type: entry.type, versions: entry.versions });
    }
    const multi = stock.nodes.filter((n) => n.variants.length > 1).map((n) => n.type);
    expect(multi).toEqual(expect.arrayContaining(['n8n-nodes-base.if', 'n8n-nodes-base.set', '@n8n/n8n-nodes-langchain.agent']));
  });

  it('marks triggers', () => {
    expect(findNode(stock, 'n8n-nodes-base.scheduleTrigger').trigger).toBe(true);
    expect(findNode(stock, 'n8n-nodes-base.webhook').trigger).toBe(true);
    expect(findNode(stock, 'n8n-nodes-base.manualTrigger').trigger).toBe(true);
    expect(findNode(stock, 'n8n-nodes-base.set').trigger).toBe(false);
    expect(findNode(stock, 'n8n-nodes-base.if').trigger).toBe(false);
  });

  it('records static ports and dynamic ones with their possible types', () => {
    const ifNode = catalog.get('n8n-nodes-base.if')!;
    expect(ifNode.variantFor(2.2)!.outputs).toEqual({ types: ['main', 'main'] });
    expect(ifNode.variantFor(2.2)!.inputs).toEqual({ types: ['main'] });
    const trigger = catalog.get('n8n-nodes-base.scheduleTrigger')!.variantFor(1.2)!;
    expect(trigger.inputs).toEqual({ types: [] });
    expect(trigger.outputs).toEqual({ types: ['main'] });
    for (const version of [1.7, 2.2, 3.1]) {
      const agent = catalog.get('@n8n/n8n-nodes-langchain.agent')!.variantFor(version)!;
      expect(agent.inputs.dynamic).toBe(true);
      expect(agent.inputs.types).toEqual([]);
      expect(agent.inputs.possible).toEqual(expect.arrayContaining(['main', 'ai_languageModel', 'ai_tool']));
      expect(agent.outputs).toEqual({ types: ['main'] });
    }
  });

  it('keeps required / maxConnections of inputs, and evaluates expression inputs per parameter value', () => {
    const summarize = catalog.get('@n8n/n8n-nodes-langchain.chainSummarization')!.variantFor(1)!;
    expect(summarize.inputs).toEqual({
      types: ['main', 'ai_languageModel', 'ai_document'],
      limits: [null, { required: true, max: 1 }, { required: true, max: 1 }],
    });
    const agent = catalog.get('@n8n/n8n-nodes-langchain.agent')!.variantFor(3.1)!.inputs.cases!;
    expect(agent.reads).toEqual(['hasOutputParser', 'needsFallback']);
    // The chat model is required whatever the parameters; the fallback model only with needsFallback.
    for (const c of agent.cases) expect(c.limits![c.types.indexOf('ai_languageModel')]).toEqual({ required: true, max: 1 });
    const fallback = agent.cases.find((c) => c.when.needsFallback === true && !('hasOutputParser' in c.when))!;
    expect(fallback.types.filter((t) => t === 'ai_languageModel')).toHaveLength(2);
    const merge = catalog.get('n8n-nodes-base.merge')!.variantFor(3.2)!.inputs.cases!;
    expect(merge.reads).toEqual(['numberInputs']);
    expect(merge.cases.find((c) => c.when.numberInputs === 4)!.types).toEqual(['main', 'main', 'main', 'main']);
    expect(merge.cases.find((c) => !('numberInputs' in c.when))!.types).toEqual(['main', 'main']);
  });

  it('lists the runtime <name>Tool variants of usableAsTool nodes, and only those', () => {
    const slack = findNode(stock, 'n8n-nodes-base.slack');
    const slackTool = findNode(stock, 'n8n-nodes-base.slackTool');
    expect(slackTool.toolOf).toBe('n8n-nodes-base.slack');
    expect(slackTool.variants).toEqual([]);
    expect(slackTool.trigger).toBe(false);
    expect(slackTool.package).toBe('n8n-nodes-base');
    const usable = slack.variants.filter((v) => v.usableAsTool).flatMap((v) => v.versions).sort((a, b) => a - b);
    expect(usable.length).toBeGreaterThan(0);
    expect(slackTool.versions).toEqual(usable);

    // Loaded, the Tool type has ai_tool output, no inputs and a toolDescription.
    const info = catalog.get('n8n-nodes-base.slackTool')!;
    expect(info.isTool).toBe(true);
    for (const version of slackTool.versions) {
      const variant = info.variantFor(version)!;
      expect(variant.outputs).toEqual({ types: ['ai_tool'] });
      expect(variant.inputs).toEqual({ types: [] });
      expect(propNames(variant.properties)).toContain('toolDescription');
      expect(variant.credentials).toContain('slackApi');
    }
    expect(info.hasVersion(1)).toBe(false);
    // The base type does not have the tool-only parameter.
    expect(propNames(catalog.get('n8n-nodes-base.slack')!.variantFor(2.3)!.properties)).not.toContain('toolDescription');

    for (const type of ['n8n-nodes-base.ifTool', 'n8n-nodes-base.setTool', 'n8n-nodes-base.manualTriggerTool', 'n8n-nodes-base.scheduleTriggerTool']) {
      expect(catalog.has(type)).toBe(false);
    }
    for (const tool of stock.nodes.filter((n) => n.toolOf && !n.hitl)) {
      const base = findNode(stock, tool.toolOf!);
      expect(tool.type).toBe(`${base.type}Tool`);
      expect(base.variants.some((v) => v.usableAsTool)).toBe(true);
    }
    for (const entry of stock.nodes.filter((n) => !n.toolOf && n.variants.some((v) => v.usableAsTool))) {
      expect(catalog.has(`${entry.type}Tool`)).toBe(true);
    }
  });

  it('keeps @version displayOptions, and existsForNode applies them per version', () => {
    const v2 = findNode(stock, 'n8n-nodes-base.if').variants.find((v) => v.versions.includes(2))!;
    const loose = v2.properties.find((p) => p.name === 'looseTypeValidation')!;
    expect(loose.show!['@version']).toEqual([{ _cnd: { gte: 2.1 } }]);
    expect(existsForNode(loose, 2, false)).toBe(false);
    expect(existsForNode(loose, 2.1, false)).toBe(true);
    const info = catalog.get('n8n-nodes-base.if')!;
    expect(info.propertiesAt(2)!.byName.has('looseTypeValidation')).toBe(false);
    expect(info.propertiesAt(2.2)!.byName.has('looseTypeValidation')).toBe(true);
  });

  it('lists credential types', () => {
    expect(catalog.get('n8n-nodes-base.slack')!.variantFor(2.3)!.credentials).toEqual(expect.arrayContaining(['slackApi', 'slackOAuth2Api']));
    expect(catalog.get('n8n-nodes-base.webhook')!.variantFor(2)!.credentials).toEqual(expect.arrayContaining(['httpBasicAuth']));
    expect(catalog.get('n8n-nodes-base.set')!.variantFor(3.4)!.credentials).toEqual([]);
  });

  it('knows legacy option values n8n still understands (Code node language "python")', () => {
    const code = catalog.get('n8n-nodes-base.code')!;
    const language = code.propertiesAt(2)!.byName.get('language')!.find((p) => p.options)!;
    expect(language.options).not.toContain('python');
    expect(language.legacyOptions).toContain('python');
  });

  it('loadCatalog memoises per list of extra files', () => {
    expect(loadCatalog()).toBe(catalog);
    expect(loadCatalog([])).toBe(catalog);
  });
});

// ---------------------------------------------------------------------------
// (b) buildCatalog on hand-written descriptions
// ---------------------------------------------------------------------------

const PKG = 'n8n-nodes-test';
const source = (descriptions: RawNodeDescription[], pkg = PKG, version = '1.0.0'): PackageDescriptions => ({ package: pkg, version, descriptions });
const build = (descriptions: RawNodeDescription[]) => buildCatalog([source(descriptions)]);
const desc = (name: string, version: number | number[], extra: Partial<RawNodeDescription> & Record<string, unknown> = {}): RawNodeDescription => ({
  name,
  displayName: name[0].toUpperCase() + name.slice(1),
  group: ['transform'],
  version,
  inputs: ['main'],
  outputs: ['main'],
  properties: [],
  ...extra,
});
const onlyVariant = (catalog: Catalog, type: string): CatalogVariant => {
  const entry = findNode(catalog, type);
  expect(entry.variants).toHaveLength(1);
  return entry.variants[0];
};
const prop = (variant: CatalogVariant, name: string) => {
  const found = variant.properties.find((p) => p.name === name);
  if (!found) throw new Error(`no property ${name}`);
  return found;
};

describe('buildCatalog', () => {
  it('takes a version number or a list, prefixes the package, sorts versions', () => {
    const catalog = build([desc('single', 1), desc('many', [2, 1, 1.1]), desc(`${PKG}.qualified`, 3)]);
    expect(catalog.formatVersion).toBe(1);
    expect(catalog.sources).toEqual([{ package: PKG, version: '1.0.0', nodeTypes: 3 }]);
    expect(catalog.nodes.map((n) => n.type)).toEqual([`${PKG}.many`, `${PKG}.qualified`, `${PKG}.single`]);
    expect(findNode(catalog, `${PKG}.single`)).toMatchObject({ versions: [1], defaultVersion: 1, package: PKG, displayName: 'Single', trigger: false });
    expect(findNode(catalog, `${PKG}.many`)).toMatchObject({ versions: [1, 1.1, 2], defaultVersion: 2 });
    expect(onlyVariant(catalog, `${PKG}.many`).versions).toEqual([1, 1.1, 2]);
    expect(findNode(catalog, `${PKG}.qualified`).versions).toEqual([3]);
  });

  it('merges descriptions sharing a name into one type with one variant each', () => {
    const v1 = desc('shared', [1, 1.1], { description: 'first', properties: [{ name: 'old', type: 'string', default: '' }] });
    const v2 = desc('shared', 2, {
      displayName: 'Shared v2',
      outputs: ['main', 'main'],
      credentials: [{ name: 'sharedApi' }],
      properties: [{ name: 'new', type: 'number', default: 1 }],
    });
    const catalog = build([v1, v2]);
    expect(catalog.nodes).toHaveLength(1);
    expect(catalog.sources[0].nodeTypes).toBe(1);
    const entry = findNode(catalog, `${PKG}.shared`);
    expect(entry).toMatchObject({ versions: [1, 1.1, 2], defaultVersion: 2, displayName: 'Shared', description: 'first' });
    expect(entry.variants.map((v) => v.versions)).toEqual([[1, 1.1], [2]]);
    expect(entry.variants.map((v) => propNames(v.properties))).toEqual([['old'], ['new']]);
    expect(entry.variants.map((v) => v.outputs.types)).toEqual([['main'], ['main', 'main']]);
    expect(entry.variants.map((v) => v.credentials)).toEqual([[], ['sharedApi']]);

    const info = new NodeCatalog(catalog).get(`${PKG}.shared`)!;
    expect(propNames(info.variantFor(1.1)!.properties)).toEqual(['old']);
    expect(propNames(info.variantFor(2)!.properties)).toEqual(['new']);
    expect(info.hasVersion(1.5)).toBe(false);
  });

  it('uses the declared defaultVersion, else the newest version', () => {
    expect(findNode(build([desc('d', [1, 2, 3], { defaultVersion: 2 })]), `${PKG}.d`).defaultVersion).toBe(2);
    expect(findNode(build([desc('d', [1, 2, 3])]), `${PKG}.d`).defaultVersion).toBe(3);
    expect(findNode(build([desc('d', 1.5)]), `${PKG}.d`).defaultVersion).toBe(1.5);
  });

  it('marks expression-valued ports dynamic with the connection types they mention', () => {
    const inputs = `={{ ((parameters) => { const types = [{ type: "main" }]; if (parameters.hasOutputParser) types.push({ type: 'ai_outputParser' }); return [...types, { type: "ai_languageModel", required: true }, { type: \`ai_tool\` }, { type: "main" }]; })($parameter) }}`;
    const catalog = build([desc('dyn', 1, { inputs, outputs: [{ type: 'main', displayName: 'Done' }, 'main', { displayName: 'untyped' }] })]);
    const variant = onlyVariant(catalog, `${PKG}.dyn`);
    expect(variant.inputs).toMatchObject({ types: [], dynamic: true, possible: ['ai_languageModel', 'ai_outputParser', 'ai_tool', 'main'] });
    // Evaluated for every value of the parameters it reads (none defined here: only "unset").
    expect(variant.inputs.cases).toEqual({
      reads: ['hasOutputParser'],
      cases: [{ when: {}, types: ['main', 'ai_languageModel', 'ai_tool', 'main'], limits: [null, { required: true }, null, null] }],
    });
    expect(variant.outputs).toEqual({ types: ['main', 'main', 'main'] });
    // No ports declared: none.
    const none = onlyVariant(build([desc('none', 1, { inputs: undefined, outputs: undefined })]), `${PKG}.none`);
    expect(none.inputs).toEqual({ types: [] });
    expect(none.outputs).toEqual({ types: [] });
    // An expression naming no known type: dynamic, possible unknown.
    expect(onlyVariant(build([desc('opaque', 1, { outputs: '={{ $parameter.outputs }}' })]), `${PKG}.opaque`).outputs).toEqual({ types: [], dynamic: true, possible: [] });
  });

  it('keeps collection children and fixedCollection groups, compacted', () => {
    const catalog = build([
      desc('nested', 1, {
        properties: [
          {
            name: 'options',
            type: 'collection',
            default: {},
            placeholder: 'Add option',
            options: [
              { name: 'timeout', displayName: 'Timeout', type: 'number', default: 1000 },
              { name: 'format', displayName: 'Format', type: 'options', default: 'json', options: [{ name: 'JSON', value: 'json' }, { name: 'Text', value: 'text' }] },
            ],
          },
          {
            name: 'rules',
            type: 'fixedCollection',
            default: {},
            typeOptions: { multipleValues: true },
            options: [
              { name: 'values', displayName: 'Values', values: [{ name: 'field', displayName: 'Field', type: 'string', default: '', required: true }] },
              { name: 'extra', displayName: 'Extra', values: [{ name: 'flag', type: 'boolean', default: false }] },
            ],
          },
        ] as unknown as RawNodeDescription['properties'],
      }),
    ]);
    const variant = onlyVariant(catalog, `${PKG}.nested`);
    expect(prop(variant, 'options')).toEqual({
      name: 'options',
      type: 'collection',
      default: {},
      children: [
        { name: 'timeout', type: 'number', default: 1000 },
        { name: 'format', type: 'options', default: 'json', options: ['json', 'text'] },
      ],
    });
    expect(prop(variant, 'rules')).toEqual({
      name: 'rules',
      type: 'fixedCollection',
      default: {},
      multipleValues: true,
      groups: [
        { name: 'values', children: [{ name: 'field', type: 'string', default: '', required: true }] },
        { name: 'extra', children: [{ name: 'flag', type: 'boolean', default: false }] },
      ],
    });
  });

  it('static options become value lists; loadOptionsMethod / loadOptions mark them dynamic', () => {
    const catalog = build([
      desc('opts', 1, {
        properties: [
          { name: 'static', type: 'options', default: 'a', options: [{ name: 'A', value: 'a' }, { name: 'One', value: 1 }, { name: 'Yes', value: true }] },
          { name: 'multi', type: 'multiOptions', default: [], options: [{ name: 'X', value: 'x' }, { name: 'Y', value: 'y' }] },
          { name: 'remote', type: 'options', default: '', typeOptions: { loadOptionsMethod: 'getChannels' } },
          { name: 'declarative', type: 'multiOptions', default: [], typeOptions: { loadOptions: { routing: {} } } },
          { name: 'plain', type: 'string', default: '', required: false },
        ] as unknown as RawNodeDescription['properties'],
      }),
    ]);
    const variant = onlyVariant(catalog, `${PKG}.opts`);
    expect(prop(variant, 'static')).toEqual({ name: 'static', type: 'options', default: 'a', options: ['a', 1, true] });
    expect(prop(variant, 'multi')).toEqual({ name: 'multi', type: 'multiOptions', default: [], options: ['x', 'y'] });
    expect(prop(variant, 'remote')).toEqual({ name: 'remote', type: 'options', default: '', options: [], dynamicOptions: true });
    expect(prop(variant, 'declarative')).toMatchObject({ options: [], dynamicOptions: true });
    expect(prop(variant, 'plain')).toEqual({ name: 'plain', type: 'string', default: '' });
  });

  it('marks password fields secret, keeps required, resource-locator modes and displayOptions', () => {
    const catalog = build([
      desc('misc', 2, {
        properties: [
          { name: 'apiKey', type: 'string', default: '', typeOptions: { password: true }, required: true },
          { name: 'channel', type: 'resourceLocator', default: { mode: 'list', value: '' }, modes: [{ name: 'list' }, { name: 'id' }, { displayName: 'nameless' }] },
          {
            name: 'shown',
            type: 'string',
            default: '',
            displayOptions: { show: { resource: ['message'], '@version': [{ _cnd: { gte: 2 } }], broken: 'not-a-list' }, hide: { operation: ['delete'] } },
          },
          { name: 'emptyRules', type: 'string', default: '', displayOptions: { show: {} } },
          { displayName: 'A notice without a name', type: 'notice', default: '' },
        ] as unknown as RawNodeDescription['properties'],
      }),
    ]);
    const variant = onlyVariant(catalog, `${PKG}.misc`);
    expect(prop(variant, 'apiKey')).toEqual({ name: 'apiKey', type: 'string', default: '', required: true, secret: true });
    expect(prop(variant, 'channel').modes).toEqual(['list', 'id']);
    expect(prop(variant, 'shown').show).toEqual({ resource: ['message'], '@version': [{ _cnd: { gte: 2 } }] });
    expect(prop(variant, 'shown').hide).toEqual({ operation: ['delete'] });
    expect(prop(variant, 'emptyRules').show).toBeUndefined();
    expect(propNames(variant.properties)).toEqual(['apiKey', 'channel', 'shown', 'emptyRules']);
  });

  it('adds the <name>Tool entry for usableAsTool descriptions (their versions only)', () => {
    const catalog = build([
      desc('tooly', [1, 1.1], { description: 'Does tool things', properties: [{ name: 'text', type: 'string', default: '' }] }),
      desc('tooly', [2, 2.1], { usableAsTool: true, description: 'Does tool things', properties: [{ name: 'text', type: 'string', default: '' }] }),
      desc('plain', 1),
    ]);
    expect(catalog.nodes.map((n) => n.type)).toEqual([`${PKG}.plain`, `${PKG}.tooly`, `${PKG}.toolyTool`]);
    const tool = findNode(catalog, `${PKG}.toolyTool`);
    expect(tool).toMatchObject({ toolOf: `${PKG}.tooly`, versions: [2, 2.1], defaultVersion: 2.1, trigger: false, variants: [], package: PKG, displayName: 'Tooly Tool' });
    expect(catalog.sources[0].nodeTypes).toBe(3);

    const info = new NodeCatalog(catalog).get(`${PKG}.toolyTool`)!;
    expect(info.hasVersion(1)).toBe(false);
    const variant = info.variantFor(2.1)!;
    expect(variant).toMatchObject({ inputs: { types: [] }, outputs: { types: ['ai_tool'] } });
    // No resource/operation: a plain required toolDescription defaulting to the node's description.
    expect(variant.properties[0]).toEqual({ name: 'toolDescription', type: 'string', default: 'Does tool things', required: true });
    expect(propNames(variant.properties)).toEqual(['toolDescription', 'text']);
  });

  it('does not replace a real <name>Tool type with a derived one', () => {
    const catalog = build([desc('thing', 1, { usableAsTool: true }), desc('thingTool', [1, 5], { outputs: ['ai_tool'] })]);
    const tool = findNode(catalog, `${PKG}.thingTool`);
    expect(tool.toolOf).toBeUndefined();
    expect(tool.versions).toEqual([1, 5]);
    expect(tool.variants).toHaveLength(1);
  });

  it('polling nodes are triggers and get the pollTimes parameter n8n adds', () => {
    const catalog = build([desc('poller', 1, { group: ['trigger'], polling: true, inputs: [], properties: [{ name: 'event', type: 'string', default: '' }] })]);
    const entry = findNode(catalog, `${PKG}.poller`);
    expect(entry.trigger).toBe(true);
    const variant = onlyVariant(catalog, `${PKG}.poller`);
    expect(propNames(variant.properties)).toEqual(['pollTimes', 'event']);
    expect(prop(variant, 'pollTimes')).toMatchObject({ type: 'fixedCollection', opaque: true });
    // Polling alone makes a trigger.
    expect(findNode(build([desc('poller2', 1, { polling: true })]), `${PKG}.poller2`).trigger).toBe(true);
    // An explicit pollTimes property is not duplicated.
    const explicit = onlyVariant(build([desc('poller3', 1, { polling: true, properties: [{ name: 'pollTimes', type: 'fixedCollection', default: {} }] })]), `${PKG}.poller3`);
    expect(propNames(explicit.properties)).toEqual(['pollTimes']);
  });

  it('declarative nodes (requestDefaults) get the requestOptions collection', () => {
    const variant = onlyVariant(build([desc('declarative', 1, { requestDefaults: { baseURL: 'https://api.example.com' } })]), `${PKG}.declarative`);
    expect(prop(variant, 'requestOptions')).toMatchObject({ type: 'collection', opaque: true });
    expect(propNames(onlyVariant(build([desc('programmatic', 1)]), `${PKG}.programmatic`).properties)).toEqual([]);
  });

  it('supportsCORS adds allowedOrigins to the options collection', () => {
    const variant = onlyVariant(
      build([desc('hook', 1, { supportsCORS: true, properties: [{ name: 'options', type: 'collection', default: {}, options: [{ name: 'rawBody', type: 'boolean', default: false }] }] as unknown as RawNodeDescription['properties'] })]),
      `${PKG}.hook`,
    );
    expect(propNames(prop(variant, 'options').children!)).toEqual(['rawBody', 'allowedOrigins']);
  });

  it('keeps option values displayOptions still refer to as legacy options', () => {
    const catalog = build([
      desc('coder', 2, {
        properties: [
          { name: 'language', type: 'options', default: 'javaScript', options: [{ name: 'JavaScript', value: 'javaScript' }, { name: 'Python', value: 'pythonNative' }] },
          { name: 'pythonCode', type: 'string', default: '', displayOptions: { show: { language: ['python', 'pythonNative'], '@version': [{ _cnd: { gte: 2 } }] } } },
          { name: 'jsCode', type: 'string', default: '', displayOptions: { hide: { '/language': ['typeScript'] } } },
          { name: 'channel', type: 'options', default: '', typeOptions: { loadOptionsMethod: 'getChannels' } },
          { name: 'note', type: 'string', default: '', displayOptions: { show: { channel: ['general'] } } },
        ] as unknown as RawNodeDescription['properties'],
      }),
    ]);
    const variant = onlyVariant(catalog, `${PKG}.coder`);
    expect(prop(variant, 'language').options).toEqual(['javaScript', 'pythonNative']);
    expect(prop(variant, 'language').legacyOptions).toEqual(['python', 'typeScript']);
    // Dynamic option lists are open anyway.
    expect(prop(variant, 'channel').legacyOptions).toBeUndefined();
    // And the validator accepts the legacy value.
    const nodeCatalog = NodeCatalog.from([readStockCatalog(), catalog]);
    const wf = baseWorkflow([node('Code', `${PKG}.coder`, 2, { language: 'python', pythonCode: 'pass' })], { Set: { main: [[link('Code')]] } });
    expect(validateWorkflow(wf, { catalog: nodeCatalog }).errors).toEqual([]);
    const wrong = baseWorkflow([node('Code', `${PKG}.coder`, 2, { language: 'ruby' })], { Set: { main: [[link('Code')]] } });
    expect(validateWorkflow(wrong, { catalog: nodeCatalog }).errors.map((e) => e.code)).toEqual(['INVALID_OPTION_VALUE']);
  });

  it('keeps legacy option values of options nested in a collection', () => {
    const catalog = build([
      desc('nestedLegacy', 1, {
        properties: [
          {
            name: 'options',
            type: 'collection',
            default: {},
            options: [
              { name: 'format', type: 'options', default: 'json', options: [{ name: 'JSON', value: 'json' }] },
              { name: 'delimiter', type: 'string', default: ',', displayOptions: { show: { format: ['csv'] } } },
            ],
          },
        ] as unknown as RawNodeDescription['properties'],
      }),
    ]);
    const format = prop(onlyVariant(catalog, `${PKG}.nestedLegacy`), 'options').children!.find((p) => p.name === 'format')!;
    expect(format.legacyOptions).toEqual(['csv']);
  });

  it('skips descriptions without a name or a usable version, marks hidden types', () => {
    const catalog = build([
      { version: 1 } as unknown as RawNodeDescription,
      { name: 'noVersion' } as unknown as RawNodeDescription,
      desc('badVersion', ['x' as unknown as number]),
      desc('hiddenOne', 1, { hidden: true }),
      null as unknown as RawNodeDescription,
    ]);
    expect(catalog.nodes.map((n) => n.type)).toEqual([`${PKG}.hiddenOne`]);
    expect(findNode(catalog, `${PKG}.hiddenOne`).hidden).toBe(true);
  });

  it('dedupes credentials and keeps provenance per package', () => {
    const catalog = buildCatalog([
      source([desc('a', 1, { credentials: [{ name: 'x' }, { name: 'x' }, {}, { name: 'y' }] })], 'pkg-one', '1.0.0'),
      source([desc('b', 1), desc('c', 1)], '@scope/pkg-two', '2.0.0'),
    ]);
    expect(catalog.sources).toEqual([
      { package: 'pkg-one', version: '1.0.0', nodeTypes: 1 },
      { package: '@scope/pkg-two', version: '2.0.0', nodeTypes: 2 },
    ]);
    expect(findNode(catalog, 'pkg-one.a').variants[0].credentials).toEqual(['x', 'y']);
    expect(findNode(catalog, '@scope/pkg-two.b').package).toBe('@scope/pkg-two');
  });

  it('does not mutate the descriptions', () => {
    const descriptions = [
      desc('frozen', [2, 1], {
        usableAsTool: true,
        polling: true,
        supportsCORS: true,
        properties: [{ name: 'options', type: 'collection', default: {}, options: [] }] as unknown as RawNodeDescription['properties'],
      }),
    ];
    const before = JSON.stringify(descriptions);
    build(descriptions);
    expect(JSON.stringify(descriptions)).toBe(before);
  });

  it('serializeCatalog round-trips through JSON.parse, one node per line', () => {
    const catalog = build([desc('one', 1), desc('two', [1, 2], { usableAsTool: true }), desc('three', 3, { properties: [{ name: 'x', type: 'string', default: 'line\nbreak' }] })]);
    const text = serializeCatalog(catalog);
    expect(JSON.parse(text)).toEqual(catalog);
    const lines = text.split('\n');
    expect(lines[lines.length - 1]).toBe('');
    expect(lines).toHaveLength(catalog.nodes.length + 4);
    expect(JSON.parse(`${lines[0]}"nodes":[]}`)).toEqual({ formatVersion: 1, sources: catalog.sources, nodes: [] });
    expect(lines[1]).toBe('"nodes":[');
    catalog.nodes.forEach((n, i) => expect(JSON.parse(lines[2 + i].replace(/,$/, ''))).toEqual(n));
    expect(lines[lines.length - 2]).toBe(']}');
    // Empty catalogs serialize too.
    expect(JSON.parse(serializeCatalog(buildCatalog([])))).toEqual({ formatVersion: 1, sources: [], nodes: [] });
  });

  it('groupDescriptionsByPackage splits prefixed names by package', () => {
    const groups = groupDescriptionsByPackage(
      [
        { name: 'n8n-nodes-base.set', version: 1 },
        { name: '@n8n/n8n-nodes-langchain.agent', version: 1 },
        { name: 'n8n-nodes-base.if', version: 1 },
        { name: 'bare', version: 1 },
      ],
      { 'n8n-nodes-base': '1.2.3' },
    );
    expect(groups.map((g) => [g.package, g.version, g.descriptions.map((d) => d.name)])).toEqual([
      ['n8n-nodes-base', '1.2.3', ['n8n-nodes-base.set', 'n8n-nodes-base.if']],
      ['@n8n/n8n-nodes-langchain', 'unknown', ['@n8n/n8n-nodes-langchain.agent']],
      ['unknown', 'unknown', ['bare']],
    ]);
  });
});

// ---------------------------------------------------------------------------
// (c) mergeCatalogs
// ---------------------------------------------------------------------------

describe('mergeCatalogs', () => {
  const base = () =>
    buildCatalog([
      source(
        [
          desc('alpha', [1, 2], { properties: [{ name: 'fromBase', type: 'string', default: '' }] }),
          desc('beta', 1, { usableAsTool: true }),
        ],
        'n8n-nodes-x',
        '1.0.0',
      ),
    ]);
  const extra = () =>
    buildCatalog([
      source(
        [
          desc('alpha', [2, 3], { properties: [{ name: 'fromExtra', type: 'string', default: '' }] }),
          desc('alpha', 4, { properties: [{ name: 'fromExtraV4', type: 'string', default: '' }] }),
          desc('gamma', 1),
        ],
        'n8n-nodes-x',
        '0.9.0',
      ),
    ]);

  it('adds new types and variants only for unknown versions', () => {
    const merged = mergeCatalogs([base(), extra()]);
    expect(merged.formatVersion).toBe(1);
    expect(merged.sources.map((s) => s.version)).toEqual(['1.0.0', '0.9.0']);
    expect(merged.nodes.map((n) => n.type).sort()).toEqual(['n8n-nodes-x.alpha', 'n8n-nodes-x.beta', 'n8n-nodes-x.betaTool', 'n8n-nodes-x.gamma']);
    const alpha = findNode(merged, 'n8n-nodes-x.alpha');
    expect(alpha.versions).toEqual([1, 2, 3, 4]);
    expect(alpha.defaultVersion).toBe(4);
    expect(alpha.variants.map((v) => [v.versions, propNames(v.properties)])).toEqual([
      [[1, 2], ['fromBase']],
      [[3], ['fromExtra']],
      [[4], ['fromExtraV4']],
    ]);
    const info = new NodeCatalog(merged).get('n8n-nodes-x.alpha')!;
    expect(propNames(info.variantFor(2)!.properties)).toEqual(['fromBase']);
    expect(propNames(info.variantFor(3)!.properties)).toEqual(['fromExtra']);
  });

  it('the first catalog wins for versions both know, whichever order', () => {
    const merged = mergeCatalogs([extra(), base()]);
    const info = new NodeCatalog(merged).get('n8n-nodes-x.alpha')!;
    expect(propNames(info.variantFor(1)!.properties)).toEqual(['fromBase']);
    expect(propNames(info.variantFor(2)!.properties)).toEqual(['fromExtra']);
  });

  it('a type fully known adds nothing, and the inputs are not mutated', () => {
    const a = base();
    const b = base();
    const snapshot = JSON.stringify([a, b]);
    const merged = mergeCatalogs([a, b]);
    expect(findNode(merged, 'n8n-nodes-x.alpha').variants).toHaveLength(1);
    expect(JSON.stringify([a, b])).toBe(snapshot);
  });

  it('NodeCatalog.from and loadCatalog merge extra catalog files into the stock one', () => {
    const extraCatalog = buildCatalog([source([desc('acme', 1, { usableAsTool: true, properties: [{ name: 'color', type: 'string', default: '' }] })], 'n8n-nodes-acme', '0.1.0')]);
    // An older If with an unknown version 0.5: a new variant; the stock versions are untouched.
    const olderIf = buildCatalog([source([desc('if', [0.5, 2], { properties: [{ name: 'legacyOnly', type: 'string', default: '' }] })], 'n8n-nodes-base', '0.200.0')]);
    const dir = mkdtempSync(path.join(tmp, 'merge-'));
    const files = [path.join(dir, 'acme.json'), path.join(dir, 'old-if.json')];
    writeFileSync(files[0], serializeCatalog(extraCatalog));
    writeFileSync(files[1], serializeCatalog(olderIf));
    const catalog = loadCatalog(files);
    expect(catalog).not.toBe(loadCatalog());
    expect(loadCatalog(files)).toBe(catalog);
    expect(catalog.has('n8n-nodes-acme.acme')).toBe(true);
    expect(catalog.has('n8n-nodes-acme.acmeTool')).toBe(true);
    expect(catalog.hasPackage('n8n-nodes-acme')).toBe(true);
    expect(catalog.has('n8n-nodes-base.slack')).toBe(true);
    const ifInfo = catalog.get('n8n-nodes-base.if')!;
    expect(ifInfo.entry.versions).toEqual([0.5, 1, 2, 2.1, 2.2, 2.3]);
    expect(propNames(ifInfo.variantFor(0.5)!.properties)).toEqual(['legacyOnly']);
    expect(propNames(ifInfo.variantFor(2)!.properties)).not.toContain('legacyOnly');
    expect(catalog.sources.map((s) => s.package)).toEqual(['n8n-nodes-base', '@n8n/n8n-nodes-langchain', 'n8n-nodes-flowtune', 'n8n-nodes-acme', 'n8n-nodes-base']);
    // The stock catalog itself is not changed by merging.
    expect(loadCatalog().get('n8n-nodes-base.if')!.entry.versions).toEqual([1, 2, 2.1, 2.2, 2.3]);
  });

  it('readCatalogFile rejects missing, non-JSON and non-catalog files', () => {
    const dir = mkdtempSync(path.join(tmp, 'bad-'));
    const notJson = path.join(dir, 'not.json');
    writeFileSync(notJson, '{');
    const wrongFormat = path.join(dir, 'wrong.json');
    writeFileSync(wrongFormat, JSON.stringify({ formatVersion: 2, sources: [], nodes: [] }));
    expect(() => readCatalogFile(path.join(dir, 'missing.json'))).toThrow(CatalogFileError);
    expect(() => readCatalogFile(notJson)).toThrow(/not valid JSON/);
    expect(() => readCatalogFile(wrongFormat)).toThrow(/not a flowtune catalog/);
  });
});

// ---------------------------------------------------------------------------
// (d) displayOptions semantics
// ---------------------------------------------------------------------------

const ctx = (level: Record<string, unknown>, extra: Partial<DisplayContext> = {}): DisplayContext => ({
  version: 1,
  tool: false,
  root: level,
  level,
  ...extra,
});
const shown = (show: DisplayRule | undefined, level: Record<string, unknown>, extra: Partial<DisplayContext> = {}, hide?: DisplayRule) =>
  isDisplayed({ show, hide }, ctx(level, extra));
const cnd = (op: string, target: unknown) => ({ _cnd: { [op]: target } });

describe('isDisplayed', () => {
  it('shows a property without rules', () => {
    expect(isDisplayed({}, ctx({}))).toBe(true);
  });

  it('show: every key must match (AND), any listed value of a key will do (OR)', () => {
    const show = { resource: ['message', 'channel'], operation: ['post'] };
    expect(shown(show, { resource: 'message', operation: 'post' })).toBe(true);
    expect(shown(show, { resource: 'channel', operation: 'post' })).toBe(true);
    expect(shown(show, { resource: 'message', operation: 'delete' })).toBe(false);
    expect(shown(show, { resource: 'user', operation: 'post' })).toBe(false);
    expect(shown(show, { operation: 'post' })).toBe(false);
  });

  it('hide: any matching key hides (OR)', () => {
    const hide = { resource: ['message'], operation: ['delete'] };
    expect(shown(undefined, { resource: 'message', operation: 'post' }, {}, hide)).toBe(false);
    expect(shown(undefined, { resource: 'user', operation: 'delete' }, {}, hide)).toBe(false);
    expect(shown(undefined, { resource: 'user', operation: 'post' }, {}, hide)).toBe(true);
    expect(shown(undefined, {}, {}, hide)).toBe(true);
    // show and hide together.
    expect(shown({ resource: ['message'] }, { resource: 'message', operation: 'delete' }, {}, { operation: ['delete'] })).toBe(false);
    expect(shown({ resource: ['message'] }, { resource: 'message', operation: 'post' }, {}, { operation: ['delete'] })).toBe(true);
  });

  it('"/key" reads the top-level parameters, a bare key the current level, dots descend', () => {
    const root = { mode: 'top', options: { format: 'csv' } };
    const level = { mode: 'nested' };
    expect(shown({ '/mode': ['top'] }, level, { root })).toBe(true);
    expect(shown({ mode: ['top'] }, level, { root })).toBe(false);
    expect(shown({ mode: ['nested'] }, level, { root })).toBe(true);
    expect(shown({ '/options.format': ['csv'] }, level, { root })).toBe(true);
    expect(shown({ '/options.format': ['json'] }, level, { root })).toBe(false);
    expect(shown(undefined, level, { root }, { '/mode': ['top'] })).toBe(false);
  });

  it('list values match when any item matches a plain value, when every item passes a _cnd', () => {
    expect(shown({ events: ['push'] }, { events: ['issues', 'push'] })).toBe(true);
    expect(shown({ events: ['fork'] }, { events: ['issues', 'push'] })).toBe(false);
    expect(shown({ n: [cnd('gt', 1)] }, { n: [2, 3] })).toBe(true);
    expect(shown({ n: [cnd('gt', 1)] }, { n: [2, 0] })).toBe(false);
  });

  it('@version and @tool are properties of the node', () => {
    expect(shown({ '@version': [2] }, {}, { version: 2 })).toBe(true);
    expect(shown({ '@version': [2] }, {}, { version: 2.1 })).toBe(false);
    expect(shown({ '@version': [cnd('gte', 2)] }, {}, { version: 2.1 })).toBe(true);
    expect(shown({ '@tool': [true] }, {}, { tool: true })).toBe(true);
    expect(shown({ '@tool': [true] }, {}, { tool: false })).toBe(false);
    expect(shown(undefined, {}, { tool: true }, { '@tool': [true] })).toBe(false);
    // A parameter named "@version" does not fool it.
    expect(shown({ '@version': [2] }, { '@version': 2 }, { version: 1 })).toBe(false);
  });

  it.each<[string, unknown, unknown, boolean]>([
    ['gte', 2, 2, true],
    ['gte', 2, 1.9, false],
    ['lte', 2, 2, true],
    ['lte', 2, 2.1, false],
    ['gt', 2, 2.1, true],
    ['gt', 2, 2, false],
    ['lt', 2, 1, true],
    ['lt', 2, 2, false],
    ['between', { from: 1, to: 2 }, 1, true],
    ['between', { from: 1, to: 2 }, 1.5, true],
    ['between', { from: 1, to: 2 }, 2, true],
    ['between', { from: 1, to: 2 }, 2.5, false],
    ['between', { from: 1, to: 2 }, 0.5, false],
    ['eq', 'x', 'x', true],
    ['eq', 'x', 'y', false],
    ['eq', { a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, true],
    ['eq', { a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }, false],
    ['not', 'x', 'y', true],
    ['not', 'x', 'x', false],
    ['startsWith', 'ab', 'abc', true],
    ['startsWith', 'ab', 'cab', false],
    ['endsWith', 'bc', 'abc', true],
    ['endsWith', 'bc', 'bca', false],
    ['includes', 'b', 'abc', true],
    ['includes', 'z', 'abc', false],
    ['regex', '^a\\d+$', 'a12', true],
    ['regex', '^a\\d+$', 'b12', false],
    ['exists', true, 'x', true],
    ['exists', true, 0, true],
    ['exists', true, false, true],
    ['exists', true, '', false],
    ['exists', true, null, false],
    ['exists', true, undefined, false],
    ['unknownOperator', 1, 1, false],
  ])('_cnd %s %j against %j → %s', (op, target, value, expected) => {
    const level: Record<string, unknown> = value === undefined ? {} : { v: value };
    expect(shown({ v: [cnd(op, target)] }, level)).toBe(expected);
    // Hide uses the same conditions (a value that is absent never hides).
    if (value !== undefined) expect(shown(undefined, level, {}, { v: [cnd(op, target)] })).toBe(!expected);
  });

  it('a list of conditions passes when any condition passes', () => {
    const show = { v: [cnd('lt', 1), cnd('gt', 5), 3] };
    expect(shown(show, { v: 0 })).toBe(true);
    expect(shown(show, { v: 3 })).toBe(true);
    expect(shown(show, { v: 4 })).toBe(false);
    expect(shown(show, { v: 6 })).toBe(true);
  });

  it('an expression in a controlling parameter shows the field', () => {
    expect(shown({ resource: ['message'] }, { resource: '={{ $json.resource }}' })).toBe(true);
    expect(shown({ n: [cnd('gte', 5)] }, { n: '={{ 1 }}' })).toBe(true);
    expect(shown({ '/resource': ['message'] }, {}, { root: { resource: '={{ 1 }}' } })).toBe(true);
    // A hide rule does not match an expression.
    expect(shown(undefined, { resource: '={{ $json.resource }}' }, {}, { resource: ['message'] })).toBe(true);
    // Text that merely contains "=" later is a literal.
    expect(shown({ resource: ['message'] }, { resource: 'a=b' })).toBe(false);
  });

  it('compares resource-locator values by their .value', () => {
    const channel = (value: unknown) => ({ __rl: true, mode: 'list', value });
    expect(shown({ channel: ['C1'] }, { channel: channel('C1') })).toBe(true);
    expect(shown({ channel: ['C2'] }, { channel: channel('C1') })).toBe(false);
    expect(shown({ channel: [cnd('startsWith', 'C')] }, { channel: channel('C1') })).toBe(true);
    expect(shown(undefined, { channel: channel('C1') }, {}, { channel: ['C1'] })).toBe(false);
    expect(shown({ channel: ['C1'] }, { channel: channel('={{ $json.id }}') })).toBe(true);
    // Without __rl the object itself is the value.
    expect(shown({ channel: ['C1'] }, { channel: { mode: 'list', value: 'C1' } })).toBe(false);
  });

  it('never throws on values or conditions of the wrong type', () => {
    const weird: unknown[] = [
      null,
      undefined,
      0,
      -1,
      NaN,
      true,
      '',
      'text',
      '=',
      [],
      [null],
      [[1]],
      {},
      { a: 1 },
      { __rl: true },
      { __rl: true, value: { deep: 1 } },
      { toString: 1 },
      { toString: 1, valueOf: 1 },
      { valueOf: 'x' },
    ];
    const conditions: unknown[] = [
      'x',
      1,
      null,
      true,
      { _cnd: null },
      { _cnd: {} },
      { _cnd: 'gte' },
      { _cnd: { gte: null } },
      { _cnd: { gte: 'a' } },
      { _cnd: { lt: {} } },
      { _cnd: { between: null } },
      { _cnd: { between: 'x' } },
      { _cnd: { between: { from: 'a' } } },
      { _cnd: { includes: 5 } },
      { _cnd: { startsWith: null } },
      { _cnd: { endsWith: {} } },
      { _cnd: { regex: '(' } },
      { _cnd: { regex: 5 } },
      { _cnd: { regex: '.*' } },
      { _cnd: { eq: { a: 1 } } },
      { _cnd: { not: [1] } },
      { _cnd: { exists: true } },
    ];
    const failures: string[] = [];
    for (const value of weird) {
      for (const condition of conditions) {
        for (const key of ['v', '/v', 'v.w', '@version', '@tool', '@other']) {
          const level = { v: value };
          try {
            isDisplayed({ show: { [key]: [condition] } }, ctx(level, { root: level }));
            isDisplayed({ hide: { [key]: [condition] } }, ctx(level, { root: level }));
            existsForNode({ show: { [key]: [condition] }, hide: { [key]: [condition] } }, 1, false);
          } catch (error) {
            failures.push(`${key} ${JSON.stringify(condition)} vs ${JSON.stringify(value)}: ${(error as Error).message}`);
          }
        }
      }
    }
    expect([...new Set(failures)]).toEqual([]);
  });

  it('reads through non-object levels without throwing', () => {
    expect(shown({ 'a.b': ['x'] }, { a: 'text' })).toBe(false);
    expect(shown({ 'a.b': ['x'] }, { a: null })).toBe(false);
    expect(shown({ 'a.0': ['x'] }, { a: ['x'] })).toBe(true);
    expect(shown({ '/a': ['x'] }, {}, { root: null as unknown as Record<string, unknown> })).toBe(false);
  });
});

describe('existsForNode', () => {
  it('only the node conditions (@version, @tool) decide existence', () => {
    expect(existsForNode({}, 1, false)).toBe(true);
    const since2 = { show: { '@version': [cnd('gte', 2)] } };
    expect(existsForNode(since2, 1.9, false)).toBe(false);
    expect(existsForNode(since2, 2, false)).toBe(true);
    const listed = { show: { '@version': [1, 2], resource: ['nothing-matches'] } };
    expect(existsForNode(listed, 1, false)).toBe(true);
    expect(existsForNode(listed, 3, false)).toBe(false);
    expect(existsForNode({ hide: { '@version': [1] } }, 1, false)).toBe(false);
    expect(existsForNode({ hide: { '@version': [1] } }, 2, false)).toBe(true);
    expect(existsForNode({ hide: { resource: ['x'], '/operation': ['y'] } }, 1, false)).toBe(true);
    expect(existsForNode({ show: { resource: ['x'] } }, 1, false)).toBe(true);
    expect(existsForNode({ show: { '@tool': [true] } }, 1, true)).toBe(true);
    expect(existsForNode({ show: { '@tool': [true] } }, 1, false)).toBe(false);
    expect(existsForNode({ hide: { '@tool': [true] } }, 1, true)).toBe(false);
    expect(existsForNode({ show: { '@version': [{ _cnd: { between: { from: 1, to: 1.5 } } }] } }, 1.2, false)).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// (e) fetchN8nDescriptions against a local fake n8n
// ---------------------------------------------------------------------------

const OWNER = { email: 'owner@example.com', password: 'correct horse' };
const SESSION = 'n8n-auth=session-token-123';

const servedDescriptions: RawNodeDescription[] = [
  desc('n8n-nodes-base.set', [3, 3.4], { properties: [{ name: 'mode', type: 'options', default: 'manual', options: [{ name: 'Manual', value: 'manual' }] }] as unknown as RawNodeDescription['properties'] }),
  desc('n8n-nodes-base.manualTrigger', 1, { group: ['trigger'], inputs: [] }),
  desc('@n8n/n8n-nodes-langchain.agent', [1.7, 2], { inputs: '={{ [{ type: "main" }, { type: "ai_languageModel" }] }}' }),
  desc('n8n-nodes-acme.acme', [1, 2], { usableAsTool: true, properties: [{ name: 'color', type: 'options', default: 'red', options: [{ name: 'Red', value: 'red' }, { name: 'Blue', value: 'blue' }] }] as unknown as RawNodeDescription['properties'] }),
  desc('n8n-nodes-base.if', 2.2, { outputs: ['main', 'main'] }),
];

interface FakeN8n {
  url: string;
  requests: Array<{ method: string; url: string; cookie?: string; body?: unknown }>;
  close(): Promise<void>;
}

function startFakeN8n(options: { settingsStatus?: number; nodesBody?: unknown } = {}): Promise<FakeN8n> {
  const requests: FakeN8n['requests'] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const send = (status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', cookie: req.headers.cookie, body });
      const loggedIn = (req.headers.cookie ?? '').split(/;\s*/).includes(SESSION);
      if (req.method === 'POST' && req.url === '/rest/login') {
        if (!String(req.headers['content-type']).startsWith('application/json')) return send(415, { message: 'json only' });
        const login = body as { emailOrLdapLoginId?: string; password?: string; email?: string } | undefined;
        if (!login || typeof login.emailOrLdapLoginId !== 'string' || typeof login.password !== 'string') return send(400, { message: 'bad request' });
        if (login.emailOrLdapLoginId !== OWNER.email || login.password !== OWNER.password) return send(401, { message: 'Wrong username or password.' });
        return send(200, { data: { id: 'u1', email: OWNER.email, role: 'global:owner' } }, {
          'set-cookie': [`${SESSION}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax`, 'n8n-browser=b1; Path=/'],
        });
      }
      if (req.method === 'GET' && req.url === '/types/nodes.json') {
        if (!loggedIn) return send(401, { status: 'error', message: 'Unauthorized' });
        return send(200, options.nodesBody ?? servedDescriptions);
      }
      if (req.method === 'GET' && req.url === '/rest/settings') {
        if (options.settingsStatus && options.settingsStatus !== 200) return send(options.settingsStatus, { message: 'nope' });
        return send(200, { data: { versionCli: '2.8.4', userManagement: {} } });
      }
      send(404, { message: `not found: ${req.method} ${req.url}` });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function captureIO(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readStdin: () => '',
    color: false,
  };
}

async function cli(args: string[]) {
  const io = captureIO();
  const code = await runCli(args, io);
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}

describe('fetchN8nDescriptions (a local fake n8n)', () => {
  let n8n: FakeN8n;
  beforeAll(async () => {
    n8n = await startFakeN8n();
  });
  afterAll(() => n8n.close());

  it('logs in, reads /types/nodes.json with the session cookie, groups by package, records the n8n version', async () => {
    const before = n8n.requests.length;
    const groups = await fetchN8nDescriptions(`${n8n.url}/`, OWNER);
    const requests = n8n.requests.slice(before);
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/rest/login', body: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
    const typesRequest = requests.find((r) => r.url === '/types/nodes.json')!;
    expect(typesRequest.cookie).toContain(SESSION);
    expect(typesRequest.cookie).not.toMatch(/HttpOnly|Path=/i);

    expect(groups.map((g) => [g.package, g.version, g.descriptions.length])).toEqual([
      ['n8n-nodes-base', 'n8n@2.8.4', 3],
      ['@n8n/n8n-nodes-langchain', 'n8n@2.8.4', 1],
      ['n8n-nodes-acme', 'n8n@2.8.4', 1],
    ]);

    const catalog = buildCatalog(groups);
    expect(catalog.sources).toEqual([
      { package: 'n8n-nodes-base', version: 'n8n@2.8.4', nodeTypes: 3 },
      { package: '@n8n/n8n-nodes-langchain', version: 'n8n@2.8.4', nodeTypes: 1 },
      { package: 'n8n-nodes-acme', version: 'n8n@2.8.4', nodeTypes: 2 },
    ]);
    expect(catalog.nodes.map((n) => n.type)).toEqual([
      '@n8n/n8n-nodes-langchain.agent',
      'n8n-nodes-acme.acme',
      'n8n-nodes-acme.acmeTool',
      'n8n-nodes-base.if',
      'n8n-nodes-base.manualTrigger',
      'n8n-nodes-base.set',
    ]);
    expect(findNode(catalog, 'n8n-nodes-base.manualTrigger').trigger).toBe(true);
    expect(findNode(catalog, '@n8n/n8n-nodes-langchain.agent').variants[0].inputs).toMatchObject({ types: [], dynamic: true, possible: ['ai_languageModel', 'main'] });
  });

  it('records "n8n@unknown" when the settings are unavailable', async () => {
    const noSettings = await startFakeN8n({ settingsStatus: 500 });
    try {
      const groups = await fetchN8nDescriptions(noSettings.url, OWNER);
      expect(groups.map((g) => g.version)).toEqual(['n8n@unknown', 'n8n@unknown', 'n8n@unknown']);
    } finally {
      await noSettings.close();
    }
  });

  it('fails clearly on a bad login (HTTP 401)', async () => {
    const attempt = fetchN8nDescriptions(n8n.url, { email: OWNER.email, password: 'wrong' });
    await expect(attempt).rejects.toThrow(CatalogSourceError);
    await expect(fetchN8nDescriptions(n8n.url, { email: OWNER.email, password: 'wrong' })).rejects.toThrow(/login .*failed with HTTP 401/);
  });

  it('fails clearly when nodes.json is refused or is not a list', async () => {
    const notList = await startFakeN8n({ nodesBody: { data: [] } });
    try {
      await expect(fetchN8nDescriptions(notList.url, OWNER)).rejects.toThrow(/did not return a list/);
    } finally {
      await notList.close();
    }
  });

  it('fails clearly on an unreachable host', async () => {
    const port = await closedPort();
    await expect(fetchN8nDescriptions(`http://127.0.0.1:${port}`, OWNER)).rejects.toThrow(CatalogSourceError);
    await expect(fetchN8nDescriptions(`http://127.0.0.1:${port}`, OWNER)).rejects.toThrow(new RegExp(`cannot reach n8n at http://127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
  });

  it('flowtune catalog build --n8n-url writes a catalog validate can use', async () => {
    const out = path.join(mkdtempSync(path.join(tmp, 'n8n-url-')), 'mine.json');
    const run = await cli(['catalog', 'build', '--n8n-url', n8n.url, '--n8n-email', OWNER.email, '--n8n-password', OWNER.password, '--out', out]);
    expect(run.stderr).toContain(n8n.url);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(out);
    const written = readCatalogFile(out);
    expect(written.sources.map((s) => s.version)).toEqual(['n8n@2.8.4', 'n8n@2.8.4', 'n8n@2.8.4']);
    expect(readdirSync(path.dirname(out))).toEqual(['mine.json']);

    const wf = path.join(path.dirname(out), 'wf.json');
    writeFileSync(wf, JSON.stringify(baseWorkflow([node('Acme', 'n8n-nodes-acme.acme', 2, { color: 'blue' })], { Set: { main: [[link('Acme')]] } })));
    const validated = await cli(['validate', wf, '--catalog', out, '--json']);
    expect(JSON.parse(validated.stdout).results[0].errors).toEqual([]);
    expect(validated.code).toBe(0);
  });

  it('catalog build takes the login from N8N_EMAIL / N8N_PASSWORD, and needs one', async () => {
    const out = path.join(mkdtempSync(path.join(tmp, 'n8n-env-')), 'env.json');
    const io = captureIO();
    const code = await runCatalogBuild({ package: [], n8nUrl: n8n.url, out }, io, { N8N_EMAIL: OWNER.email, N8N_PASSWORD: OWNER.password });
    expect(code).toBe(0);
    expect(existsSync(out)).toBe(true);

    await expect(runCatalogBuild({ package: [], n8nUrl: n8n.url, out }, captureIO(), {})).rejects.toThrow(/owner login/);
    const missing = await cli(['catalog', 'build', '--n8n-url', n8n.url, '--out', out]);
    // runCli reads process.env; only assert the usage exit when no login is set there.
    if (!process.env.N8N_EMAIL || !process.env.N8N_PASSWORD) expect(missing.code).toBe(2);
  });

  it('catalog build exits 2 on a bad login, an unreachable host, or with nothing to read', async () => {
    const dir = mkdtempSync(path.join(tmp, 'n8n-bad-'));
    const out = path.join(dir, 'x.json');
    const badLogin = await cli(['catalog', 'build', '--n8n-url', n8n.url, '--n8n-email', OWNER.email, '--n8n-password', 'nope', '--out', out]);
    expect(badLogin.code).toBe(2);
    expect(badLogin.stderr).toContain('HTTP 401');
    const port = await closedPort();
    const unreachable = await cli(['catalog', 'build', '--n8n-url', `http://127.0.0.1:${port}`, '--n8n-email', 'a', '--n8n-password', 'b', '--out', out]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('cannot reach n8n');
    const nothing = await cli(['catalog', 'build', '--out', out]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('--package');
    const noOut = await cli(['catalog', 'build', '--n8n-url', n8n.url]);
    expect(noOut.code).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// (f) flowtune catalog build --package <local folder> end to end
// ---------------------------------------------------------------------------

describe('flowtune catalog build --package (local package folders, offline)', () => {
  let packages: string;
  let typedDir: string;
  let classDir: string;

  const writeFile = (file: string, text: string) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };

  beforeAll(() => {
    packages = mkdtempSync(path.join(tmp, 'packages-'));

    // A community package that ships dist/types/nodes.json (short names, like n8n's own packages).
    typedDir = path.join(packages, 'typed');
    writeFile(path.join(typedDir, 'package.json'), JSON.stringify({ name: 'n8n-nodes-typed', version: '1.2.3', n8n: { n8nNodesApiVersion: 1, nodes: ['dist/Typed.node.js'] } }));
    writeFile(
      path.join(typedDir, 'dist', 'types', 'nodes.json'),
      JSON.stringify([
        desc('typed', [1, 2], {
          properties: [{ name: 'mode', type: 'options', default: 'fast', options: [{ name: 'Fast', value: 'fast' }, { name: 'Slow', value: 'slow' }] }] as unknown as RawNodeDescription['properties'],
        }),
        desc('typedTrigger', 1, { group: ['trigger'], inputs: [], polling: true }),
      ]),
    );
    // If this file were loaded the build would fail: nodes.json must win.
    writeFile(path.join(typedDir, 'dist', 'Typed.node.js'), 'throw new Error("node classes must not be loaded when nodes.json exists");\n');

    // A community package with node classes only (as n8n's node CLI builds them), no dependencies.
    classDir = path.join(packages, 'classy');
    writeFile(
      path.join(classDir, 'package.json'),
      JSON.stringify({ name: 'n8n-nodes-classy', version: '0.3.1', main: 'index.js', n8n: { n8nNodesApiVersion: 1, credentials: [], nodes: ['dist/nodes/Classy/Classy.node.js', 'dist/nodes/Versioned/Versioned.node.js'] } }),
    );
    writeFile(path.join(classDir, 'index.js'), 'module.exports = {};\n');
    writeFile(
      path.join(classDir, 'dist', 'nodes', 'Classy', 'Classy.node.js'),
      `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Classy = void 0;
const helperValue = 42;
class Classy {
  constructor() {
    this.description = {
      displayName: 'Classy',
      name: 'classy',
      group: ['transform'],
      version: 1,
      description: 'A classy node',
      defaults: { name: 'Classy' },
      inputs: ['main'],
      outputs: ['main'],
      usableAsTool: true,
      credentials: [{ name: 'classyApi', required: true }],
      properties: [
        { displayName: 'Color', name: 'color', type: 'options', default: 'red', options: [{ name: 'Red', value: 'red' }, { name: 'Blue', value: 'blue' }] },
        { displayName: 'Token', name: 'token', type: 'string', default: '', typeOptions: { password: true } },
      ],
    };
  }
  async execute() { return [[]]; }
}
exports.Classy = Classy;
exports.HELPER = helperValue;
`,
    );
    writeFile(
      path.join(classDir, 'dist', 'nodes', 'Versioned', 'Versioned.node.js'),
      `"use strict";
class VersionedV1 {
  constructor(base) { this.description = { ...base, version: 1, inputs: ['main'], outputs: ['main'], properties: [{ name: 'oldField', type: 'string', default: '' }] }; }
}
class VersionedV2 {
  constructor(base) { this.description = { ...base, version: [2, 2.1], inputs: ['main'], outputs: ['main', 'main'], properties: [{ name: 'newField', type: 'string', default: '' }] }; }
}
class Versioned {
  constructor() {
    const base = { displayName: 'Versioned', name: 'versioned', group: ['transform'], description: 'Versioned node', defaultVersion: 2.1 };
    const v2 = new VersionedV2(base);
    this.description = base;
    this.nodeVersions = { 1: new VersionedV1(base), 2: v2, 2.1: v2 };
  }
}
class NeedsArguments {
  constructor(required) { if (!required) throw new Error('not a node'); }
}
module.exports = { Versioned, NeedsArguments };
`,
    );
  });

  it('builds a catalog from both packages and validate --catalog knows their types', async () => {
    const out = path.join(mkdtempSync(path.join(tmp, 'pkg-out-')), 'community.json');
    const run = await cli(['catalog', 'build', '--package', typedDir, '--package', classDir, '--out', out]);
    expect(run.stderr).not.toMatch(/flowtune: /);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(out);
    expect(run.stdout).toContain('n8n-nodes-typed 1.2.3 (2 types)');
    expect(run.stdout).toContain('n8n-nodes-classy 0.3.1 (3 types)');

    const text = readFileSync(out, 'utf8');
    const written = readCatalogFile(out);
    expect(text).toBe(serializeCatalog(written));
    expect(written.sources).toEqual([
      { package: 'n8n-nodes-typed', version: '1.2.3', nodeTypes: 2 },
      { package: 'n8n-nodes-classy', version: '0.3.1', nodeTypes: 3 },
    ]);
    expect(written.nodes.map((n) => n.type)).toEqual([
      'n8n-nodes-classy.classy',
      'n8n-nodes-classy.classyTool',
      'n8n-nodes-classy.versioned',
      'n8n-nodes-typed.typed',
      'n8n-nodes-typed.typedTrigger',
    ]);
    const classy = findNode(written, 'n8n-nodes-classy.classy');
    expect(classy).toMatchObject({ versions: [1], displayName: 'Classy', description: 'A classy node' });
    expect(classy.variants[0]).toMatchObject({ credentials: ['classyApi'], usableAsTool: true });
    expect(classy.variants[0].properties).toEqual([
      { name: 'color', type: 'options', default: 'red', options: ['red', 'blue'] },
      { name: 'token', type: 'string', default: '', secret: true },
    ]);
    const versioned = findNode(written, 'n8n-nodes-classy.versioned');
    expect(versioned).toMatchObject({ versions: [1, 2, 2.1], defaultVersion: 2.1 });
    expect(versioned.variants.map((v) => [v.versions, propNames(v.properties), v.outputs.types])).toEqual([
      [[1], ['oldField'], ['main']],
      [[2, 2.1], ['newField'], ['main', 'main']],
    ]);
    expect(findNode(written, 'n8n-nodes-typed.typedTrigger')).toMatchObject({ trigger: true });
    expect(findNode(written, 'n8n-nodes-typed.typed').variants[0].properties).toEqual([{ name: 'mode', type: 'options', default: 'fast', options: ['fast', 'slow'] }]);

    // validate --catalog <file> now knows the types and checks their parameters.
    const dir = path.dirname(out);
    const good = path.join(dir, 'good.json');
    const bad = path.join(dir, 'bad.json');
    writeFileSync(
      good,
      JSON.stringify(
        baseWorkflow(
          [
            node('Classy', 'n8n-nodes-classy.classy', 1, { color: 'blue' }),
            node('Typed', 'n8n-nodes-typed.typed', 2, { mode: 'slow' }),
            node('Versioned', 'n8n-nodes-classy.versioned', 2.1, { newField: 'x' }),
          ],
          { Set: { main: [[link('Classy')]] }, Classy: { main: [[link('Typed')]] }, Typed: { main: [[link('Versioned')]] } },
        ),
      ),
    );
    writeFileSync(
      bad,
      JSON.stringify(
        baseWorkflow(
          [
            node('Classy', 'n8n-nodes-classy.classy', 1, { color: 'green' }),
            node('Typed', 'n8n-nodes-typed.typed', 3, {}),
            node('Versioned', 'n8n-nodes-classy.versioned', 1, { newField: 'x' }),
          ],
          { Set: { main: [[link('Classy')]] }, Classy: { main: [[link('Typed')]] }, Typed: { main: [[link('Versioned')]] } },
        ),
      ),
    );
    const withoutCatalog = await cli(['validate', good, '--json']);
    expect(withoutCatalog.code).toBe(1);
    expect(JSON.parse(withoutCatalog.stdout).summary.byCode).toEqual({ UNKNOWN_NODE_TYPE: 3 });

    const validated = await cli(['validate', good, bad, '--catalog', out, '--json']);
    const report = JSON.parse(validated.stdout) as { results: Array<{ valid: boolean; errors: Array<{ code: string; path?: string }> }> };
    expect(report.results[0]).toMatchObject({ valid: true, errors: [] });
    expect(report.results[1].errors.map((e) => [e.code, e.path])).toEqual([
      ['INVALID_OPTION_VALUE', '/nodes/2/parameters/color'],
      ['UNKNOWN_TYPE_VERSION', '/nodes/3/typeVersion'],
      ['UNKNOWN_PARAMETER', '/nodes/4/parameters/newField'],
    ]);
    expect(validated.code).toBe(1);
  });

  it('fails with exit 2 and a clear message for a package that cannot be packed or declares no nodes', async () => {
    const out = path.join(mkdtempSync(path.join(tmp, 'pkg-bad-')), 'x.json');
    const missing = await cli(['catalog', 'build', '--package', path.join(packages, 'does-not-exist'), '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/npm pack .*failed/);

    const empty = path.join(packages, 'empty');
    writeFile(path.join(empty, 'package.json'), JSON.stringify({ name: 'n8n-nodes-empty', version: '1.0.0' }));
    const noNodes = await cli(['catalog', 'build', '--package', empty, '--out', out]);
    expect(noNodes.code).toBe(2);
    expect(noNodes.stderr).toContain('declares no nodes');
    expect(existsSync(out)).toBe(false);
  });
});

describe("the package's own nodes as a catalog", () => {
  it('is in step with the compiled node descriptions (npm run catalog:own)', () => {
    const { buildOwnCatalog, ownCatalogPath } = require('../../../schemas/catalog/own') as typeof import('../../../schemas/catalog/own');
    const { serializeCatalog } = require('../../../schemas/catalog/build') as typeof import('../../../schemas/catalog/build');
    const committed = require('node:fs').readFileSync(ownCatalogPath(), 'utf8') as string;
    expect(serializeCatalog(buildOwnCatalog())).toBe(committed);
    const types = (JSON.parse(committed) as { nodes: Array<{ type: string }> }).nodes.map((n) => n.type);
    expect(types).toEqual(expect.arrayContaining(['n8n-nodes-flowtune.fineTune', 'n8n-nodes-flowtune.fineTunedChat', 'n8n-nodes-flowtune.workflowGenerator']));
  });
});


describe('the catalog of one n8n release (--n8n-version)', () => {
  // A fixture stands in for a built release catalog (the real build from npm runs in
  // test/catalog-release.e2e.test.ts): what matters here is that it replaces the stock one.
  const older = (): Catalog => {
    const stock = readStockCatalog();
    const pick = (type: string) => stock.nodes.find((n) => n.type === type)!;
    const ifNode = pick('n8n-nodes-base.if');
    const ifTo22 = { ...ifNode, versions: ifNode.versions.filter((v) => v <= 2.2), defaultVersion: 2.2, variants: ifNode.variants.map((v) => ({ ...v, versions: v.versions.filter((x) => x <= 2.2) })).filter((v) => v.versions.length > 0) };
    return { formatVersion: 1, sources: [{ package: 'n8n-nodes-base', version: '1.80.3', nodeTypes: 2 }], nodes: [pick('n8n-nodes-base.manualTrigger'), ifTo22] };
  };
  const ifAt = (version: number) => baseWorkflow([node('If', 'if', version, {})], { Set: { main: [[link('If')]] } });
  let cacheDir: string;
  beforeAll(() => {
    cacheDir = mkdtempSync(path.join(tmp, 'releases-'));
    writeFileSync(path.join(cacheDir, 'n8n-1.81.4.json'), serializeCatalog(older()));
  });

  it('replaces the stock catalog: an If at typeVersion 2.3 is rejected by an n8n whose If stops at 2.2', () => {
    const release = loadCatalog({ n8nVersion: '1.81.4', cacheDir });
    expect(release.get('n8n-nodes-base.if')!.entry.versions).toEqual([1, 2, 2.1, 2.2]);
    const r = validateWorkflow(ifAt(2.3), { catalog: release });
    expect(r.errors.map((e) => e.code)).toContain('UNKNOWN_TYPE_VERSION');
    expect(validateWorkflow(ifAt(2.3), { catalog: loadCatalog() }).errors.map((e) => e.code)).not.toContain('UNKNOWN_TYPE_VERSION');
    // Replaced, not merged: what that n8n lacks is unknown; flowtune's own nodes stay.
    expect(release.has('n8n-nodes-base.slack')).toBe(false);
    expect(release.has('n8n-nodes-flowtune.workflowGenerator')).toBe(true);
    expect(loadCatalog({ n8nVersion: '1.81.4', cacheDir })).toBe(release);
  });

  it('says how to build a release catalog that is not cached, and refuses inexact versions', async () => {
    expect(() => loadCatalog({ n8nVersion: '1.70.0', cacheDir })).toThrow(/no catalog of n8n 1\.70\.0 yet: build it once with `flowtune catalog build --n8n-version 1\.70\.0`/);
    expect(() => loadCatalog({ n8nVersion: 'latest', cacheDir })).toThrow(/not an exact n8n version/);
    expect(() => loadCatalog({ n8nVersion: '../../etc/passwd', cacheDir })).toThrow(/not an exact n8n version/);
    // Cached already: prepareCatalog does not go to npm.
    expect(await prepareCatalog({ n8nVersion: '1.81.4', cacheDir })).toBe(loadCatalog({ n8nVersion: '1.81.4', cacheDir }));
  });

  it('flowtune validate --n8n-version: a usage error for a version that is not exact', async () => {
    const out: string[] = [];
    const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), readStdin: () => '', color: false };
    const file = path.join(tmp, 'if23.json');
    writeFileSync(file, JSON.stringify(ifAt(2.3)));
    expect(await runCli(['validate', file, '--n8n-version', '1.x'], io)).toBe(2);
    expect(out.join('')).toMatch(/--n8n-version must be an exact n8n version/);
  });

  it('flowtune validate --n8n-version reads the release catalog from the user cache folder', async () => {
    const out: string[] = [];
    const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), readStdin: () => '', color: false };
    const file = path.join(tmp, 'if23-cache.json');
    writeFileSync(file, JSON.stringify(ifAt(2.3)));
    const saved = process.env.XDG_CACHE_HOME;
    const home = mkdtempSync(path.join(tmp, 'xdg-'));
    mkdirSync(path.join(home, 'flowtune', 'catalogs'), { recursive: true });
    writeFileSync(path.join(home, 'flowtune', 'catalogs', 'n8n-1.81.4.json'), serializeCatalog(older()));
    process.env.XDG_CACHE_HOME = home;
    try {
      if (process.platform !== 'linux') return;
      expect(await runCli(['validate', file, '--json', '--n8n-version', '1.81.4'], io)).toBe(1);
      expect(out.join('')).toContain('UNKNOWN_TYPE_VERSION');
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  });
});
