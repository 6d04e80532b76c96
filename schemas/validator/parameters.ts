/**
 * Parameter checks for one node against the catalog properties of its type and
 * version: unknown keys, literal values outside static option lists, required
 * parameters left empty. Expressions (`=…`) are never judged as literals.
 */
import type { PropertyIndex } from '../catalog/catalog';
import { displayedSubset, isDisplayed, isExpression, type DisplayContext } from '../catalog/display';
import type { CatalogProperty } from '../catalog/types';
import { didYouMean, suggestNames } from './suggest';
import { describeValue, OMITTED_ISSUE, type ValidationIssue, pointer } from './issues';
import { hasOwn, isObject } from '../json-value';

type Params = Record<string, unknown>;

export interface ParameterCheckTarget {
  nodeName: string;
  type: string;
  version: number;
  tool: boolean;
  /** JSON Pointer of the node's `parameters` object. */
  path: string;
  /** Issues the caller will still keep: findings past it are OMITTED_ISSUE (counted, not built). */
  room?: number;
}

export interface ParameterFindings {
  errors: ValidationIssue[];
  missingRequired: ValidationIssue[];
}

const MAX_LISTED_OPTIONS = 12;

function describeOptions(options: unknown[]): string {
  const shown = options.slice(0, MAX_LISTED_OPTIONS).map(describeValue);
  return options.length > MAX_LISTED_OPTIONS ? `${shown.join(', ')}, … (${options.length} in all)` : shown.join(', ');
}

/** The editor adds this choice to `resource` / `operation` of nodes that support custom API calls. */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

/**
 * n8n compares option values strictly, but stored workflows (and models) write
 * numbers as strings now and then; n8n itself loads those without complaint.
 */
function optionMatches(options: unknown[], value: unknown): boolean {
  if (options.includes(value)) return true;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    const text = String(value);
    return options.some((o) => (typeof o === 'number' || typeof o === 'boolean') && String(o) === text);
  }
  return false;
}

/** Does an options property take this literal (or expression)? */
function optionAccepts(def: CatalogProperty, value: unknown): boolean {
  if (def.dynamicOptions || !def.options || def.options.length === 0 || isExpression(value)) return true;
  if (optionMatches(def.options, value)) return true;
  if (def.legacyOptions && optionMatches(def.legacyOptions, value)) return true;
  return value === CUSTOM_API_CALL && (def.name === 'resource' || def.name === 'operation');
}

/**
 * Defaults of unset top-level parameters, as n8n fills them before judging display:
 * the default of the first displayed definition. Resolved lazily, only for the
 * parameters a display rule actually reads, and memoised per node.
 */
export function defaultResolver(params: Params, index: PropertyIndex, version: number, tool: boolean): (name: string) => unknown {
  // Allocated on first use: most nodes set every parameter their rules read.
  let resolved: Map<string, unknown> | undefined;
  let resolving: Set<string> | undefined;
  let ctx: DisplayContext | undefined;
  const defaultOf = (name: string): unknown => {
    if (resolved?.has(name)) return resolved.get(name);
    const defs = index.controllingByName.get(name);
    if (!defs) return undefined;
    resolved ??= new Map();
    resolving ??= new Set();
    ctx ??= { version, tool, root: params, level: params, defaultOf };
    if (resolving.has(name)) return undefined; // rules that read each other: no default
    resolving.add(name);
    let value: unknown;
    for (const def of defs) {
      if (isDisplayed(def, ctx)) {
        // n8n fills a resource locator with its default marked as a locator (`__rl`), which display rules read by its value.
        value = def.type === 'resourceLocator' && isObject(def.default) ? { __rl: true, ...def.default } : def.default;
        break;
      }
    }
    resolving.delete(name);
    resolved.set(name, value);
    return value;
  };
  return defaultOf;
}

class ParameterChecker {
  readonly errors: ValidationIssue[] = [];

  constructor(
    private readonly target: ParameterCheckTarget,
    private readonly root: Params,
    private readonly defaultOf: (name: string) => unknown,
  ) {}

  private lastContext: DisplayContext | undefined;

  /** Keys of one level are checked one after another: their values share one context. */
  private ctx(level: Params): DisplayContext {
    if (this.lastContext?.level === level) return this.lastContext;
    return (this.lastContext = { version: this.target.version, tool: this.target.tool, root: this.root, level, defaultOf: this.defaultOf });
  }

  /** Past the caller's room a finding is only counted: no message, no suggestion search. */
  private get full(): boolean {
    return this.errors.length >= (this.target.room ?? Infinity);
  }

  private issue(code: ValidationIssue['code'], message: string, path: string, suggestion?: string): ValidationIssue {
    const issue: ValidationIssue = { code, message, node: this.target.nodeName, path };
    if (suggestion) issue.suggestion = suggestion;
    return issue;
  }

  /** Check the keys of one level (the node's parameters, a collection, a fixedCollection group entry). */
  checkLevel(values: Params, definitions: Map<string, CatalogProperty[]>, path: string, parent?: string): void {
    for (const key of Object.keys(values)) {
      const defs = definitions.get(key);
      if (!defs) {
        if (this.full) {
          this.errors.push(OMITTED_ISSUE);
          continue;
        }
        const suggestion = didYouMean(suggestNames(key, definitions.keys()));
        this.errors.push(
          this.issue(
            'UNKNOWN_PARAMETER',
            `"${key}" is not a parameter of ${parent ?? `${this.target.type} v${this.target.version}`}`,
            `${path}${pointer(key)}`,
            suggestion,
          ),
        );
        continue;
      }
      const value = values[key];
      if (value === null || value === undefined || isExpression(value) || !needsValueCheck(defs)) continue;
      this.checkValue(value, defs, values, `${path}${pointer(key)}`);
    }
  }

  /** A value is fine if any definition of its name accepts it; otherwise report against the displayed one. */
  private checkValue(value: unknown, defs: CatalogProperty[], level: Params, path: string): void {
    if (defs.length > 1 && typeof value !== 'object' && defs.every((d) => d.type === 'options')) {
      // Fast path for option lists defined once per resource/operation: judge display
      // only for the definitions that would accept the value.
      const accepting = defs.filter((d) => optionAccepts(d, value));
      if (accepting.length === defs.length) return;
      if (accepting.length > 0) {
        const ctx = this.ctx(level);
        if (accepting.some((d) => isDisplayed(d, ctx)) || !defs.some((d) => isDisplayed(d, ctx))) return;
      }
    }
    const displayed = defs.length > 1 ? displayedSubset(defs, this.ctx(level)) : defs;
    const candidates = displayed.length > 0 ? displayed : defs;
    let firstFindings: ValidationIssue[] | undefined;
    for (const def of candidates) {
      const findings = this.valueFindings(value, def, path);
      if (findings.length === 0) return;
      firstFindings ??= findings;
    }
    if (firstFindings) this.errors.push(...firstFindings);
  }

  private valueFindings(value: unknown, def: CatalogProperty, path: string): ValidationIssue[] {
    if (def.opaque || value === null || value === undefined) return [];
    switch (def.type) {
      case 'options':
        return this.optionFindings(value, def, path);
      case 'multiOptions':
        return Array.isArray(value)
          ? value.flatMap((v, i) => this.optionFindings(v, def, `${path}${pointer(i)}`))
          : this.optionFindings(value, def, path);
      case 'collection':
        return this.nested(() => this.checkCollection(value, def, path));
      case 'fixedCollection':
        return this.nested(() => this.checkFixedCollection(value, def, path));
      case 'resourceLocator':
        return this.resourceLocatorFindings(value, def, path);
      default:
        return [];
    }
  }

  /** Run a nested check in isolation so a rejected candidate's findings do not leak. */
  private nested(check: () => void): ValidationIssue[] {
    const saved = this.errors.length;
    check();
    return this.errors.splice(saved);
  }

  private optionFindings(value: unknown, def: CatalogProperty, path: string): ValidationIssue[] {
    if (optionAccepts(def, value) || !def.options) return [];
    if (this.full) return [OMITTED_ISSUE];
    const textOptions = def.options.filter((o): o is string => typeof o === 'string');
    const suggestion = typeof value === 'string' ? didYouMean(suggestNames(value, textOptions)) : undefined;
    return [
      this.issue(
        'INVALID_OPTION_VALUE',
        `${describeValue(value)} is not an option of "${def.name}" (options: ${describeOptions(def.options)})`,
        path,
        suggestion,
      ),
    ];
  }

  private resourceLocatorFindings(value: unknown, def: CatalogProperty, path: string): ValidationIssue[] {
    if (!isObject(value) || !def.modes || def.modes.length === 0) return [];
    const mode = value.mode;
    // An empty mode is an untouched locator: the editor falls back to the first mode.
    if (mode === undefined || mode === '' || isExpression(mode) || def.modes.includes(mode as string)) return [];
    return [
      this.issue(
        'INVALID_OPTION_VALUE',
        `${describeValue(mode)} is not a mode of "${def.name}" (modes: ${describeOptions(def.modes)})`,
        `${path}/mode`,
        typeof mode === 'string' ? didYouMean(suggestNames(mode, def.modes)) : undefined,
      ),
    ];
  }

  private checkCollection(value: unknown, def: CatalogProperty, path: string): void {
    const children = byName(def.children ?? []);
    const entries = def.multipleValues && Array.isArray(value) ? value : [value];
    entries.forEach((entry, i) => {
      if (!isObject(entry)) return;
      const entryPath = entries === value ? `${path}${pointer(i)}` : path;
      this.checkLevel(entry, children, entryPath, `"${def.name}"`);
    });
  }

  private checkFixedCollection(value: unknown, def: CatalogProperty, path: string): void {
    if (!isObject(value)) return;
    const groups = new Map((def.groups ?? []).map((g) => [g.name, g]));
    for (const groupName of Object.keys(value)) {
      const group = groups.get(groupName);
      const groupPath = `${path}${pointer(groupName)}`;
      if (!group) {
        if (this.full) {
          this.errors.push(OMITTED_ISSUE);
          continue;
        }
        const suggestion = didYouMean(suggestNames(groupName, groups.keys()));
        this.errors.push(this.issue('UNKNOWN_PARAMETER', `"${groupName}" is not an option of "${def.name}"`, groupPath, suggestion));
        continue;
      }
      const children = byName(group.children);
      const groupValue = value[groupName];
      const entries = Array.isArray(groupValue) ? groupValue : [groupValue];
      entries.forEach((entry, i) => {
        if (!isObject(entry)) return;
        this.checkLevel(entry, children, Array.isArray(groupValue) ? `${groupPath}${pointer(i)}` : groupPath, `"${def.name}.${groupName}"`);
      });
    }
  }
}

/** Types whose values the validator inspects; anything else (strings, numbers, code…) is free-form. */
const CHECKED_TYPES = new Set(['options', 'multiOptions', 'collection', 'fixedCollection', 'resourceLocator']);

const valueChecked = new WeakMap<CatalogProperty[], boolean>();

/** Does any definition of a name constrain its value? Memoised per definition list. */
function needsValueCheck(defs: CatalogProperty[]): boolean {
  let needed = valueChecked.get(defs);
  if (needed === undefined) {
    needed = defs.some((def) => !def.opaque && CHECKED_TYPES.has(def.type));
    valueChecked.set(defs, needed);
  }
  return needed;
}

const childIndexes = new WeakMap<CatalogProperty[], Map<string, CatalogProperty[]>>();

/** Definitions of a level (collection options, fixedCollection group values) by name; memoised per list. */
export function byName(props: CatalogProperty[]): Map<string, CatalogProperty[]> {
  let index = childIndexes.get(props);
  if (!index) {
    index = new Map();
    for (const p of props) index.set(p.name, [...(index.get(p.name) ?? []), p]);
    childIndexes.set(props, index);
  }
  return index;
}

/** n8n's rule for "required but empty" (only these types are ever flagged). */
function isEmptyRequiredValue(prop: CatalogProperty, value: unknown): boolean {
  switch (prop.type) {
    case 'string':
    case 'dateTime':
    case 'options':
      return value === undefined || value === null || value === '';
    case 'multiOptions':
      return Array.isArray(value) && value.length === 0;
    case 'resourceLocator':
      if (isObject(value)) return !value.value && value.value !== 0;
      return value === undefined || value === null || value === '';
    default:
      return false;
  }
}

export function checkNodeParameters(params: Params, index: PropertyIndex, target: ParameterCheckTarget): ParameterFindings {
  const defaultOf = defaultResolver(params, index, target.version, target.tool);
  const checker = new ParameterChecker(target, params, defaultOf);
  checker.checkLevel(params, index.byName, target.path);

  const missingRequired: ValidationIssue[] = [];
  const ctx: DisplayContext = { version: target.version, tool: target.tool, root: params, level: params, defaultOf };
  let reported: Set<string> | undefined;
  for (const prop of displayedSubset(index.required, ctx)) {
    const value = hasOwn(params, prop.name) ? params[prop.name] : prop.default;
    if (!isEmptyRequiredValue(prop, value) || isExpression(value)) continue;
    if (reported?.has(prop.name)) continue;
    (reported ??= new Set()).add(prop.name);
    missingRequired.push({
      code: 'MISSING_REQUIRED_PARAMETER',
      message: `required parameter "${prop.name}" is empty`,
      node: target.nodeName,
      path: `${target.path}${pointer(prop.name)}`,
    });
  }
  return { errors: checker.errors, missingRequired };
}
