/**
 * HTTP plumbing for the fake server: replies as values (so a fault can run a handler and then
 * throw its answer away), body parsing including a small multipart/form-data parser, OpenAI's
 * error envelope and cursor pagination.
 */
import type { IncomingHttpHeaders } from 'node:http';

export type Reply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'bytes'; status: number; body: Buffer; contentType: string; headers?: Record<string, string> }
  /** Server-sent events: each entry is one `data:` payload, already serialised. */
  | { kind: 'sse'; status: number; events: string[] }
  | { kind: 'empty'; status: number; headers?: Record<string, string> };

export function json(body: unknown, status = 200, headers?: Record<string, string>): Reply {
  return { kind: 'json', status, body, headers };
}

/** OpenAI's error envelope: `{ error: { message, type, param, code } }`. */
export function apiError(
  status: number,
  message: string,
  options: { type?: string; param?: string | null; code?: string | null; headers?: Record<string, string> } = {},
): Reply {
  return json(
    {
      error: {
        message,
        type: options.type ?? 'invalid_request_error',
        param: options.param ?? null,
        code: options.code ?? null,
      },
    },
    status,
    options.headers,
  );
}

/** FastAPI-style error (`{ detail }`), which the Nebius `/v0` API answers with. */
export function detailError(status: number, detail: string): Reply {
  return json({ detail }, status);
}

export function invalidUrl(method: string, path: string): Reply {
  return apiError(404, `Invalid URL (${method} ${path})`);
}

// ---------------------------------------------------------------------------------------------
// Bodies

export interface UploadedPart {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export type ParsedBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'invalid-json'; text: string }
  | { kind: 'form'; fields: Record<string, string>; files: UploadedPart[] }
  | { kind: 'raw'; data: Buffer };

export function parseBody(headers: IncomingHttpHeaders, data: Buffer): ParsedBody {
  if (data.length === 0) return { kind: 'none' };
  const type = (headers['content-type'] ?? '').toLowerCase();
  if (type.includes('application/json')) {
    const text = data.toString('utf8');
    try {
      return { kind: 'json', value: JSON.parse(text) };
    } catch {
      return { kind: 'invalid-json', text };
    }
  }
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(headers['content-type'] ?? '');
    if (boundary) return parseMultipart(data, boundary[1] ?? boundary[2]);
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { kind: 'form', fields: Object.fromEntries(new URLSearchParams(data.toString('utf8'))), files: [] };
  }
  return { kind: 'raw', data };
}

/** Splits a multipart body on its boundary; each part is headers, a blank line, then content. */
export function parseMultipart(data: Buffer, boundary: string): ParsedBody {
  const fields: Record<string, string> = {};
  const files: UploadedPart[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let start = data.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    if (data.subarray(partStart, partStart + 2).toString() === '--') break; // closing delimiter
    const next = data.indexOf(delimiter, partStart);
    if (next === -1) break;
    // Part content sits between the CRLF after the delimiter and the CRLF before the next one.
    const part = data.subarray(partStart + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const head = part.subarray(0, headerEnd).toString('utf8');
      const content = part.subarray(headerEnd + 4);
      const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      if (filename === undefined) {
        fields[name] = content.toString('utf8');
      } else {
        const contentType = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? 'application/octet-stream';
        files.push({ field: name, filename, contentType, data: Buffer.from(content) });
      }
    }
    start = next;
  }
  return { kind: 'form', fields, files };
}

/** The JSON object body, or undefined when the body is not a JSON object. */
export function jsonObject(body: ParsedBody): Record<string, unknown> | undefined {
  if (body.kind !== 'json') return undefined;
  const v = body.value;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** How a request body is shown in the request log. */
export function bodyForLog(body: ParsedBody): unknown {
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'json':
      return body.value;
    case 'invalid-json':
      return body.text;
    case 'form':
      return {
        fields: body.fields,
        files: body.files.map((f) => ({ field: f.field, filename: f.filename, contentType: f.contentType, bytes: f.data.length })),
      };
    case 'raw':
      return body.data.length <= 64 * 1024 ? body.data.toString('utf8') : `<${body.data.length} bytes>`;
  }
}

// ---------------------------------------------------------------------------------------------
// Pagination

export interface CursorPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  first_id?: string | null;
  last_id?: string | null;
}

/**
 * OpenAI cursor pagination over items already in response order: `after` is the id of the last
 * item of the previous page; `limit` caps the page (clamped to 1..max).
 */
export function paginate<T>(
  items: T[],
  idOf: (item: T) => string,
  query: URLSearchParams,
  defaults: { limit: number; max: number; withIds?: boolean },
): CursorPage<T> | Reply {
  const limitText = query.get('limit');
  let limit = defaults.limit;
  if (limitText !== null) {
    limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1) {
      return apiError(400, `Invalid 'limit': expected an integer between 1 and ${defaults.max}, got ${limitText}.`, {
        param: 'limit',
        code: 'integer_below_min_value',
      });
    }
    limit = Math.min(limit, defaults.max);
  }
  const after = query.get('after');
  let start = 0;
  if (after) {
    const index = items.findIndex((i) => idOf(i) === after);
    start = index === -1 ? items.length : index + 1;
  }
  const data = items.slice(start, start + limit);
  const page: CursorPage<T> = { object: 'list', data, has_more: start + limit < items.length };
  if (defaults.withIds) {
    page.first_id = data.length ? idOf(data[0]) : null;
    page.last_id = data.length ? idOf(data[data.length - 1]) : null;
  }
  return page;
}

export function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'kind' in value && 'status' in value;
}
