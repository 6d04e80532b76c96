/**
 * The dataset source registry (dataset/sources/index.ts SOURCES) and everything derived from it: a source added
 * to the list parses, describes itself and shows in --from's help and errors — or one of these fails.
 */
import { runCli } from '../../../cli/main';
import type { CliIO } from '../../../cli/io';
import { describeSourceSpec, parseSourceSpec, SOURCES, SourceSpecError } from '../../../dataset/sources';

async function help(args: string[]): Promise<string> {
  let out = '';
  const io: CliIO = { stdout: (t) => (out += t), stderr: (t) => (out += t), readStdin: () => '', color: false, env: {} };
  expect(await runCli([...args, '--help'], io)).toBe(0);
  // Commander wraps long descriptions: compare with single spaces.
  return out.replace(/\s+/g, ' ');
}

describe('source registry', () => {
  /** One `--from` value per source: a source added to SOURCES without one here fails the first test. */
  const EXAMPLES: Record<string, string> = {
    templates: 'templates',
    dir: 'dir:./workflows',
    jsonl: 'jsonl:exports/all.jsonl',
    n8n: 'n8n:http://localhost:5678',
  };

  it('has unique prefixes, each with an example here, a usage starting with it, the first the default', () => {
    const prefixes = SOURCES.map((s) => s.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    expect(Object.keys(EXAMPLES).sort()).toEqual([...prefixes].sort());
    for (const s of SOURCES) expect(s.usage.startsWith(s.prefix)).toBe(true);
  });

  it.each(SOURCES.map((s) => [s.prefix, s] as const))('%s: its example parses to its kind, and describe gives the same text back', (prefix) => {
    const spec = parseSourceSpec(EXAMPLES[prefix]);
    expect(spec.kind).toBe(prefix);
    expect(describeSourceSpec(spec)).toBe(EXAMPLES[prefix]);
  });

  it('an unknown source names every form; --from in --help lists every form', async () => {
    expect(() => parseSourceSpec('ftp:x')).toThrow(SourceSpecError);
    let message = '';
    try {
      parseSourceSpec('ftp:x');
    } catch (error) {
      message = (error as Error).message;
    }
    for (const s of SOURCES) expect(message).toContain(s.usage);
    const text = await help(['dataset', 'build']);
    for (const s of SOURCES) expect(text).toContain(s.usage);
    expect(text).toContain(`${SOURCES[0].usage} (default)`);
  });
});
