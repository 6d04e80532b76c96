/**
 * Nebius Token Factory custom models (`/v0/models`): deploy a fine-tuned LoRA checkpoint
 * serverlessly. `POST /v0/models {name, base_model, source}` (source `ftjob-…:ftckpt_…`, a file id
 * or a Hugging Face URL) answers `status: "validating"` and a full name
 * `<base>-LoRa:<name>-<xxxx>`; once active (after `advance()` or `autoAdvance` GETs) that name
 * works as a chat model. Errors are FastAPI-style `{ detail }`.
 */
import type { FakeCore } from '../core';
import { detailError, isReply, json, jsonObject, type Reply } from '../http';
import { route, type Ctx, type Route } from '../router';
import type { NebiusModelRecord } from '../types';

const withoutFast = (model: string) => model.replace(/-fast$/, '');

function serialize(m: NebiusModelRecord) {
  return {
    type: 'text2text',
    name: m.name,
    status: m.status,
    status_reason: null,
    description: m.description,
    base_model: m.base_model,
    source: m.source,
    created_at: m.created_at,
    checkpoint_id: m.checkpointId,
    job_id: m.jobId,
    file_id: m.fileId,
  };
}

/** Resolves `source`: the job/checkpoint or file it names, or an error. */
function resolveSource(core: FakeCore, source: string, baseModel: string): Pick<NebiusModelRecord, 'jobId' | 'checkpointId' | 'fileId'> | Reply {
  const ft = /^(ftjob-[^:]+)(?::(ftckpt_[^:]+))?$/.exec(source);
  if (ft) {
    const job = core.state.jobs.get(ft[1]);
    if (!job) return detailError(404, `Fine-tuning job ${ft[1]} not found`);
    if (job.phase !== 'succeeded') return detailError(400, `Fine-tuning job ${job.id} has not succeeded`);
    if (ft[2] && !job.checkpoints.some((c) => c.id === ft[2])) return detailError(404, `Checkpoint ${ft[2]} not found in job ${job.id}`);
    if (withoutFast(job.model) !== withoutFast(baseModel)) {
      return detailError(400, `Source ${source} was trained from ${job.model}, which does not match base model ${baseModel}`);
    }
    return { jobId: job.id, checkpointId: ft[2] ?? null, fileId: null };
  }
  if (source.startsWith('file-')) {
    return core.state.files.has(source) ? { jobId: null, checkpointId: null, fileId: source } : detailError(404, `File ${source} not found`);
  }
  if (/huggingface\.co\//.test(source)) return { jobId: null, checkpointId: null, fileId: null };
  return detailError(400, `Unrecognised source: ${source}`);
}

function create(ctx: Ctx): Reply {
  const body = jsonObject(ctx.body) ?? {};
  const missing = ['name', 'base_model', 'source'].filter((k) => typeof body[k] !== 'string');
  if (missing.length) {
    return json({ detail: missing.map((k) => ({ type: 'missing', loc: ['body', k], msg: 'Field required', input: body })) }, 422);
  }
  const { core } = ctx;
  const [name, baseModel, source] = [body.name, body.base_model, body.source] as string[];
  if ([...core.state.nebiusModels.values()].some((m) => m.shortName === name && m.status !== 'deleted')) {
    return detailError(409, `Model with name ${name} already exists`);
  }
  const resolved = resolveSource(core, source, baseModel);
  if (isReply(resolved)) return resolved;
  const model: NebiusModelRecord = {
    name: `${withoutFast(baseModel)}-LoRa:${name}-${core.ids.lower(4)}`,
    shortName: name,
    base_model: baseModel,
    source,
    description: typeof body.description === 'string' ? body.description : null,
    created_at: core.clock.now(),
    status: 'validating',
    ...resolved,
  };
  core.state.nebiusModels.set(model.name, model);
  const { name: full, base_model, description, created_at, status } = model;
  return json({ name: full, base_model, source, description, created_at, status });
}

function withModel(ctx: Ctx, name: string, then: (m: NebiusModelRecord) => Reply): Reply {
  const model = ctx.core.findNebius(name);
  return model && model.status !== 'deleted' ? then(model) : detailError(404, `Model ${name} not found`);
}

export const nebiusRoutes: Route[] = [
  route('POST', 'v0', /^\/models$/, create),
  route('GET', 'v0', /^\/models$/, (ctx) =>
    json([...ctx.core.state.nebiusModels.values()].filter((m) => m.status !== 'deleted').map(serialize)),
  ),
  route('GET', 'v0', /^\/models\/(.+)$/, (ctx, [name]) =>
    withModel(ctx, name, (m) => {
      if (ctx.core.settings.autoAdvance > 0) ctx.core.advanceNebius(m.name);
      return json(serialize(m));
    }),
  ),
  route('DELETE', 'v0', /^\/models\/(.+)$/, (ctx, [name]) =>
    withModel(ctx, name, (m) => {
      m.status = 'deleted';
      return json(serialize(m));
    }),
  ),
];
