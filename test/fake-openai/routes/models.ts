/**
 * `/v1/models`: list, retrieve and delete. Base models are owned by `system`; fine-tuned ones by
 * the organisation, and only those can be deleted. Model ids may contain `/` and `:`, sent raw or
 * percent-encoded.
 */
import { apiError, json, type Reply } from '../http';
import { route, type Ctx, type Route } from '../router';
import type { ModelRecord } from '../types';

function serializeModel(m: ModelRecord) {
  return { id: m.id, object: 'model', created: m.created, owned_by: m.ownedBy };
}

function notFound(id: string): Reply {
  return apiError(404, `The model \`${id}\` does not exist or you do not have access to it.`, { code: 'model_not_found' });
}

function remove(ctx: Ctx, id: string): Reply {
  const model = ctx.core.findModel(id);
  if (!model) return notFound(id);
  if (model.kind === 'base') return apiError(403, 'You have insufficient permissions for this operation.', { code: 'insufficient_permissions' });
  ctx.core.state.models.delete(id);
  return json({ id, object: 'model', deleted: true });
}

export const modelRoutes: Route[] = [
  route('GET', 'v1', /^\/models$/, (ctx) => json({ object: 'list', data: ctx.core.listModels().map(serializeModel) })),
  route('GET', 'v1', /^\/models\/(.+)$/, (ctx, [id]) => {
    const model = ctx.core.findModel(id);
    return model ? json(serializeModel(model)) : notFound(id);
  }),
  route('DELETE', 'v1', /^\/models\/(.+)$/, (ctx, [id]) => remove(ctx, id)),
];
