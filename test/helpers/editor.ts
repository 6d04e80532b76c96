/**
 * What n8n's editor (2.8.4, packages/frontend/editor-ui) does with a node description, where it can
 * be done without a browser:
 *
 * - the node's subtitle, computed as the canvas does (`getNodeSubtitle`: the subtitle expression
 *   evaluated by n8n-workflow's expression engine on the node's parameters with their defaults);
 * - which credentials are displayed, by n8n-workflow's own `NodeHelpers.displayParameter`;
 * - the "main authentication field": a port of the editor's `getMainAuthField`
 *   (src/utils/nodeTypesUtils.ts), which the editor hides from the parameters and turns into the
 *   credential's auth-type choice. Ported because the editor is not a library; keep it in step.
 */
import {
  NodeHelpers,
  Workflow,
  type INode,
  type INodeParameters,
  type INodeProperties,
  type INodeType,
  type INodeTypeDescription,
  type INodeTypes,
} from 'n8n-workflow';

const TYPE_PREFIX = 'n8n-nodes-flowtune.';

function nodeTypesOf(type: INodeType): INodeTypes {
  return {
    getByName: () => type,
    getByNameAndVersion: () => type,
    getKnownTypes: () => ({}),
  } as unknown as INodeTypes;
}

/** The node as the editor holds it: its parameters with the defaults of `typeVersion`. */
export function editorNode(type: INodeType, parameters: INodeParameters, typeVersion: number): INode {
  const base: INode = { id: 'n1', name: 'Node', type: `${TYPE_PREFIX}${type.description.name}`, typeVersion, position: [0, 0], parameters };
  const full = NodeHelpers.getNodeParameters(type.description.properties, parameters, true, false, base, type.description) ?? parameters;
  return { ...base, parameters: full };
}

/** The subtitle under the node on the canvas. */
export function subtitleOf(type: INodeType, parameters: INodeParameters, typeVersion: number): unknown {
  const node = editorNode(type, parameters, typeVersion);
  const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: nodeTypesOf(type) });
  return workflow.expression.getSimpleParameterValue(node, type.description.subtitle as string, 'internal', {}, undefined, '[filled at execution time]');
}

/** The credentials the editor shows for these parameters (n8n's own display rule). */
export function displayedCredentials(type: INodeType, parameters: INodeParameters, typeVersion: number): string[] {
  const node = editorNode(type, parameters, typeVersion);
  return (type.description.credentials ?? []).filter((c) => NodeHelpers.displayParameter(node.parameters, c, node, type.description, node.parameters)).map((c) => c.name);
}

/** The parameters the editor shows (top level) for these parameters, by name. */
export function displayedParameters(type: INodeType, parameters: INodeParameters, typeVersion: number): INodeProperties[] {
  const node = editorNode(type, parameters, typeVersion);
  const main = mainAuthField(type.description);
  return type.description.properties.filter((p) => p.name !== main?.name && NodeHelpers.displayParameter(node.parameters, p, node, type.description, node.parameters));
}

function nodeAuthFields(description: INodeTypeDescription): INodeProperties[] {
  const fields: INodeProperties[] = [];
  for (const credential of description.credentials ?? []) {
    for (const name of Object.keys(credential.displayOptions?.show ?? {})) {
      for (const field of description.properties.filter((p) => p.name === name)) if (!fields.includes(field)) fields.push(field);
    }
  }
  return fields;
}

/** n8n 2.8.4's `getMainAuthField`: the field the editor treats as the node's authentication choice, or null. */
export function mainAuthField(description: INodeTypeDescription): INodeProperties | null {
  const fields = nodeAuthFields(description);
  const authentication = fields.find((p) => p.name === 'authentication' && !p.options?.find((o) => 'value' in o && o.value === 'none'));
  if (authentication) return authentication;
  const used: Record<string, string[]> = {};
  for (const credential of description.credentials ?? []) {
    for (const [name, values] of Object.entries(credential.displayOptions?.show ?? {})) {
      used[name] = (used[name] ?? []).concat((values ?? []).map((v) => (v ? String(v) : '')));
    }
  }
  return (
    fields.find((field) => {
      let all = true;
      for (const option of field.options ?? []) if ('value' in option && typeof option.value === 'string' && !used[field.name].includes(option.value)) all = false;
      return all;
    }) ?? null
  );
}

/**
 * n8n 2.8.4's `isRequiredCredential`: true when the editor offers this credential as one choice among the
 * node's credentials; its "Create new credential" then opens the form of the node's first credential type.
 */
export function offeredAsAuthChoice(description: INodeTypeDescription, credential: string): boolean {
  const entry = description.credentials?.find((c) => c.name === credential);
  if (!entry) throw new Error(`${description.name} has no credential ${credential}`);
  if (!entry.displayOptions?.show) return true;
  const auth = mainAuthField(description);
  return auth ? auth.name in entry.displayOptions.show : false;
}
