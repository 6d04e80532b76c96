/**
 * The committed stock catalog (schemas/catalog/load.ts: readStockCatalog, loadCatalog): its sources,
 * the node types and properties it records, memoisation.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { serializeCatalog } from '../../../schemas/catalog/build';
import { existsForNode } from '../../../schemas/catalog/display';
import { loadCatalog, ownCatalogPath, readCatalogFile, readStockCatalog, stockCatalogPath } from '../../../schemas/catalog/load';
import { findNode, propNames } from '../../helpers/catalog';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'flowtune-catalog-test-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// The committed stock catalog
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
