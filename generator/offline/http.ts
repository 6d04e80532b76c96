/** HTTP Request nodes that call one service's own API (a literal URL): such a call is an action on that service. */
import type { CompactNode } from '../../dataset/compact';

const HTTP_TYPES = new Set(['n8n-nodes-base.httpRequest', 'n8n-nodes-base.httpRequestTool']);

/** Domain labels that say nothing about a service. */
const GENERIC_HOST_LABELS = new Set(['www', 'api', 'app', 'com', 'org', 'net', 'io', 'co', 'dev', 'ai', 'v1', 'v2', 'v3', 'localhost', 'example', 'webhook', 'hooks']);

export const isHttpType = (type: string): boolean => HTTP_TYPES.has(type);

/** The literal host an HTTP node calls (none when the URL is an expression or empty). */
export function literalHost(node: CompactNode): string | undefined {
  if (!HTTP_TYPES.has(node.type)) return undefined;
  const url = node.parameters?.url;
  if (typeof url !== 'string' || url.startsWith('=') || url === '') return undefined;
  return /^[a-z]+:\/\/([^/:?#]+)/i.exec(url.trim())?.[1].toLowerCase();
}

/** The labels of that host that could name a service (`iam.amazonaws.com` → iam, amazonaws); empty for generic calls. */
export function hostLabels(node: CompactNode): string[] {
  const host = literalHost(node);
  return host ? host.split('.').filter((l) => !GENERIC_HOST_LABELS.has(l) && !/^\d+$/.test(l)) : [];
}

/** Does the request speak of the service behind these labels (its words or the services it wants)? */
export function hostNamed(labels: readonly string[], requestWords: ReadonlySet<string>, wanted: ReadonlySet<string>): boolean {
  if (labels.length === 0) return true;
  return labels.some(
    (label) => wanted.has(label) || [...requestWords].some((w) => w.length >= 4 && (label.includes(w) || w.includes(label))) || [...wanted].some((s) => label.includes(s) || s.includes(label)),
  );
}
