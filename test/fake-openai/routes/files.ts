/**
 * Files: `POST /v1/files` (multipart `file` + `purpose`), list, retrieve, content, delete.
 * The same routes serve Together's files (its SDK uploads through `POST /v1/files?file_name=...`
 * and reads back through `GET /v1/files/{id}`); each file is serialised in the shape of the
 * provider that stored it.
 */
import type { FakeCore } from '../core';
import { apiError, json, paginate, isReply, type Reply } from '../http';
import { route, type Ctx, type Route } from '../router';
import type { FileRecord } from '../types';
import { checkTrainingFile } from '../validate';
import { startPresignedUpload } from './together';

const PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'];

export function serializeFile(file: FileRecord): Record<string, unknown> {
  if (file.provider === 'together') {
    return {
      id: file.id,
      object: 'file',
      created_at: file.createdAt,
      filename: file.filename,
      bytes: file.bytes,
      purpose: file.purpose,
      Processed: true,
      FileType: file.fileType ?? 'jsonl',
      LineCount: file.lineCount ?? 0,
      processing_status: file.status === 'error' ? 'INVALID_FORMAT' : 'COMPLETED',
      validation_report:
        file.status === 'error'
          ? { valid: false, error: file.statusDetails, error_type: 'INVALID_FORMAT', file_id: file.id, nlines: file.lineCount }
          : { valid: true, file_id: file.id, nlines: file.lineCount },
    };
  }
  return {
    object: 'file',
    id: file.id,
    purpose: file.purpose,
    filename: file.filename,
    bytes: file.bytes,
    created_at: file.createdAt,
    expires_at: null,
    status: file.status,
    status_details: file.statusDetails ?? null,
  };
}

function noSuchFile(id: string): Reply {
  return apiError(404, `No such File object: ${id}`, { param: 'id' });
}

/** Checks a fine-tune upload when checks happen at upload time; undefined when it may be stored. */
function rejectTrainingUpload(core: FakeCore, filename: string, data: Buffer): Reply | undefined {
  if (!filename.toLowerCase().endsWith('.jsonl')) {
    return apiError(400, 'Invalid file format for Fine-Tuning API. Must be .jsonl', { param: 'file', code: 'invalid_file_format' });
  }
  if (core.settings.trainingFileChecks !== 'upload') return undefined;
  const check = checkTrainingFile(data.toString('utf8'), 'any');
  if (check.ok) return undefined;
  const { detail, line } = check.issue;
  const message = `Invalid file format. ${detail}${detail.includes('(line ') ? '' : ` (line ${line})`}`;
  return apiError(400, message, { param: 'file', code: 'invalid_file_format' });
}

function upload(ctx: Ctx): Reply {
  const body = ctx.body;
  if (body.kind === 'form' && body.files.length === 0 && (ctx.query.has('file_name') || 'file_name' in body.fields)) {
    return startPresignedUpload(ctx); // the together-ai SDK's first upload step
  }
  if (body.kind !== 'form') return apiError(400, "Missing required parameter: 'file'.", { param: 'file', code: 'missing_required_parameter' });
  const purpose = body.fields.purpose;
  if (purpose === undefined) return apiError(400, "Missing required parameter: 'purpose'.", { param: 'purpose', code: 'missing_required_parameter' });
  if (!PURPOSES.includes(purpose)) {
    return apiError(400, `'${purpose}' is not one of ${JSON.stringify(PURPOSES).replace(/"/g, "'")} - 'purpose'`, { param: 'purpose' });
  }
  const part = body.files.find((f) => f.field === 'file');
  if (!part) return apiError(400, "Missing required parameter: 'file'.", { param: 'file', code: 'missing_required_parameter' });
  if (purpose === 'fine-tune') {
    const rejection = rejectTrainingUpload(ctx.core, part.filename, part.data);
    if (rejection) return rejection;
  }
  const file = ctx.core.addFile({ provider: 'openai', filename: part.filename, purpose, content: part.data });
  return json(serializeFile(file));
}

function list(ctx: Ctx): Reply {
  const purpose = ctx.query.get('purpose');
  let files = [...ctx.core.state.files.values()].filter((f) => !purpose || f.purpose === purpose);
  if (ctx.query.get('order') !== 'asc') files = files.reverse();
  const page = paginate(files, (f) => f.id, ctx.query, { limit: 10000, max: 10000, withIds: true });
  return isReply(page) ? page : json({ ...page, data: page.data.map(serializeFile) });
}

function withFile(ctx: Ctx, id: string, then: (file: FileRecord) => Reply): Reply {
  const file = ctx.core.state.files.get(id);
  return file ? then(file) : noSuchFile(id);
}

export const fileRoutes: Route[] = [
  route('POST', 'v1', /^\/files$/, upload),
  route('GET', 'v1', /^\/files$/, list),
  route('GET', 'v1', /^\/files\/([^/]+)$/, (ctx, [id]) => withFile(ctx, id, (f) => json(serializeFile(f)))),
  route('GET', 'v1', /^\/files\/([^/]+)\/content$/, (ctx, [id]) =>
    withFile(ctx, id, (f) => ({ kind: 'bytes', status: 200, body: f.content, contentType: 'application/octet-stream' })),
  ),
  route('DELETE', 'v1', /^\/files\/([^/]+)$/, (ctx, [id]) =>
    withFile(ctx, id, (f) => {
      ctx.core.state.files.delete(f.id);
      return json({ object: 'file', deleted: true, id: f.id });
    }),
  ),
];
