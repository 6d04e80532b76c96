/**
 * Hashing, one home: hex digests of text (UTF-8) or bytes. sha1 for ids, stable orders
 * and buckets (never for security); sha256 for content addresses (uploads, bundle files,
 * idempotency keys, caches).
 */
import { hash, type BinaryLike } from 'node:crypto';

export function sha1(data: BinaryLike): string {
  return hash('sha1', data, 'hex');
}

export function sha256(data: BinaryLike): string {
  return hash('sha256', data, 'hex');
}
