/**
 * Duplicate detection: exact (same target), structural (same node types and typed
 * edges — the same workflow with other parameters), and near-duplicate requests
 * (MinHash over word shingles with LSH banding; Jaccard verified on candidates).
 */
import { forEachConnection } from '../schemas/graph';
import { isObject } from '../schemas/json-value';
import { sha1 } from '../util/hash';
import type { Workflow } from './types';

/** Node types (as a multiset) and typed edges between node types. */
export function structureKey(workflow: Workflow): string {
  const typeOf = new Map(workflow.nodes.map((n) => [n.name, n.type]));
  const types = workflow.nodes.map((n) => n.type).sort();
  const edges: string[] = [];
  // Every entry counts, an end that names no node as `?` (the key only groups workflows).
  forEachConnection(workflow.connections, (source, type, output, _entry, target) => {
    const to = typeOf.get((isObject(target) ? target.node : undefined) as string ?? '');
    edges.push(`${typeOf.get(source) ?? '?'}#${output}-${type}->${to ?? '?'}`);
  });
  return sha1(JSON.stringify([types, edges.sort()]));
}

const WORD = /[\p{L}\p{N}]+/gu;
const SHINGLE = 3;
const PERMUTATIONS = 64;
const BANDS = 16;
const ROWS = PERMUTATIONS / BANDS;

/** 32-bit FNV-1a: fast, deterministic, good enough for MinHash. */
function fnv1a(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Fixed odd multipliers and offsets of the permutations (deterministic across runs). */
const PERMUTATION_A = Array.from({ length: PERMUTATIONS }, (_, p) => (fnv1a(`a${p}`, 17) | 1) >>> 0);
const PERMUTATION_B = Array.from({ length: PERMUTATIONS }, (_, p) => fnv1a(`b${p}`, 23));

export function shingles(text: string): Set<string> {
  const words = text.toLowerCase().match(WORD) ?? [];
  const set = new Set<string>();
  if (words.length < SHINGLE) set.add(words.join(' '));
  for (let i = 0; i + SHINGLE <= words.length; i++) set.add(words.slice(i, i + SHINGLE).join(' '));
  return set;
}

/**
 * MinHash signature of a request's word shingles: one hash per shingle, then
 * PERMUTATIONS cheap universal-hash permutations of it (h·a + b, 32-bit) — the
 * classic construction, without rehashing strings.
 */
export function requestSignature(text: string): Uint32Array {
  const signature = new Uint32Array(PERMUTATIONS).fill(0xffffffff);
  for (const shingle of shingles(text)) {
    const h = fnv1a(shingle, 0);
    for (let p = 0; p < PERMUTATIONS; p++) {
      const v = (Math.imul(h, PERMUTATION_A[p]) + PERMUTATION_B[p]) >>> 0;
      if (v < signature[p]) signature[p] = v;
    }
  }
  return signature;
}

/** Share of equal MinHash slots: an unbiased estimate of the Jaccard similarity of the shingle sets. */
function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) equal++;
  return equal / a.length;
}

/** One number per band of a signature (band number mixed in): bucket keys without building strings. */
function bandKey(signature: Uint32Array, band: number): number {
  let h = fnv1aInt(band, 0x9e3779b9);
  for (let r = band * ROWS; r < (band + 1) * ROWS; r++) h = fnv1aInt(signature[r], h);
  return h;
}

function fnv1aInt(value: number, seed: number): number {
  let h = seed >>> 0;
  for (let shift = 0; shift < 32; shift += 8) h = Math.imul(h ^ ((value >>> shift) & 0xff), 0x01000193) >>> 0;
  return h;
}

/**
 * Remembers accepted requests and answers "is this one a near duplicate of one of
 * them?". Only MinHash signatures are kept (64 numbers a request, whatever its
 * length), so memory stays small on very large corpora; the similarity of two
 * candidates is estimated from their signatures.
 */
export class NearDuplicateIndex {
  // A shared bucket only makes two requests candidates: the estimate decides, so colliding keys are harmless.
  private readonly buckets = new Map<number, number[]>();
  private readonly kept: Uint32Array[] = [];

  constructor(private readonly threshold = 0.8) {}

  /** The index of an earlier near-duplicate, or -1 (and then this request is remembered). Takes the text or its signature. */
  addIfNew(request: string | Uint32Array): number {
    const signature = typeof request === 'string' ? requestSignature(request) : request;
    const bands: number[] = [];
    for (let b = 0; b < BANDS; b++) bands.push(bandKey(signature, b));
    const candidates = new Set<number>();
    for (const band of bands) for (const i of this.buckets.get(band) ?? []) candidates.add(i);
    for (const i of [...candidates].sort((x, y) => x - y)) if (estimatedJaccard(signature, this.kept[i]) >= this.threshold) return i;
    const index = this.kept.push(signature) - 1;
    for (const band of bands) {
      const bucket = this.buckets.get(band);
      if (bucket) bucket.push(index);
      else this.buckets.set(band, [index]);
    }
    return -1;
  }
}
