/** The workflow JSON Schema (draft 2020-12), compiled once per process with ajv. */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import workflowSchema from './workflow.schema.json';
import type { ValidationIssue } from './validator/issues';

export { workflowSchema };

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(workflowSchema);
  return compiled;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'workflow' : error.instancePath;
  if (error.keyword === 'required') return `${where} is missing "${(error.params as { missingProperty: string }).missingProperty}"`;
  if (error.keyword === 'enum') {
    return `${where} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (error.keyword === 'type') {
    const type = (error.params as { type: string | string[] }).type;
    return `${where} must be ${(Array.isArray(type) ? type : String(type).split(',')).join(' or ')}`;
  }
  return `${where} ${error.message ?? 'is invalid'}`;
}

/** Name of the node a schema error points into, when it points into `nodes`. */
function nodeNameAt(workflow: Record<string, unknown>, path: string): string | undefined {
  const match = /^\/nodes\/(\d+)/.exec(path);
  if (!match || !Array.isArray(workflow.nodes)) return undefined;
  const node = workflow.nodes[Number(match[1])] as { name?: unknown } | undefined;
  return typeof node?.name === 'string' ? node.name : undefined;
}

export function checkWorkflowSchema(workflow: Record<string, unknown>): ValidationIssue[] {
  const validate = validator();
  if (validate(workflow)) return [];
  return (validate.errors ?? [])
    // anyOf / if failures are explained by their branches' own errors.
    .filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if')
    .map((e) => {
      const issue: ValidationIssue = { code: 'SCHEMA', message: describe(e), path: e.instancePath };
      const node = nodeNameAt(workflow, e.instancePath);
      if (node !== undefined) issue.node = node;
      return issue;
    });
}
