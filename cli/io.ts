/** The CLI's only contact with the process: injected so commands run in tests as they run for users. */
import { readFileSync } from 'node:fs';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): string;
  /** Colours and box drawing only on a terminal. */
  color: boolean;
}

export const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: () => readFileSync(0, 'utf8'),
  color: !!process.stdout.isTTY && !process.env.NO_COLOR,
};

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;
