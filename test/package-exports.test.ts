/**
 * The package's public surface (package.json `exports`, api/*.ts, index.ts, README.md "Library"):
 * every subpath points at a module this repository builds, exports what README.md documents for
 * it, and the root keeps every name it has offered. n8n's entries (`n8n.nodes`, `n8n.credentials`)
 * and the `bin` are files loaded by path, outside the map: they must exist as sources too.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  main: string;
  types: string;
  bin: Record<string, string>;
  files: string[];
  exports: Record<string, string | { types: string; default: string }>;
  typesVersions: Record<string, Record<string, string[]>>;
  n8n: { nodes: string[]; credentials: string[] };
};
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

const SUBPATHS = ['validator', 'dataset', 'trainer', 'generator'] as const;

/** dist/x/y.js or dist/x/y.d.ts → the source x/y.ts that tsconfig.build.json compiles to it. */
const sourceOf = (target: string) => path.join(ROOT, target.replace(/^\.\//, '').replace(/^dist\//, '').replace(/(\.d)?\.ts$|\.js$/, '.ts'));

/** The runtime names of a module, loaded from source. */
const namesOf = (modulePath: string) => Object.keys(require(modulePath) as object).filter((n) => n !== '__esModule');

/**
 * What README.md's Library section documents for a subpath: the names its example requires from it
 * and the identifiers named in backticks in its paragraph (capitalised or camelCase: functions,
 * classes, constants).
 */
function documented(subpath: string): string[] {
  const section = readme.slice(readme.indexOf('\n## Library\n'), readme.indexOf('\n## ', readme.indexOf('\n## Library\n') + 1));
  const start = section.indexOf(`\`n8n-nodes-flowtune/${subpath}\` —`);
  if (start < 0) return [];
  const end = section.indexOf('```\n\n', section.indexOf('```js', start) + 5);
  const part = section.slice(start, end);
  const names = new Set<string>();
  for (const m of part.matchAll(/`([A-Za-z_$][\w$]*)`/g)) if (/[A-Z]/.test(m[1])) names.add(m[1]);
  for (const m of part.matchAll(new RegExp(`const \\{([^}]*)\\} = require\\('n8n-nodes-flowtune/${subpath}'\\)`, 'g'))) {
    for (const n of m[1].split(',')) names.add(n.trim());
  }
  return [...names].sort();
}

describe('package.json exports', () => {
  it('offers exactly the root, the four documented subpaths and package.json', () => {
    expect(Object.keys(manifest.exports)).toEqual(['.', ...SUBPATHS.map((s) => `./${s}`), './package.json']);
    expect(manifest.exports['./package.json']).toBe('./package.json');
  });

  it('gives each entry its types and its CommonJS file, built from a source in this repository', () => {
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (subpath === './package.json') continue;
      expect(target).toEqual({ types: expect.stringMatching(/^\.\/dist\/.+\.d\.ts$/), default: expect.stringMatching(/^\.\/dist\/.+\.js$/) });
      const { types, default: file } = target as { types: string; default: string };
      expect(types.replace(/\.d\.ts$/, '')).toBe(file.replace(/\.js$/, ''));
      expect(existsSync(sourceOf(file))).toBe(true);
    }
    // The root entry is the one `main` and `types` name (for tools that do not read `exports`).
    expect(manifest.exports['.']).toEqual({ types: `./${manifest.types}`, default: `./${manifest.main}` });
    const tsconfig = readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8');
    expect(tsconfig).toMatch(/"include": \[[^\]]*"api"/);
  });

  it('resolves each subpath’s types for TypeScript without `exports` support (typesVersions)', () => {
    expect(manifest.typesVersions).toEqual({ '*': Object.fromEntries(SUBPATHS.map((s) => [s, [(manifest.exports[`./${s}`] as { types: string }).types.replace(/^\.\//, '')]])) });
  });

  it('leaves what n8n and npm load by path to files that exist: the nodes, the credentials, the bin', () => {
    const byPath = [...manifest.n8n.nodes, ...manifest.n8n.credentials, ...Object.values(manifest.bin)];
    expect(byPath.length).toBeGreaterThan(4);
    for (const file of byPath) {
      expect(file).toMatch(/^dist\/.+\.js$/);
      expect(existsSync(sourceOf(file))).toBe(true);
    }
    expect(manifest.files).toContain('dist');
  });
});

describe('the subpath entries', () => {
  it.each(SUBPATHS)('%s exports every name README.md documents for it', (subpath) => {
    const names = documented(subpath);
    expect(names.length).toBeGreaterThanOrEqual(5);
    const exported = namesOf(path.join(ROOT, 'api', subpath));
    expect(names.filter((n) => !exported.includes(n))).toEqual([]);
  });

  it('the root offers every subpath’s names, the same objects, plus the errors', () => {
    const root = require(path.join(ROOT, 'index')) as Record<string, unknown>;
    const fromSubpaths = new Set<string>();
    for (const subpath of SUBPATHS) {
      const entry = require(path.join(ROOT, 'api', subpath)) as Record<string, unknown>;
      for (const name of namesOf(path.join(ROOT, 'api', subpath))) {
        expect([subpath, name, root[name]]).toEqual([subpath, name, entry[name]]);
        fromSubpaths.add(name);
      }
    }
    expect(namesOf(path.join(ROOT, 'index')).filter((n) => !fromSubpaths.has(n)).sort()).toEqual(['ERROR_KINDS', 'FlowtuneError', 'SERVICE_ERROR_KINDS', 'isFlowtuneError']);
  });

  it('no subpath repeats another’s names (one home per concept)', () => {
    const seen = new Map<string, string>();
    for (const subpath of SUBPATHS) {
      for (const name of namesOf(path.join(ROOT, 'api', subpath))) {
        expect([name, seen.get(name)]).toEqual([name, undefined]);
        seen.set(name, subpath);
      }
    }
  });

  it('the root still offers every name it offered before the subpaths (removing one would break users)', () => {
    // The flat list index.ts exported until the subpaths came (issue 16); additions are fine.
    const before = [
      'BASELINE_LABEL', 'ChatCompletionsModel', 'DEFAULT_BUILD_SETTINGS', 'DEFAULT_MAX_ISSUES', 'DEFAULT_MIN_CONFIDENCE', 'DEFAULT_MODEL_TIMEOUT_MS',
      'DEFAULT_POLICY', 'ERROR_KINDS', 'FIXABLE_CODES', 'FIXERS', 'FlowtuneError', 'ISSUE_CODES', 'JobRegistry', 'ModelTimeoutError', 'N8N_API_TIMEOUT_MS',
      'N8nApiClient', 'N8nApiError', 'NodeCatalog', 'NodeTypeInfo', 'OPENAI_STRICT_LIMITS', 'OfflineModel', 'PROVIDERS', 'REQUESTS_PROMPT_VERSION', 'Redactor',
      'RequestsEndpointError', 'RequestsNotConfirmedError', 'RetrievalIndex', 'SERVER_KINDS', 'SERVICE_ERROR_KINDS', 'SYSTEM_PROMPT_VERSION', 'TrainerError',
      'UnsupportedSettingsError', 'buildCatalog', 'buildDataset', 'buildN8nCatalog', 'checkJsonl', 'compactWorkflow', 'createProvider', 'describeProviderError',
      'ensureN8nCatalog', 'estimateTrainingCost', 'exportBundle', 'extractJson', 'findCanvasOverlaps', 'fixWorkflow', 'footprintRects', 'fromStrictWorkflow',
      'generateOffline', 'generateWorkflow', 'hydrateWorkflow', 'isFlowtuneError', 'isN8nPackageType', 'launchJob', 'loadCatalog', 'mergeCatalogs', 'mergePolicy',
      'n8nReleasePackages', 'nodeFootprints', 'offlineIndexFor', 'openAiStrictSchema', 'ownCatalogPath', 'parsePolicy', 'planLaunch', 'prepareCatalog',
      'probeServerKind', 'readCatalogFile', 'readEvalExamples', 'readTemplates', 'readTrainingExamples', 'redactText', 'redactWorkflowStrings', 'runEval',
      'saveJobMetrics', 'scoreExample', 'serializeCatalog', 'serverKindFromUrl', 'stockCatalogPath', 'summarise', 'systemPrompt', 'toStrictWorkflow',
      'unwrapWorkflow', 'validateWorkflow', 'watchJob', 'workflowResponseSchema', 'workflowSchema', 'writeRequestsWithModel',
    ];
    const root = namesOf(path.join(ROOT, 'index'));
    expect(before.filter((n) => !root.includes(n))).toEqual([]);
  });
});
