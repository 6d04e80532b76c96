/**
 * buildCatalog (schemas/catalog/build.ts) on hand-written node descriptions: versions, variants,
 * properties, tool and trigger types, grouping descriptions by package.
 */
import { buildCatalog, groupDescriptionsByPackage, serializeCatalog, type RawNodeDescription } from '../../../schemas/catalog/build';
import { NodeCatalog } from '../../../schemas/catalog/catalog';
import { readStockCatalog } from '../../../schemas/catalog/load';
import type { Catalog, CatalogVariant } from '../../../schemas/catalog/types';
import { validateWorkflow } from '../../../schemas/validator';
import { baseWorkflow, link, node } from '../../helpers/workflows';
import { findNode, propNames, PKG, source, desc } from '../../helpers/catalog';

// ---------------------------------------------------------------------------
// buildCatalog on hand-written descriptions

// ---------------------------------------------------------------------------

const build = (descriptions: RawNodeDescription[]) => buildCatalog([source(descriptions)]);

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
