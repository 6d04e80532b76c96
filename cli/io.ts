/** The CLI's only contact with the process: injected so commands run in tests as they run for users. */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): string;
  /** Colours and box drawing only on a terminal. */
  color: boolean;
  /** Environment (API keys); process.env when absent. */
  env?: NodeJS.ProcessEnv;
  /** Ask a yes/no question; absent when nobody can answer (stdin is not a terminal). */
  confirm?(question: string): Promise<boolean>;
  /** A signal aborted on Ctrl-C (long waits detach instead of dying); absent in tests unless given. */
  interrupt?(): AbortSignal;
}

async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function sigintSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return controller.signal;
}

export const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: () => readFileSync(0, 'utf8'),
  color: !!process.stdout.isTTY && !process.env.NO_COLOR,
  env: process.env,
  ...(process.stdin.isTTY ? { confirm: askOnTerminal } : {}),
  interrupt: sigintSignal,
};

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;
