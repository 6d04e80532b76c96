/**
 * Training metrics: read the per-step CSV OpenAI-style services attach to a finished
 * job, write flowtune's own CSV, and draw the loss curve as a standalone SVG.
 * Pure functions over plain data.
 */
import type { StepMetrics } from './types';

/** CSV header names seen in result files → our fields (first match wins). */
const COLUMNS: Array<[keyof StepMetrics, string[]]> = [
  ['step', ['step']],
  ['epoch', ['epoch']],
  ['trainLoss', ['train_loss']],
  ['trainAccuracy', ['train_mean_token_accuracy', 'train_accuracy']],
  ['validLoss', ['full_valid_loss', 'valid_loss']],
  ['validAccuracy', ['full_valid_mean_token_accuracy', 'valid_mean_token_accuracy']],
];

/** Rows of a result CSV (`step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy`, …). Empty cells stay absent. */
export function parseResultCsv(text: string): StepMetrics[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) return [];
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const index = new Map<keyof StepMetrics, number>();
  for (const [field, names] of COLUMNS) {
    const i = names.map((n) => header.indexOf(n)).find((k) => k >= 0);
    if (i !== undefined) index.set(field, i);
  }
  if (!index.has('step')) return [];
  const rows: StepMetrics[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const row: Partial<StepMetrics> = {};
    for (const [field, i] of index) {
      const value = Number(cells[i]);
      if (cells[i] !== undefined && cells[i].trim() !== '' && Number.isFinite(value)) row[field] = value;
    }
    if (row.step !== undefined) rows.push(row as StepMetrics);
  }
  return rows.sort((a, b) => a.step - b.step);
}

const CSV_FIELDS: Array<keyof StepMetrics> = ['step', 'epoch', 'trainLoss', 'trainAccuracy', 'validLoss', 'validAccuracy'];
const CSV_HEADER = 'step,epoch,train_loss,train_accuracy,valid_loss,valid_accuracy';

export function metricsCsv(rows: readonly StepMetrics[]): string {
  return `${CSV_HEADER}\n${rows.map((r) => CSV_FIELDS.map((f) => (r[f] === undefined ? '' : String(r[f]))).join(',')).join('\n')}${rows.length ? '\n' : ''}`;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** "Nice" axis ticks covering [min, max]. */
function ticks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Train (and validation, when present) loss per step as a self-contained SVG document. */
export function renderLossSvg(rows: readonly StepMetrics[], title = 'Training loss'): string {
  const width = 720;
  const height = 400;
  const m = { left: 60, right: 20, top: 40, bottom: 50 };
  const series = [
    { name: 'train loss', color: '#1f77b4', points: rows.filter((r) => r.trainLoss !== undefined).map((r) => [r.step, r.trainLoss!] as const) },
    { name: 'validation loss', color: '#ff7f0e', points: rows.filter((r) => r.validLoss !== undefined).map((r) => [r.step, r.validLoss!] as const) },
  ].filter((s) => s.points.length > 0);
  const all = series.flatMap((s) => s.points);
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="#fff"/>\n<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>\n`;
  if (all.length === 0) return `${head}<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no loss values reported</text>\n</svg>\n`;

  const [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  const [y0, y1] = [Math.min(0, ...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  const sx = (x: number) => m.left + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * (width - m.left - m.right);
  const sy = (y: number) => height - m.bottom - (y1 === y0 ? 0.5 : (y - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  const f = (n: number) => n.toFixed(1);

  let body = `<line x1="${m.left}" y1="${height - m.bottom}" x2="${width - m.right}" y2="${height - m.bottom}" stroke="#333"/>\n`;
  body += `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${height - m.bottom}" stroke="#333"/>\n`;
  for (const t of ticks(x0, x1)) {
    body += `<text x="${f(sx(t))}" y="${height - m.bottom + 18}" text-anchor="middle">${t}</text>\n`;
  }
  for (const t of ticks(y0, y1)) {
    body += `<line x1="${m.left}" y1="${f(sy(t))}" x2="${width - m.right}" y2="${f(sy(t))}" stroke="#eee"/>\n`;
    body += `<text x="${m.left - 8}" y="${f(sy(t) + 4)}" text-anchor="end">${t}</text>\n`;
  }
  body += `<text x="${(m.left + width - m.right) / 2}" y="${height - 12}" text-anchor="middle">step</text>\n`;
  body += `<text transform="translate(16 ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle">loss</text>\n`;
  series.forEach((s, i) => {
    body += `<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${s.points.map(([x, y]) => `${f(sx(x))},${f(sy(y))}`).join(' ')}"/>\n`;
    const ly = m.top + 4 + i * 18;
    body += `<line x1="${width - m.right - 150}" y1="${ly}" x2="${width - m.right - 130}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>\n`;
    body += `<text x="${width - m.right - 124}" y="${ly + 4}">${escapeXml(s.name)}</text>\n`;
  });
  return `${head}${body}</svg>\n`;
}
