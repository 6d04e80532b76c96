import { checkWebhookResponse } from '../runtime';
import type { NodeRule } from './rule';

/** A trigger's responseMode agrees with the Respond to Webhook nodes after it (runtime.ts). */
export const webhookResponse: NodeRule = {
  id: 'webhook-response',
  codes: ['WEBHOOK_RESPONSE_MISMATCH'],
  checkNode: checkWebhookResponse,
};
