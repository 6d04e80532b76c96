/**
 * Standalone fake OpenAI server, for end-to-end runs where another process (n8n) calls it.
 * Prints one JSON line on stdout, `{"url":...,"baseURL":...,"port":...}`, then serves until
 * SIGINT/SIGTERM.
 *
 *   --port <n>           port to listen on (default 0: any free port)
 *   --host <addr>        address to bind (default 127.0.0.1)
 *   --api-key <key>      accepted key; repeatable (default sk-test)
 *   --auto-advance <n>   lifecycle steps applied per job GET (default 0)
 *   --seed <n>           seed for ids and metrics (default 42)
 *   --server-kind <k>    openai (default), vllm, llamacpp or ollama: how chat takes constrained decoding
 *   --server-version <v> the version vLLM / Ollama report
 *
 * test/ is not part of the build (tsconfig.build.json excludes it), so compile this file on its
 * own first, with the TypeScript already in devDependencies:
 *
 *   npx tsc test/fake-openai/main.ts --outDir /tmp/fake-openai --module commonjs --target es2022 \
 *     --strict --esModuleInterop --skipLibCheck --types node
 *   node /tmp/fake-openai/main.js --port 0
 */
import { startFakeOpenAI, type FakeOpenAI } from './server';
import type { FakeOpenAIOptions, ServerKind } from './types';

const SERVER_KINDS: ServerKind[] = ['openai', 'vllm', 'llamacpp', 'ollama'];

export function parseArgs(argv: string[]): FakeOpenAIOptions {
  const options: FakeOpenAIOptions = {};
  const keys: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const number = () => {
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n)) throw new Error(`${flag} needs a number`);
      i++;
      return n;
    };
    switch (flag) {
      case '--port':
        options.port = number();
        break;
      case '--auto-advance':
        options.autoAdvance = number();
        break;
      case '--seed':
        options.seed = number();
        break;
      case '--host':
        if (value === undefined) throw new Error('--host needs an address');
        options.host = value;
        i++;
        break;
      case '--server-kind':
        if (!SERVER_KINDS.includes(value as ServerKind)) throw new Error(`--server-kind takes ${SERVER_KINDS.join(', ')}`);
        options.serverKind = value as ServerKind;
        i++;
        break;
      case '--server-version':
        if (value === undefined) throw new Error('--server-version needs a version');
        options.serverVersion = value;
        i++;
        break;
      case '--api-key':
        if (value === undefined) throw new Error('--api-key needs a key');
        keys.push(value);
        i++;
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  if (keys.length) options.apiKeys = keys;
  return options;
}

/** Starts the server from command-line arguments and prints its address as one JSON line. */
export async function main(argv: string[]): Promise<FakeOpenAI> {
  const fake = await startFakeOpenAI(parseArgs(argv));
  process.stdout.write(`${JSON.stringify({ url: fake.url, baseURL: fake.baseURL, port: Number(new URL(fake.url).port) })}\n`);
  return fake;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (fake) => {
      const stop = () => void fake.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
