/**
 * LangChain's OpenAI chat model, as n8n provides it. Community packages do not ship LangChain:
 * n8n's AI Agent and chains need the model to come from the LangChain copy n8n runs with, and n8n
 * makes its own modules resolvable from community packages (at startup its node loader sets
 * NODE_PATH to its own module paths). So `@langchain/openai` is required only when the node runs,
 * and only from there: first the ordinary way (this package's folders, then n8n's NODE_PATH), then
 * beside n8n's AI nodes package (installs where it is not hoisted). It is a devDependency only.
 */
import { createRequire } from 'node:module';
import { NodeOperationError, type INode } from 'n8n-workflow';
import type * as LangChainOpenAI from '@langchain/openai';

export type LangChainOpenAIModule = typeof LangChainOpenAI;

export const LANGCHAIN_OPENAI = '@langchain/openai';
const N8N_AI_NODES = '@n8n/n8n-nodes-langchain';

/** What the node says when this n8n has no LangChain (no AI nodes), or when this is not n8n. */
export const LANGCHAIN_MISSING = 'This n8n does not provide LangChain, which the Fine-Tuned Chat Model needs';

interface Resolver {
  (id: string): unknown;
  resolve(id: string): string;
}

/** `id` itself is missing (not one of its own dependencies: that is a broken install, reported as it is). */
function notFound(error: unknown, id: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return (e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') && typeof e.message === 'string' && e.message.includes(`'${id}'`);
}

/**
 * `@langchain/openai` as n8n's own nodes get it (`resolver` is for tests); NodeOperationError
 * when neither place has it, or when it fails to load (a broken install).
 */
export function loadLangChainOpenAI(node: INode, itemIndex: number, resolver: Resolver = require): LangChainOpenAIModule {
  const places = [() => resolver(LANGCHAIN_OPENAI), () => createRequire(resolver.resolve(N8N_AI_NODES))(LANGCHAIN_OPENAI)];
  for (const load of places) {
    try {
      return load() as LangChainOpenAIModule;
    } catch (error) {
      if (!notFound(error, LANGCHAIN_OPENAI) && !notFound(error, N8N_AI_NODES)) {
        throw new NodeOperationError(node, `${LANGCHAIN_OPENAI} failed to load: ${(error as Error)?.message ?? String(error)}`, { itemIndex });
      }
    }
  }
  throw new NodeOperationError(node, LANGCHAIN_MISSING, {
    itemIndex,
    description: `Cannot find ${LANGCHAIN_OPENAI}. Use this node in an n8n that has its AI nodes (AI Agent, chains); outside n8n, use the Fine-Tuned Chat node or the flowtune CLI.`,
  });
}
