/**
 * The dataset builder end to end on generated inputs: sources and broken files,
 * cleaning, requests, duplicates, the split, formats, determinism and leaks.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, utimesSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadCatalog } from '../../schemas/catalog/load';
import { buildDataset, DEFAULT_BUILD_SETTINGS, EmptyDatasetError, type BuildOptions } from '../../dataset/build';
import { checkJsonl } from '../../dataset/check';
import { cleanWorkflow } from '../../dataset/clean';
import { NearDuplicateIndex, structureKey } from '../../dataset/dedupe';
import { FORMATS } from '../../dataset/formats';
import { buildRequests, nodeSummary, syntheticRequest } from '../../dataset/requests';
import { readDirectory } from '../../dataset/sources/directory';
import { readJsonl } from '../../dataset/sources/jsonl';
import { readN8nWorkflows } from '../../dataset/sources/n8n';
import { parseSourceSpec } from '../../dataset/sources';
import { IDLE_MS, PreparePool } from '../../dataset/prepare-pool';
import { Spool } from '../../dataset/spool';
import { FolderLockedError, LOCK_FILE_NAME, OutputFiles } from '../../dataset/writer';
import { splitValidation } from '../../dataset/split';
import { validateWorkflow } from '../../schemas/validator';
import { expectOnCanvas } from '../helpers/canvas';
import { link, node } from '../helpers/workflows';

const catalog = loadCatalog();
const tmp = () => mkdtempSync(path.join(tmpdir(), 'flowtune-dataset-'));

/** A valid workflow whose shape varies with `i` (so structural dedupe keeps them apart). */
function workflow(i: number, extra: Record<string, unknown> = {}) {
  const middle = ['set', 'noOp', 'wait', 'dateTime', 'crypto'][i % 5];
  const nodes = [
    node('Webhook', 'webhook', 2, { path: `hook-${i}`, options: {} }, { webhookId: `wh-${i}`, id: `id-${i}-a` }),
    node('Step', middle, middle === 'set' ? 3.4 : middle === 'wait' ? 1.1 : middle === 'dateTime' ? 2 : 1, {}, { id: `id-${i}-b` }),
  ];
  for (let k = 0; k < i % 4; k++) nodes.push(node(`Extra ${k}`, 'noOp', 1));
  const connections: Record<string, unknown> = { Webhook: { main: [[link('Step')]] } };
  let previous = 'Step';
  for (let k = 0; k < i % 4; k++) {
    connections[previous] = { main: [[link(`Extra ${k}`)]] };
    previous = `Extra ${k}`;
  }
  return { name: `Workflow ${i}`, nodes, connections, ...extra };
}

function baseOptions(outDir: string, sources: BuildOptions['sources']): BuildOptions {
  return { ...DEFAULT_BUILD_SETTINGS, sources, outDir, catalog, formats: new Set(FORMATS), validationSplit: 0.2, seed: 7 };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('sources', () => {
  it('parses --from specs', () => {
    expect(parseSourceSpec('templates')).toEqual({ kind: 'templates' });
    expect(parseSourceSpec('dir:./x')).toEqual({ kind: 'dir', path: './x' });
    expect(parseSourceSpec('jsonl:a.jsonl')).toEqual({ kind: 'jsonl', path: 'a.jsonl' });
    expect(parseSourceSpec('n8n:http://localhost:5678')).toEqual({ kind: 'n8n', baseUrl: 'http://localhost:5678' });
    expect(() => parseSourceSpec('ftp:x')).toThrow(/unknown source/);
  });

  it('reads directories recursively and reports broken files without stopping', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify(workflow(1)));
    writeFileSync(path.join(dir, 'sub', 'b.json'), JSON.stringify([workflow(2), workflow(3)]));
    writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ name: 'rec', description: 'desc', workflow: workflow(4) }));
    writeFileSync(path.join(dir, 'd.json'), JSON.stringify({ workflow: { name: 'api', description: 'api desc', workflow: workflow(5) } }));
    writeFileSync(path.join(dir, 'concatenated.json'), `${JSON.stringify(workflow(6))}${JSON.stringify(workflow(7))}`);
    writeFileSync(path.join(dir, 'empty.json'), '');
    writeFileSync(path.join(dir, 'bad-utf8.json'), Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
    const records = await collect(readDirectory(dir));
    const byRef = Object.fromEntries(records.map((r) => [r.provenance.ref, r]));
    expect(Object.keys(byRef).sort()).toEqual(['a.json', 'bad-utf8.json', 'c.json', 'concatenated.json', 'd.json', 'empty.json', 'sub/b.json[0]', 'sub/b.json[1]']);
    expect(byRef['concatenated.json'].error).toMatch(/not valid JSON: line 1, column \d+/);
    expect(byRef['empty.json'].error).toBe('empty file');
    expect(byRef['bad-utf8.json'].error).toBe('not valid UTF-8');
    expect(byRef['c.json']).toMatchObject({ name: 'rec', description: 'desc' });
    expect(byRef['d.json']).toMatchObject({ name: 'api', description: 'api desc' });
  });

  it('streams JSONL with line numbers', async () => {
    const dir = tmp();
    const file = path.join(dir, 'w.jsonl');
    writeFileSync(file, `${JSON.stringify(workflow(1))}\n\n{broken\n${JSON.stringify({ name: 'r', workflow: workflow(2) })}\n[1]\n`);
    const records = await collect(readJsonl(file));
    expect(records.map((r) => [r.provenance.ref.split(':').pop(), r.error === undefined])).toEqual([
      ['1', true],
      ['3', false],
      ['4', true],
      ['5', false],
    ]);
  });

  it('reports a JSONL path that cannot be read as a record, not an exception (missing, a folder)', async () => {
    const dir = tmp();
    const missing = path.join(dir, 'typo.jsonl');
    expect(await collect(readJsonl(missing))).toEqual([{ provenance: { source: 'jsonl', ref: missing }, error: 'cannot read (ENOENT)' }]);
    expect(await collect(readJsonl(dir))).toEqual([{ provenance: { source: 'jsonl', ref: dir }, error: 'cannot read (EISDIR)' }]);
  });
});

describe('n8n public API source', () => {
  /** A fake n8n public API: two pages of workflows behind X-N8N-API-KEY. */
  async function fakeN8n(): Promise<{ url: string; close: () => Promise<void>; requests: string[] }> {
    const http = await import('node:http');
    const requests: string[] = [];
    const all = Array.from({ length: 3 }, (_, i) => ({ id: `wf${i}`, active: false, ...workflow(i) }));
    const server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.headers['x-n8n-api-key'] !== 'secret-key') {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'unauthorized' }));
        return;
      }
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/api/v1/workflows') return void res.writeHead(404).end();
      const cursor = url.searchParams.get('cursor');
      const page = cursor === 'page2' ? { data: all.slice(2), nextCursor: null } : { data: all.slice(0, 2), nextCursor: 'page2' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  it('pages through every workflow with the API key and keeps provenance', async () => {
    const n8n = await fakeN8n();
    try {
      const records = await collect(readN8nWorkflows(n8n.url, 'secret-key'));
      expect(records.map((r) => r.provenance.ref)).toEqual([`${n8n.url}#wf0`, `${n8n.url}#wf1`, `${n8n.url}#wf2`]);
      expect(records[0]).toMatchObject({ name: 'Workflow 0', provenance: { source: 'n8n', url: `${n8n.url}/workflow/wf0` } });
      expect(n8n.requests).toEqual(['/api/v1/workflows?limit=250', '/api/v1/workflows?limit=250&cursor=page2']);
      const out = path.join(tmp(), 'out');
      const report = await buildDataset({ ...baseOptions(out, [{ kind: 'n8n', baseUrl: n8n.url }]), n8nApiKey: 'secret-key' });
      expect(report.counts.read).toBe(3);
    } finally {
      await n8n.close();
    }
  });

  it('explains a refused key and an unreachable host', async () => {
    const n8n = await fakeN8n();
    try {
      await expect(collect(readN8nWorkflows(n8n.url, 'wrong'))).rejects.toThrow(/refused the API key \(HTTP 401\)/);
    } finally {
      await n8n.close();
    }
    await expect(collect(readN8nWorkflows('http://127.0.0.1:9', 'k'))).rejects.toThrow(/cannot reach n8n at http:\/\/127.0.0.1:9/);
  });
});

describe('cleaning', () => {
  it('drops instance data, keeps credential types, moves sticky notes out', () => {
    const raw = {
      ...workflow(1),
      id: 'wf1',
      meta: { instanceId: 'abc' },
      pinData: { Webhook: [{ json: { email: 'x@y.z' } }] },
      versionId: 'v',
      staticData: { a: 1 },
      active: true,
      tags: [{ name: 't' }],
    };
    raw.nodes.push(node('Note', 'stickyNote', 1, { content: '## How it works\nIt forwards webhooks.' }));
    (raw.nodes[1] as Record<string, unknown>).credentials = { httpHeaderAuth: { id: '12', name: 'My secret header' } };
    const { workflow: cleaned, stickyNotes, dropped } = cleanWorkflow(raw);
    expect(Object.keys(cleaned).sort()).toEqual(['connections', 'name', 'nodes']);
    expect(cleaned.nodes.map((n) => n.name)).toEqual(['Webhook', 'Step', 'Extra 0']);
    expect(cleaned.nodes[0]).not.toHaveProperty('id');
    expect(cleaned.nodes[0]).not.toHaveProperty('webhookId');
    expect(cleaned.nodes[1].credentials).toEqual({ httpHeaderAuth: {} });
    expect(stickyNotes).toEqual(['## How it works\nIt forwards webhooks.']);
    expect(dropped).toEqual(expect.arrayContaining(['active', 'credentials', 'id', 'meta', 'node.id', 'node.webhookId', 'pinData', 'staticData', 'stickyNotes', 'tags', 'versionId']));
    expect(JSON.stringify(cleaned)).not.toContain('My secret header');
  });
});

describe('requests', () => {
  const input = (description: string | undefined, name?: string) => ({ ...(name ? { name } : {}), ...(description ? { description } : {}), stickyNotes: () => [], workflow: workflow(1) as never });

  it('asks with the description sentence that says what the workflow does, and the title; without markdown, setup or credentials', () => {
    const description = [
      '## 🧩 What this workflow does',
      '',
      'This workflow watches a **GitHub** repository for new issues and posts them to [Slack](https://slack.com) with labels.',
      '',
      '## Setup',
      '',
      '1. Add your GitHub credential and API key.',
    ].join('\n');
    const { requests, stripped } = buildRequests(input(description, 'GitHub to Slack'), catalog, 3);
    expect(requests.map((r) => [r.source, r.length])).toEqual([
      ['description', 'typical'],
      ['title', 'terse'],
    ]);
    expect(requests[0].text).toMatch(/^(Watch|Create a workflow that watches|Build an n8n workflow that watches|I need a workflow that watches) a GitHub repository for new issues and (post|posts) them to Slack with labels\.$/);
    expect(requests[1].text).toBe('Build a GitHub to Slack');
    expect(stripped).toEqual({ setup: 1 });
    // Only setup: the title alone; nothing at all: a synthetic request from the nodes.
    expect(buildRequests(input('## Setup\n\nAdd your credentials and API key here, then run it.', 'Send Gmail attachments to Google Drive'), catalog).requests).toEqual([
      { text: 'Send Gmail attachments to Google Drive', source: 'title', length: 'terse' },
    ]);
    const symbols = buildRequests(input('🚀🚀🚀 ✅✅✅ ⭐⭐⭐ — 1234567890 — 🔥🔥🔥🔥🔥 ✨✨✨✨ 2024-01-01 ==== ----'), catalog).requests;
    expect(symbols.map((r) => r.source)).toEqual(['synthetic']);
    // Long descriptions are cut at a clause, never past the length classes.
    const long = buildRequests(input(`This workflow sends ${'a very long list of things, '.repeat(40)}and more.`, 'n'), catalog, 3).requests;
    for (const r of long) expect(r.text.length).toBeLessThanOrEqual(300);
  });

  it('yields at most the requests asked for, none twice', () => {
    const description = 'Send Gmail attachments to Google Drive. It then logs each file in Google Sheets and notifies the team on Slack with a summary of what arrived today.';
    const one = buildRequests(input(description, 'Send Gmail attachments to Google Drive'), catalog, 1).requests;
    expect(one).toHaveLength(1);
    const three = buildRequests(input(description, 'Send Gmail attachments to Google Drive'), catalog, 3).requests;
    expect(three.map((r) => r.text)).toEqual([...new Set(three.map((r) => r.text))]);
    // The description's first sentence is the title: the same ask once.
    expect(three.filter((r) => r.text.replace(/\.$/, '') === 'Send Gmail attachments to Google Drive')).toHaveLength(1);
  });

  it('builds a synthetic request from the name and nodes, triggers first', () => {
    const r = syntheticRequest(workflow(1) as never, catalog, 'Workflow 1');
    expect(r.source).toBe('synthetic');
    expect(r.text).toContain('Start with a Webhook');
    expect(nodeSummary(workflow(1) as never, catalog)).toMatch(/^3 nodes: Webhook, /);
  });
});

describe('duplicates and split', () => {
  it('structure keys ignore names and parameters, not types or edges', () => {
    const a = workflow(1);
    const b = { ...workflow(1), name: 'other' };
    b.nodes = b.nodes.map((n) => ({ ...n, name: `${n.name}!`, parameters: { path: 'x' } }));
    b.connections = Object.fromEntries(
      Object.entries(b.connections).map(([k, v]) => [`${k}!`, { main: [[{ ...(v as { main: Array<Array<{ node: string }>> }).main[0][0], node: `${(v as { main: Array<Array<{ node: string }>> }).main[0][0].node}!` }]] }]),
    );
    expect(structureKey(a as never)).toBe(structureKey(b as never));
    expect(structureKey(a as never)).not.toBe(structureKey(workflow(2) as never));
  });

  it('finds near-duplicate requests', () => {
    const index = new NearDuplicateIndex(0.8);
    expect(index.addIfNew('Create a workflow that posts new GitHub issues to a Slack channel every morning')).toBe(-1);
    expect(index.addIfNew('Create a workflow that posts new GitHub issues to a Slack channel every morning!')).toBe(0);
    expect(index.addIfNew('Summarise my unread Gmail messages with OpenAI and send them to Telegram')).toBe(-1);
  });

  it('splits by stratum, keeps groups together and is seeded', () => {
    const items = Array.from({ length: 200 }, (_, i) => ({ stratum: i % 2 ? 'schedule' : 'webhook', group: `g${Math.floor(i / 4)}` }));
    const v = splitValidation(items, 0.1, 1);
    expect(v.size).toBeGreaterThanOrEqual(16);
    expect(v.size).toBeLessThanOrEqual(24);
    for (const stratum of ['schedule', 'webhook']) {
      const n = [...v].filter((i) => items[i].stratum === stratum).length;
      expect(n).toBeGreaterThanOrEqual(8);
    }
    const groupSides = new Map<string, Set<boolean>>();
    items.forEach((item, i) => groupSides.set(item.group, (groupSides.get(item.group) ?? new Set()).add(v.has(i))));
    for (const sides of groupSides.values()) expect(sides.size).toBe(1);
    expect([...splitValidation(items, 0.1, 1)]).toEqual([...v]);
    expect([...splitValidation(items, 0.1, 2)]).not.toEqual([...v]);
  });
});

/** Every file of a folder with its bytes (to compare a dataset before and after a failed build). */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(path.join(dir, f), 'latin1')]));
}

/** A full disk, injected: writes of files whose temp name contains `match` fail past `budget` bytes, or their close fails. */
function diskFullOn(match: string, how: { budget: number } | 'close') {
  const nodeFs = require('node:fs') as typeof import('node:fs');
  const original = nodeFs.createWriteStream;
  const enospc = (call: string) => Object.assign(new Error(`ENOSPC: no space left on device, ${call}`), { code: 'ENOSPC', syscall: call });
  return jest.spyOn(nodeFs, 'createWriteStream').mockImplementation(((file: string, options: Record<string, unknown>) => {
    if (!String(file).includes(match)) return original(file, options as never);
    let written = 0;
    const fs = {
      open: nodeFs.open,
      fsync: nodeFs.fsync,
      close: how === 'close' ? (fd: number, cb: (e: Error) => void) => nodeFs.close(fd, () => cb(enospc('close'))) : nodeFs.close,
      write: (fd: number, buffer: Buffer, offset: number, length: number, position: number | null, cb: (e: Error | null, n?: number) => void) => {
        if (how !== 'close' && written + length > how.budget) return process.nextTick(cb, enospc('write'));
        written += length;
        nodeFs.write(fd, buffer, offset, length, position, cb);
      },
    };
    return original(file, { ...options, fs } as never);
  }) as typeof nodeFs.createWriteStream);
}

/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('spool', () => {
  async function roundTrip(memoryChars: number) {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'flowtune-spool-')), '.spool.tmp');
    const spool = new Spool<{ i: number; ref: string }>(file, memoryChars);
    const added = Array.from({ length: 500 }, (_, i) => [{ i, ref: `r\t${i}` }, JSON.stringify(`{"a":${i},"b":"x\ty\n"}`)] as const);
    for (const [meta, text] of added) await spool.add(meta, text);
    let spilled = false;
    const back: Array<[unknown, string]> = [];
    for await (const entry of spool.entries()) {
      spilled ||= existsSync(file);
      back.push(entry);
    }
    spool.dispose();
    return { spilled, back, added, left: existsSync(file) };
  }

  it('keeps small builds in memory and moves large ones to a temp file, same entries in the same order', async () => {
    const inMemory = await roundTrip(1 << 20);
    expect(inMemory.spilled).toBe(false);
    expect(inMemory.back).toEqual(inMemory.added.map(([m, t]) => [m, t]));
    const onDisk = await roundTrip(1000);
    expect(onDisk.spilled).toBe(true);
    expect(onDisk.back).toEqual(onDisk.added.map(([m, t]) => [m, t]));
    expect(onDisk.left).toBe(false);
  });

  it('reports a spool file that cannot be written instead of crashing', async () => {
    const spool = new Spool<{ i: number }>(path.join(tmp(), 'missing', 'dir', '.spool.tmp'), 10);
    const fill = async () => {
      for (let i = 0; i < 100; i++) await spool.add({ i }, JSON.stringify('x'.repeat(100)));
      for await (const _ of spool.entries()) void _;
    };
    await expect(fill()).rejects.toThrow(/ENOENT/);
    spool.dispose();
  });

  it('never reads back a spool whose file failed to close (disk full)', async () => {
    const file = path.join(tmp(), '.spool.tmp');
    const spy = diskFullOn('.spool.tmp', 'close');
    try {
      const spool = new Spool<{ i: number }>(file, 1000);
      const read = async () => {
        for (let i = 0; i < 20; i++) await spool.add({ i }, JSON.stringify('x'.repeat(1 << 20)));
        for await (const _ of spool.entries()) void _;
      };
      await expect(read()).rejects.toThrow(/cannot write .*\.spool\.tmp: ENOSPC: no space left on device, close/);
      spool.dispose();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('output files', () => {
  it('reports a file that cannot be written (its folder removed mid-run) as an error instead of crashing', async () => {
    const dir = tmp();
    const out = new OutputFiles(dir);
    rmSync(dir, { recursive: true });
    const run = async () => {
      for (let i = 0; i < 3000; i++) await out.write('train.jsonl', `${JSON.stringify({ i, text: 'x'.repeat(500) })}\n`);
      await out.commit();
    };
    await expect(run()).rejects.toThrow(/ENOENT.*train\.jsonl/);
    await out.abort();
  });

  it('fails the commit when a file cannot be closed (disk full at close) and renames nothing', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'train.jsonl'), 'previous\n');
    const spy = diskFullOn('.validation.jsonl.', 'close');
    try {
      const out = new OutputFiles(dir);
      await out.write('train.jsonl', 'new\n');
      await out.write('validation.jsonl', 'new\n');
      await expect(out.commit()).rejects.toThrow(/cannot write .*validation\.jsonl: ENOSPC: no space left on device, close/);
    } finally {
      spy.mockRestore();
    }
    expect(snapshot(dir)).toEqual({ 'train.jsonl': 'previous\n' });
  });

  it('waits for backpressure without piling up listeners: no MaxListenersExceededWarning (compiled build)', () => {
    // In a process of its own: jest's sandboxed `process` never sees the real one's warnings.
    const dir = tmp();
    const dist = path.join(__dirname, '..', '..', 'dist', 'dataset');
    const script = `
      const { OutputFiles } = require(${JSON.stringify(path.join(dist, 'writer.js'))});
      const { Spool } = require(${JSON.stringify(path.join(dist, 'spool.js'))});
      const warnings = [];
      process.on('warning', (w) => warnings.push(w.name + ': ' + w.message));
      (async () => {
        const out = new OutputFiles(${JSON.stringify(dir)});
        for (let i = 0; i < 24; i++) await out.write('train.jsonl', Buffer.alloc(1 << 20, 0x61));
        await out.commit();
        const spool = new Spool(${JSON.stringify(path.join(dir, '.spool.test.tmp'))}, 1000);
        for (let i = 0; i < 24; i++) await spool.add({ i }, JSON.stringify('b'.repeat(1 << 20)));
        let entries = 0;
        for await (const _ of spool.entries()) entries++;
        spool.dispose();
        setImmediate(() => console.log(JSON.stringify({ warnings, entries })));
      })();`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ warnings: [], entries: 24 });
    expect(readFileSync(path.join(dir, 'train.jsonl')).length).toBe(24 << 20);
  });

  it('removes temp files of builds that died (pid gone, or old), never those of a live build or other files', async () => {
    const dir = tmp();
    const dead = deadPid();
    const mine = process.pid;
    const names = {
      orphans: [`.train.jsonl.${dead}-kz3x1a.tmp`, `.spool.${dead}.tmp`, `.spool.${dead}-0a1b2c.tmp`, `.REPORT.md.${mine}-old1.tmp`],
      kept: [`.train.jsonl.${mine}-live1.tmp`, `.spool.${mine}-live2.tmp`, `.notes.txt.${dead}-abc.tmp`, `train.jsonl.${dead}.tmp`, 'notes.txt'],
    };
    for (const name of [...names.orphans, ...names.kept]) writeFileSync(path.join(dir, name), 'x');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(path.join(dir, `.REPORT.md.${mine}-old1.tmp`), twoDaysAgo, twoDaysAgo);
    await new OutputFiles(dir).abort();
    expect(readdirSync(dir).sort()).toEqual([...names.kept].sort());
  });

  it('lets one build at a time write into a folder; a lock left by a dead build is taken over', async () => {
    const dir = tmp();
    const first = new OutputFiles(dir);
    expect(() => new OutputFiles(dir)).toThrow(FolderLockedError);
    await first.abort();
    writeFileSync(path.join(dir, LOCK_FILE_NAME), JSON.stringify({ pid: deadPid(), host: hostname(), since: new Date().toISOString(), purpose: 'dataset build', token: 'abc' }));
    const second = new OutputFiles(dir);
    await second.write('train.jsonl', 'x\n');
    await second.commit();
    expect(readdirSync(dir)).toEqual(['train.jsonl']);
  });
});

describe('buildDataset', () => {
  function writeCorpus(dir: string, count: number) {
    for (let i = 0; i < count; i++) {
      const description = `This workflow receives webhook number ${i} about topic ${['orders', 'tickets', 'leads', 'invoices', 'alerts'][i % 5]} ${i * 7919} and handles it in ${i % 4} extra steps.`;
      writeFileSync(path.join(dir, `w${String(i).padStart(3, '0')}.json`), JSON.stringify({ name: `Flow ${i}`, description, workflow: workflow(i) }));
    }
    writeFileSync(path.join(dir, 'broken.json'), '{"nodes": [');
    writeFileSync(path.join(dir, 'nodeless.json'), JSON.stringify({ name: 'no nodes' }));
    const invalid = workflow(99);
    invalid.nodes[1].type = 'n8n-nodes-base.chatGpt';
    writeFileSync(path.join(dir, 'invalid.json'), JSON.stringify(invalid));
  }

  it('writes every format, a report, and rejects with reasons', async () => {
    const input = tmp();
    const out = path.join(tmp(), 'out');
    writeCorpus(input, 40);
    const report = await buildDataset(baseOptions(out, [{ kind: 'dir', path: input }]));
    expect(report.counts.read).toBe(43);
    expect(report.rejected).toMatchObject({ unreadable: 1, wrong_shape: 1, invalid: 1 });
    expect(report.invalidCodes).toMatchObject({ UNKNOWN_NODE_TYPE: 1 });
    expect(report.counts.accepted + Object.values(report.rejected).reduce((a, b) => a + (b ?? 0), 0)).toBe(43);
    // Every accepted workflow yields its requests (title and description here), each one line.
    const written = Object.values(report.requests.sources).reduce((a, b) => a + b, 0);
    expect(report.counts.train + report.counts.validation).toBe(written);
    expect(written).toBeGreaterThan(report.counts.accepted);
    expect(written).toBeLessThanOrEqual(report.counts.accepted * DEFAULT_BUILD_SETTINGS.requestsPerWorkflow);
    expect(report.requests.samples).toHaveLength(20);
    expect(report.requests.length.median).toBeGreaterThan(0);
    expect(readdirSync(out).sort()).toEqual([
      'REPORT.md',
      'dataset_info.json',
      'report.json',
      'system_prompt.txt',
      'train.alpaca.json',
      'train.jsonl',
      'train.sharegpt.jsonl',
      'validation.alpaca.json',
      'validation.jsonl',
      'validation.sharegpt.jsonl',
    ]);
    const train = readFileSync(path.join(out, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(train).toHaveLength(report.counts.train);
    for (const example of train) {
      expect(example.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant']);
      const target = JSON.parse(example.messages[2].content);
      expect(target.nodes[0]).not.toHaveProperty('position');
    }
    expect(JSON.parse(readFileSync(path.join(out, 'train.alpaca.json'), 'utf8'))).toHaveLength(report.counts.train);
    expect(JSON.parse(readFileSync(path.join(out, 'dataset_info.json'), 'utf8'))).toHaveProperty('flowtune_train_alpaca.formatting', 'alpaca');
    expect(readFileSync(path.join(out, 'REPORT.md'), 'utf8')).toContain('## Stages');
    expect(readFileSync(path.join(out, 'REPORT.md'), 'utf8')).toMatch(/## Requests[\s\S]*### 20 random pairs/);
    // A workflow's requests all sit on its side of the split.
    const sideOf = new Map<string, string>();
    for (const file of ['train.jsonl', 'validation.jsonl']) {
      for (const line of readFileSync(path.join(out, file), 'utf8').trim().split('\n').filter(Boolean)) {
        const targetText = JSON.parse(line).messages[2].content as string;
        expect([targetText.slice(0, 40), sideOf.get(targetText) ?? file]).toEqual([targetText.slice(0, 40), file]);
        sideOf.set(targetText, file);
      }
    }
    // What the builder writes passes the cookbook checks it offers users.
    for (const file of ['train.jsonl', 'validation.jsonl']) {
      expect(checkJsonl(readFileSync(path.join(out, file), 'utf8'), 'gpt-4o-mini-2024-07-18').errors).toEqual([]);
    }
    expect(report.tokens.target.mean).toBeGreaterThan(0);
  });

  it('writes full importable targets that validate', async () => {
    const input = tmp();
    const out = path.join(tmp(), 'out');
    writeCorpus(input, 10);
    await buildDataset({ ...baseOptions(out, [{ kind: 'dir', path: input }]), target: 'full', formats: new Set(['openai']) });
    const lines = readFileSync(path.join(out, 'train.jsonl'), 'utf8').trim().split('\n');
    for (const line of lines) {
      const target = JSON.parse(JSON.parse(line).messages[2].content);
      expect(validateWorkflow(target, { catalog }).errors).toEqual([]);
      expect(target.nodes[0].position).toHaveLength(2);
      expectOnCanvas(target, catalog);
    }
  });

  it('gives byte-identical outputs for the same inputs and seed', async () => {
    const input = tmp();
    writeCorpus(input, 30);
    const a = path.join(tmp(), 'a');
    const b = path.join(tmp(), 'b');
    await buildDataset({ ...baseOptions(a, [{ kind: 'dir', path: input }]), augment: 2 });
    await buildDataset({ ...baseOptions(b, [{ kind: 'dir', path: input }]), augment: 2 });
    for (const file of readdirSync(a)) expect(readFileSync(path.join(b, file), 'utf8')).toBe(readFileSync(path.join(a, file), 'utf8'));
  });

  it('gives the same bytes with worker threads as in one thread (compiled build)', async () => {
    // Worker threads run the compiled prepare-worker.js: `npm test` builds before jest runs.
    const compiled = path.join(__dirname, '..', '..', 'dist', 'dataset', 'build.js');
    expect(existsSync(compiled)).toBe(true);
    const { buildDataset: buildCompiled } = require(compiled) as typeof import('../../dataset/build');
    const input = tmp();
    writeCorpus(input, 60);
    const single = path.join(tmp(), 'single');
    const threaded = path.join(tmp(), 'threaded');
    const one = await buildCompiled({ ...baseOptions(single, [{ kind: 'dir', path: input }]), augment: 1, workers: 0 });
    const two = await buildCompiled({ ...baseOptions(threaded, [{ kind: 'dir', path: input }]), augment: 1, workers: 2 });
    expect(two).toEqual(one);
    expect(one.counts.accepted).toBeGreaterThan(40);
    expect(readdirSync(threaded).sort()).toEqual(readdirSync(single).sort());
    for (const file of readdirSync(single)) expect(readFileSync(path.join(threaded, file), 'utf8')).toBe(readFileSync(path.join(single, file), 'utf8'));
  });

  it('lets the process exit after a build on worker threads: the warm pool never holds it (compiled build)', () => {
    const input = tmp();
    writeCorpus(input, 40);
    const out = path.join(tmp(), 'out');
    const script = `
      const { buildDataset, DEFAULT_BUILD_SETTINGS } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'dataset', 'build.js'))});
      const { loadCatalog } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'schemas', 'catalog', 'load.js'))});
      buildDataset({ ...DEFAULT_BUILD_SETTINGS, sources: [{ kind: 'dir', path: ${JSON.stringify(input)} }], outDir: ${JSON.stringify(out)},
        catalog: loadCatalog(), formats: new Set(['openai']), workers: 2, countTokens: false })
        .then((r) => console.log('accepted', r.counts.accepted));`;
    const started = Date.now();
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^accepted \d+/);
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    // Far below the pool's idle timeout: the process ended with the build, not when the workers stopped.
    expect(Date.now() - started).toBeLessThan(IDLE_MS);
  });

  it('leaks no planted secret into any output file', async () => {
    // Deterministic fake secrets of every family, planted in every place a workflow carries text.
    let state = 12345;
    const random = (alphabet: string, n: number) =>
      Array.from({ length: n }, () => alphabet[(state = (state * 1103515245 + 12345) % 2 ** 31) % alphabet.length]).join('');
    const b62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const secretsOf = () => ({
      openai: `sk-proj-${random(b62, 48)}`,
      aws: `AKIA${random('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
      github: `ghp_${random(b62, 36)}`,
      slack: `xoxb-${random('0123456789', 12)}-${random('0123456789', 13)}-${random(b62, 24)}`,
      stripe: `sk_live_${random(b62, 32)}`,
      google: `AIza${random(b62, 35)}`,
      jwt: `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: random(b62, 10) })).toString('base64url')}.${random(b62, 43)}`,
      password: `Pw-${random(b62, 14)}`,
      email: `${random('abcdefghijklmnopqrstuvwxyz', 8)}.${random('abcdefghijklmnopqrstuvwxyz', 6)}@gmail.com`,
      phone: `+44 7${random('0123456789', 3)} ${random('0123456789', 6)}`,
      ...personalOf(),
    });
    // Personal data (issue 15): valid card numbers and IBANs, national phone formats, a base64-wrapped
    // and a URL-encoded key, a user name in a home-folder path.
    const luhnComplete = (body: string) => {
      for (let d = 0; d < 10; d++) {
        const n = body + d;
        const sum = [...n].reverse().reduce((acc, c, i) => acc + (i % 2 ? (Number(c) * 2 > 9 ? Number(c) * 2 - 9 : Number(c) * 2) : Number(c)), 0);
        if (sum % 10 === 0) return n;
      }
      throw new Error('unreachable');
    };
    const ibanOf = (country: string, bban: string) => {
      const numeric = (bban + country + '00').replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
      const remainder = [...numeric].reduce((r, d) => (r * 10 + Number(d)) % 97, 0);
      return `${country}${String(98 - remainder).padStart(2, '0')}${bban}`;
    };
    function personalOf() {
      const d = (n: number) => random('2345689', n);
      const visa = luhnComplete(`4${d(14)}`);
      const amex = luhnComplete(`37${d(12)}`);
      const de = ibanOf('DE', d(18));
      const gb = ibanOf('GB', `NWBK${d(14)}`);
      return {
        card: `${visa.slice(0, 4)} ${visa.slice(4, 8)} ${visa.slice(8, 12)} ${visa.slice(12)}`,
        cardBare: amex,
        iban: de.match(/.{1,4}/g)!.join(' '),
        ibanCompact: gb,
        phoneUk: `07${d(3)} ${d(6)}`,
        phoneLondon: `020 7${d(3)} ${d(4)}`,
        phoneDe: `0151 ${d(8)}`,
        phoneBerlin: `030 ${d(8)}`,
        phoneFr: `06 ${d(2)} ${d(2)} ${d(2)} ${d(2)}`,
        base64Key: Buffer.from(`sk-proj-${random(b62, 48)}`).toString('base64'),
        urlEncoded: encodeURIComponent(JSON.stringify({ api_key: random(b62, 32) })),
        pathUser: `${random('abcdefghijklmnopqrstuvwxyz', 7)}${random('abcdefghijklmnopqrstuvwxyz', 5)}`,
      };
    }
    const input = tmp();
    const planted: string[] = [];
    for (let i = 0; i < 30; i++) {
      const s = secretsOf();
      planted.push(...Object.values(s));
      const w = workflow(i);
      w.nodes.push(
        node('Call API', 'httpRequest', 4.2, {
          url: `https://admin:${s.password}@api.example.org/v1?key=${s.google}`,
          sendHeaders: true,
          headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${s.openai}` }, { name: 'X-Stripe', value: s.stripe }] },
          options: {},
        }, { notes: `ask ${s.email} or call ${s.phone} / ${s.phoneLondon}`, credentials: { httpHeaderAuth: { id: '9', name: s.github } } }),
        node(`Code ${s.phoneFr}`, 'code', 2, {
          jsCode: `const aws = '${s.aws}';\nconst slack = "${s.slack}";\nconst card = '${s.cardBare}';\nconst blob = '${s.base64Key}';\nconst file = 'C:\\\\Users\\\\${s.pathUser}\\\\Downloads\\\\leads.csv';\nreturn [{ json: { token: '${s.jwt}' } }];`,
        }),
        node('Pay', 'set', 3.4, {
          assignments: {
            assignments: [
              { id: 'a1', name: 'iban', value: s.iban, type: 'string' },
              { id: 'a2', name: 'card', value: s.card, type: 'string' },
              { id: 'a3', name: 'mobile', value: s.phoneDe, type: 'string' },
              { id: 'a4', name: 'report', value: `/Users/${s.pathUser}/Documents/report.pdf`, type: 'string' },
              { id: 'a5', name: 'callback', value: `https://api.example.org/cb?state=${s.urlEncoded}`, type: 'string' },
            ],
          },
          options: {},
        }),
        node('Note', 'stickyNote', 1, { content: `Set up: paste ${s.openai} and mail ${s.email}; bank ${s.ibanCompact}, office ${s.phoneBerlin}, /home/${s.pathUser}/n8n` }),
      );
      w.connections[w.nodes[w.nodes.length - 5].name] = { main: [[link('Call API')]] };
      w.connections['Call API'] = { main: [[link(`Code ${s.phoneFr}`)]] };
      w.connections[`Code ${s.phoneFr}`] = { main: [[link('Pay')]] };
      const record = {
        name: `Flow ${i}`,
        description: `This workflow calls the ${['billing', 'shipping', 'crm', 'weather', 'news', 'search'][i % 6]} API number ${i * 7919} for ${s.email} (phone ${s.phone}, mobile ${s.phoneUk}, card ${s.card}, IBAN ${s.iban}, files in /Users/${s.pathUser}/Documents) with key ${s.github} (${s.base64Key}), then stores batch ${i}.`,
        workflow: { ...w, pinData: { Webhook: [{ json: { email: s.email, token: s.jwt, phone: s.phoneUk, card: s.cardBare, iban: s.ibanCompact } }] } },
      };
      writeFileSync(path.join(input, `w${i}.json`), JSON.stringify(record));
    }
    for (const target of ['compact', 'full'] as const) {
      const out = path.join(tmp(), target);
      // Requests share their placeholder-heavy wording: near-duplicate detection is not the subject here.
      const report = await buildDataset({ ...baseOptions(out, [{ kind: 'dir', path: input }]), target, augment: 1, nearDuplicateThreshold: 0.99 });
      expect(report.counts.accepted).toBeGreaterThan(20);
      for (const file of readdirSync(out)) {
        const text = readFileSync(path.join(out, file), 'utf8');
        // Spaced numbers also count as leaked when written without their spaces.
        const leaks = planted.filter((secret) => text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)) || (/^[0-9A-Z ]+$/.test(secret) && text.includes(secret.replace(/ /g, ''))));
        expect({ file, leaks }).toEqual({ file, leaks: [] });
      }
      expect(Object.keys(report.redactions).length).toBeGreaterThan(5);
      // The secrets were in accepted examples (replaced, not filtered away).
      const train = readFileSync(path.join(out, 'train.jsonl'), 'utf8');
      for (const placeholder of ['<OPENAI_API_KEY_1>', '<EMAIL_1>', '<PASSWORD_1>', '<AWS_ACCESS_KEY_ID_1>', '<CARD_NUMBER_1>', '<IBAN_1>', '<PHONE_1>', '<USER_1>', '<ENCODED_SECRET_1>']) {
        expect({ target, placeholder, found: train.includes(placeholder) }).toEqual({ target, placeholder, found: true });
      }
      // Every kind is counted in the report (report.json and REPORT.md show the same counts).
      for (const kind of ['payment_card', 'iban', 'phone', 'path_user', 'encoded_secret'] as const) expect({ target, kind, counted: (report.redactions[kind] ?? 0) > 0 }).toEqual({ target, kind, counted: true });
      expect(readFileSync(path.join(out, 'REPORT.md'), 'utf8')).toMatch(/\| payment_card \| [0-9,]+ \|/);
    }
  });

  it('keeps the previous dataset when a build fails', async () => {
    const input = tmp();
    const out = path.join(tmp(), 'out');
    writeCorpus(input, 5);
    await buildDataset(baseOptions(out, [{ kind: 'dir', path: input }]));
    const before = readFileSync(path.join(out, 'train.jsonl'), 'utf8');
    await expect(buildDataset(baseOptions(out, [{ kind: 'dir', path: input }, { kind: 'dir', path: path.join(input, 'missing') }]))).rejects.toThrow();
    expect(readFileSync(path.join(out, 'train.jsonl'), 'utf8')).toBe(before);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.each([
    ['while writing (4,096 bytes left)', { budget: 4096 }],
    ['when closing', 'close'],
  ] as const)('fails and keeps the previous dataset byte for byte when the disk fills %s', async (_, how) => {
    const input = tmp();
    const out = path.join(tmp(), 'out');
    writeCorpus(input, 40);
    await buildDataset(baseOptions(out, [{ kind: 'dir', path: input }]));
    const before = snapshot(out);
    const spy = diskFullOn('.validation.jsonl.', how);
    try {
      await expect(buildDataset({ ...baseOptions(out, [{ kind: 'dir', path: input }]), seed: 8 })).rejects.toThrow(/cannot write .*validation\.jsonl: ENOSPC/);
    } finally {
      spy.mockRestore();
    }
    expect(snapshot(out)).toEqual(before);
  });

  it('fails a build that accepts no example, saying what it read and why it rejected, and replaces nothing', async () => {
    const input = tmp();
    const out = path.join(tmp(), 'out');
    writeCorpus(input, 10);
    await buildDataset(baseOptions(out, [{ kind: 'dir', path: input }]));
    const before = snapshot(out);
    const typo = path.join(input, 'typo.jsonl');
    const empty = buildDataset(baseOptions(out, [{ kind: 'jsonl', path: typo }]));
    await expect(empty).rejects.toThrow(EmptyDatasetError);
    await expect(empty).rejects.toThrow(`read 1 record(s) from jsonl:${typo}; rejected: unreadable 1 (first: ${typo}: cannot read (ENOENT))`);
    const filtered = buildDataset({ ...baseOptions(out, [{ kind: 'dir', path: input }]), minNodes: 10, maxNodes: 2 });
    await expect(filtered).rejects.toThrow(/read 13 record\(s\) from dir:.*; rejected: too_few_nodes 10 \(first: w000\.json: 2 node\(s\)\); unreadable 1 \(first: broken\.json: not valid JSON.*\); invalid 1 \(first: invalid\.json: UNKNOWN_NODE_TYPE\)$/);
    expect(snapshot(out)).toEqual(before);
  });

  it('removes the outputs of formats a rebuild no longer writes, after the new files are in place, and nothing else', async () => {
    const input = tmp();
    const out = path.join(tmp(), 'out');
    writeCorpus(input, 10);
    await buildDataset(baseOptions(out, [{ kind: 'dir', path: input }]));
    writeFileSync(path.join(out, 'notes.md'), 'mine');
    const report = await buildDataset({ ...baseOptions(out, [{ kind: 'dir', path: input }]), formats: new Set(['openai']) });
    expect(report.removedStale).toEqual(['dataset_info.json', 'train.alpaca.json', 'train.sharegpt.jsonl', 'validation.alpaca.json', 'validation.sharegpt.jsonl']);
    expect(readdirSync(out).sort()).toEqual([...report.files, 'notes.md'].sort());
    // A folder flowtune did not write (no report.json of a build): same names, left alone.
    const foreign = tmp();
    writeFileSync(path.join(foreign, 'train.alpaca.json'), '[]');
    const again = await buildDataset({ ...baseOptions(foreign, [{ kind: 'dir', path: input }]), formats: new Set(['openai']) });
    expect(again.removedStale).toBeUndefined();
    expect(readFileSync(path.join(foreign, 'train.alpaca.json'), 'utf8')).toBe('[]');
  });

  it('runs two builds at once into two folders; a second build into the same folder stops and harms neither', async () => {
    const input = tmp();
    writeCorpus(input, 20);
    const [a, b] = [path.join(tmp(), 'a'), path.join(tmp(), 'b')];
    const [ra, rb] = await Promise.all([buildDataset(baseOptions(a, [{ kind: 'dir', path: input }])), buildDataset(baseOptions(b, [{ kind: 'dir', path: input }]))]);
    expect(rb).toEqual(ra);
    expect(snapshot(b)).toEqual(snapshot(a));
    const before = snapshot(a);
    const [again, second] = await Promise.allSettled([buildDataset(baseOptions(a, [{ kind: 'dir', path: input }])), buildDataset({ ...baseOptions(a, [{ kind: 'dir', path: input }]), formats: new Set(['openai']) })]);
    expect(again.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: expect.any(FolderLockedError) });
    expect(snapshot(a)).toEqual(before);
  });

  it('skips an unreadable folder of a dir: source with its reason instead of aborting the build', async () => {
    const input = tmp();
    writeCorpus(input, 10);
    const locked = path.join(input, 'locked');
    mkdirSync(locked);
    writeFileSync(path.join(locked, 'x.json'), JSON.stringify(workflow(50)));
    // chmod 000, injected: tests may run as root, which reads any folder.
    const nodeFsPromises = require('node:fs/promises') as typeof import('node:fs/promises');
    const original = nodeFsPromises.opendir;
    const spy = jest.spyOn(nodeFsPromises, 'opendir').mockImplementation(async (dir, options) => {
      if (String(dir) === locked) throw Object.assign(new Error(`EACCES: permission denied, opendir '${locked}'`), { code: 'EACCES' });
      return original(dir, options);
    });
    try {
      const report = await buildDataset(baseOptions(path.join(tmp(), 'out'), [{ kind: 'dir', path: input }]));
      expect(report.rejections).toContainEqual({ reason: 'unreadable', ref: 'locked/', detail: 'cannot read folder (EACCES)' });
      expect(report.counts.accepted).toBeGreaterThan(5);
    } finally {
      spy.mockRestore();
    }
  });

  /** A workflow whose one parameter nests `depth` arrays (written as text: JSON.stringify itself overflows). */
  const deepWorkflowText = (depth: number) =>
    JSON.stringify(workflow(3)).replace('"options":{}', `"options":{},"deep":${'['.repeat(depth)}${']'.repeat(depth)}`);

  it('rejects a workflow nested 10,000 levels deep as too_large, in this thread', async () => {
    const input = tmp();
    writeCorpus(input, 5);
    writeFileSync(path.join(input, 'deep.json'), deepWorkflowText(10_000));
    const report = await buildDataset({ ...baseOptions(path.join(tmp(), 'out'), [{ kind: 'dir', path: input }]), workers: 0 });
    expect(report.rejections).toContainEqual({ reason: 'too_large', ref: 'deep.json', detail: expect.stringMatching(/^nested deeper than 128 levels at \/nodes\/0\/parameters\/deep\/0\/0/) });
  });

  it('rejects a workflow nested 10,000 levels deep on worker threads too, and the process exits (compiled build)', () => {
    const input = tmp();
    writeCorpus(input, 20);
    writeFileSync(path.join(input, 'deep.json'), deepWorkflowText(10_000));
    writeFileSync(path.join(input, 'deep-5000.json'), deepWorkflowText(5_000));
    const out = path.join(tmp(), 'out');
    const script = `
      const { buildDataset, DEFAULT_BUILD_SETTINGS } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'dataset', 'build.js'))});
      const { loadCatalog } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'schemas', 'catalog', 'load.js'))});
      buildDataset({ ...DEFAULT_BUILD_SETTINGS, sources: [{ kind: 'dir', path: ${JSON.stringify(input)} }], outDir: ${JSON.stringify(out)},
        catalog: loadCatalog(), formats: new Set(['openai']), workers: 2, countTokens: false })
        .then((r) => console.log(JSON.stringify(r.rejections.filter((x) => x.reason === 'too_large').map((x) => x.ref))));`;
    // The timeout only keeps a hang from stalling the suite: before the fix this run never ended.
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(['deep-5000.json', 'deep.json']);
  });
});

describe('worker pool failures', () => {
  const failing = (body: string) => {
    const file = path.join(tmp(), 'worker.js');
    writeFileSync(file, `const { parentPort } = require('node:worker_threads');\nparentPort.on('message', () => { ${body} });\n`);
    return file;
  };

  it.each([
    ['exits', 'process.exit(3)', /dataset worker stopped with exit code 3/],
    ['throws (error event)', "throw new Error('boom')", /dataset worker failed: boom/],
    ['answers with a message it could not read', "parentPort.postMessage({ error: 'cannot read a batch: x' })", /dataset worker failed: cannot read a batch: x/],
  ])('a worker that %s fails every batch in flight with a clear error', async (_, body, message) => {
    const pool = new PreparePool(catalog, 2, failing(body));
    const settings = { target: 'compact' as const, model: 'gpt-4o-mini', countTokens: false, minNodes: 2, maxNodes: 100, minViews: 0, requestsPerWorkflow: 1 };
    const batches = [1, 2, 3].map((i) => pool.run([{ workflow: workflow(i) }], settings));
    await Promise.all(batches.map((batch) => expect(batch).rejects.toThrow(message)));
  });
});
