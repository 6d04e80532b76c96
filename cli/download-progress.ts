/** What a user sees while the n8n.io templates database downloads (once, on first use). */
import { SingleBar } from 'cli-progress';
import type { DownloadProgress } from '../dataset/sources/templates-db';
import { TEMPLATES_PACKAGE } from '../dataset/sources/templates-db';
import type { CliIO } from './io';

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** A bar on a terminal; otherwise one line when the download starts and one when it ends. */
export function templatesDownloadReporter(io: CliIO, terminal: boolean): (progress: DownloadProgress) => void {
  let bar: SingleBar | undefined;
  let started = false;
  const label = `${TEMPLATES_PACKAGE.name}@${TEMPLATES_PACKAGE.version}`;
  return (p) => {
    if (!started) {
      started = true;
      io.stderr(`downloading the n8n.io templates (${label}${p.total ? `, ${mb(p.total)} MB` : ''}) from ${p.url} — once, into the cache folder\n`);
      if (terminal && p.total) {
        bar = new SingleBar({ format: 'templates | {bar} | {value}/{total} MB', hideCursor: true, clearOnComplete: true, stream: process.stderr });
        bar.start(Number(mb(p.total)), 0);
      }
    }
    bar?.update(Number(mb(p.received)));
    if (p.done) {
      bar?.stop();
      io.stderr(`downloaded ${mb(p.received)} MB, integrity checked\n`);
    }
  };
}
