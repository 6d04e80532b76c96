/**
 * `flowtune catalog build --package <local folder>` (cli/commands/catalog.ts) end to end, offline:
 * packages with dist/types/nodes.json and with node classes only, then validate --catalog.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { serializeCatalog, type RawNodeDescription } from '../../../schemas/catalog/build';
import { readCatalogFile } from '../../../schemas/catalog/load';
import { baseWorkflow, link, node } from '../../helpers/workflows';
import { findNode, propNames, desc } from '../../helpers/catalog';
import { cli } from '../../helpers/cli';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'flowtune-catalog-test-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// flowtune catalog build --package <local folder> end to end
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
