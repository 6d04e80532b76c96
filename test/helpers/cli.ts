/** Run the `flowtune` command in-process with its output captured in strings. */
import type { CliIO } from '../../cli/io';
import { runCli } from '../../cli/main';

export function captureIO(): CliIO & { out: string[]; err: string[] } {
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

export async function cli(args: string[]) {
  const io = captureIO();
  const code = await runCli(args, io);
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}
