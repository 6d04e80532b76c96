/**
 * displayOptions semantics (schemas/catalog/display.ts): isDisplayed and existsForNode.
 */
import { existsForNode, isDisplayed, type DisplayContext } from '../../../schemas/catalog/display';
import type { DisplayRule } from '../../../schemas/catalog/types';

// ---------------------------------------------------------------------------
// displayOptions semantics
// ---------------------------------------------------------------------------

const ctx = (level: Record<string, unknown>, extra: Partial<DisplayContext> = {}): DisplayContext => ({
  version: 1,
  tool: false,
  root: level,
  level,
  ...extra,
});
const shown = (show: DisplayRule | undefined, level: Record<string, unknown>, extra: Partial<DisplayContext> = {}, hide?: DisplayRule) =>
  isDisplayed({ show, hide }, ctx(level, extra));
const cnd = (op: string, target: unknown) => ({ _cnd: { [op]: target } });

describe('isDisplayed', () => {
  it('shows a property without rules', () => {
    expect(isDisplayed({}, ctx({}))).toBe(true);
  });

  it('show: every key must match (AND), any listed value of a key will do (OR)', () => {
    const show = { resource: ['message', 'channel'], operation: ['post'] };
    expect(shown(show, { resource: 'message', operation: 'post' })).toBe(true);
    expect(shown(show, { resource: 'channel', operation: 'post' })).toBe(true);
    expect(shown(show, { resource: 'message', operation: 'delete' })).toBe(false);
    expect(shown(show, { resource: 'user', operation: 'post' })).toBe(false);
    expect(shown(show, { operation: 'post' })).toBe(false);
  });

  it('hide: any matching key hides (OR)', () => {
    const hide = { resource: ['message'], operation: ['delete'] };
    expect(shown(undefined, { resource: 'message', operation: 'post' }, {}, hide)).toBe(false);
    expect(shown(undefined, { resource: 'user', operation: 'delete' }, {}, hide)).toBe(false);
    expect(shown(undefined, { resource: 'user', operation: 'post' }, {}, hide)).toBe(true);
    expect(shown(undefined, {}, {}, hide)).toBe(true);
    // show and hide together.
    expect(shown({ resource: ['message'] }, { resource: 'message', operation: 'delete' }, {}, { operation: ['delete'] })).toBe(false);
    expect(shown({ resource: ['message'] }, { resource: 'message', operation: 'post' }, {}, { operation: ['delete'] })).toBe(true);
  });

  it('"/key" reads the top-level parameters, a bare key the current level, dots descend', () => {
    const root = { mode: 'top', options: { format: 'csv' } };
    const level = { mode: 'nested' };
    expect(shown({ '/mode': ['top'] }, level, { root })).toBe(true);
    expect(shown({ mode: ['top'] }, level, { root })).toBe(false);
    expect(shown({ mode: ['nested'] }, level, { root })).toBe(true);
    expect(shown({ '/options.format': ['csv'] }, level, { root })).toBe(true);
    expect(shown({ '/options.format': ['json'] }, level, { root })).toBe(false);
    expect(shown(undefined, level, { root }, { '/mode': ['top'] })).toBe(false);
  });

  it('list values match when any item matches a plain value, when every item passes a _cnd', () => {
    expect(shown({ events: ['push'] }, { events: ['issues', 'push'] })).toBe(true);
    expect(shown({ events: ['fork'] }, { events: ['issues', 'push'] })).toBe(false);
    expect(shown({ n: [cnd('gt', 1)] }, { n: [2, 3] })).toBe(true);
    expect(shown({ n: [cnd('gt', 1)] }, { n: [2, 0] })).toBe(false);
  });

  it('@version and @tool are properties of the node', () => {
    expect(shown({ '@version': [2] }, {}, { version: 2 })).toBe(true);
    expect(shown({ '@version': [2] }, {}, { version: 2.1 })).toBe(false);
    expect(shown({ '@version': [cnd('gte', 2)] }, {}, { version: 2.1 })).toBe(true);
    expect(shown({ '@tool': [true] }, {}, { tool: true })).toBe(true);
    expect(shown({ '@tool': [true] }, {}, { tool: false })).toBe(false);
    expect(shown(undefined, {}, { tool: true }, { '@tool': [true] })).toBe(false);
    // A parameter named "@version" does not fool it.
    expect(shown({ '@version': [2] }, { '@version': 2 }, { version: 1 })).toBe(false);
  });

  it.each<[string, unknown, unknown, boolean]>([
    ['gte', 2, 2, true],
    ['gte', 2, 1.9, false],
    ['lte', 2, 2, true],
    ['lte', 2, 2.1, false],
    ['gt', 2, 2.1, true],
    ['gt', 2, 2, false],
    ['lt', 2, 1, true],
    ['lt', 2, 2, false],
    ['between', { from: 1, to: 2 }, 1, true],
    ['between', { from: 1, to: 2 }, 1.5, true],
    ['between', { from: 1, to: 2 }, 2, true],
    ['between', { from: 1, to: 2 }, 2.5, false],
    ['between', { from: 1, to: 2 }, 0.5, false],
    ['eq', 'x', 'x', true],
    ['eq', 'x', 'y', false],
    ['eq', { a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, true],
    ['eq', { a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }, false],
    ['not', 'x', 'y', true],
    ['not', 'x', 'x', false],
    ['startsWith', 'ab', 'abc', true],
    ['startsWith', 'ab', 'cab', false],
    ['endsWith', 'bc', 'abc', true],
    ['endsWith', 'bc', 'bca', false],
    ['includes', 'b', 'abc', true],
    ['includes', 'z', 'abc', false],
    ['regex', '^a\\d+$', 'a12', true],
    ['regex', '^a\\d+$', 'b12', false],
    ['exists', true, 'x', true],
    ['exists', true, 0, true],
    ['exists', true, false, true],
    ['exists', true, '', false],
    ['exists', true, null, false],
    ['exists', true, undefined, false],
    ['unknownOperator', 1, 1, false],
  ])('_cnd %s %j against %j → %s', (op, target, value, expected) => {
    const level: Record<string, unknown> = value === undefined ? {} : { v: value };
    expect(shown({ v: [cnd(op, target)] }, level)).toBe(expected);
    // Hide uses the same conditions (a value that is absent never hides).
    if (value !== undefined) expect(shown(undefined, level, {}, { v: [cnd(op, target)] })).toBe(!expected);
  });

  it('a list of conditions passes when any condition passes', () => {
    const show = { v: [cnd('lt', 1), cnd('gt', 5), 3] };
    expect(shown(show, { v: 0 })).toBe(true);
    expect(shown(show, { v: 3 })).toBe(true);
    expect(shown(show, { v: 4 })).toBe(false);
    expect(shown(show, { v: 6 })).toBe(true);
  });

  it('an expression in a controlling parameter shows the field', () => {
    expect(shown({ resource: ['message'] }, { resource: '={{ $json.resource }}' })).toBe(true);
    expect(shown({ n: [cnd('gte', 5)] }, { n: '={{ 1 }}' })).toBe(true);
    expect(shown({ '/resource': ['message'] }, {}, { root: { resource: '={{ 1 }}' } })).toBe(true);
    // A hide rule does not match an expression.
    expect(shown(undefined, { resource: '={{ $json.resource }}' }, {}, { resource: ['message'] })).toBe(true);
    // Text that merely contains "=" later is a literal.
    expect(shown({ resource: ['message'] }, { resource: 'a=b' })).toBe(false);
  });

  it('compares resource-locator values by their .value', () => {
    const channel = (value: unknown) => ({ __rl: true, mode: 'list', value });
    expect(shown({ channel: ['C1'] }, { channel: channel('C1') })).toBe(true);
    expect(shown({ channel: ['C2'] }, { channel: channel('C1') })).toBe(false);
    expect(shown({ channel: [cnd('startsWith', 'C')] }, { channel: channel('C1') })).toBe(true);
    expect(shown(undefined, { channel: channel('C1') }, {}, { channel: ['C1'] })).toBe(false);
    expect(shown({ channel: ['C1'] }, { channel: channel('={{ $json.id }}') })).toBe(true);
    // Without __rl the object itself is the value.
    expect(shown({ channel: ['C1'] }, { channel: { mode: 'list', value: 'C1' } })).toBe(false);
  });

  it('never throws on values or conditions of the wrong type', () => {
    const weird: unknown[] = [
      null,
      undefined,
      0,
      -1,
      NaN,
      true,
      '',
      'text',
      '=',
      [],
      [null],
      [[1]],
      {},
      { a: 1 },
      { __rl: true },
      { __rl: true, value: { deep: 1 } },
      { toString: 1 },
      { toString: 1, valueOf: 1 },
      { valueOf: 'x' },
    ];
    const conditions: unknown[] = [
      'x',
      1,
      null,
      true,
      { _cnd: null },
      { _cnd: {} },
      { _cnd: 'gte' },
      { _cnd: { gte: null } },
      { _cnd: { gte: 'a' } },
      { _cnd: { lt: {} } },
      { _cnd: { between: null } },
      { _cnd: { between: 'x' } },
      { _cnd: { between: { from: 'a' } } },
      { _cnd: { includes: 5 } },
      { _cnd: { startsWith: null } },
      { _cnd: { endsWith: {} } },
      { _cnd: { regex: '(' } },
      { _cnd: { regex: 5 } },
      { _cnd: { regex: '.*' } },
      { _cnd: { eq: { a: 1 } } },
      { _cnd: { not: [1] } },
      { _cnd: { exists: true } },
    ];
    const failures: string[] = [];
    for (const value of weird) {
      for (const condition of conditions) {
        for (const key of ['v', '/v', 'v.w', '@version', '@tool', '@other']) {
          const level = { v: value };
          try {
            isDisplayed({ show: { [key]: [condition] } }, ctx(level, { root: level }));
            isDisplayed({ hide: { [key]: [condition] } }, ctx(level, { root: level }));
            existsForNode({ show: { [key]: [condition] }, hide: { [key]: [condition] } }, 1, false);
          } catch (error) {
            failures.push(`${key} ${JSON.stringify(condition)} vs ${JSON.stringify(value)}: ${(error as Error).message}`);
          }
        }
      }
    }
    expect([...new Set(failures)]).toEqual([]);
  });

  it('reads through non-object levels without throwing', () => {
    expect(shown({ 'a.b': ['x'] }, { a: 'text' })).toBe(false);
    expect(shown({ 'a.b': ['x'] }, { a: null })).toBe(false);
    expect(shown({ 'a.0': ['x'] }, { a: ['x'] })).toBe(true);
    expect(shown({ '/a': ['x'] }, {}, { root: null as unknown as Record<string, unknown> })).toBe(false);
  });
});

describe('existsForNode', () => {
  it('only the node conditions (@version, @tool) decide existence', () => {
    expect(existsForNode({}, 1, false)).toBe(true);
    const since2 = { show: { '@version': [cnd('gte', 2)] } };
    expect(existsForNode(since2, 1.9, false)).toBe(false);
    expect(existsForNode(since2, 2, false)).toBe(true);
    const listed = { show: { '@version': [1, 2], resource: ['nothing-matches'] } };
    expect(existsForNode(listed, 1, false)).toBe(true);
    expect(existsForNode(listed, 3, false)).toBe(false);
    expect(existsForNode({ hide: { '@version': [1] } }, 1, false)).toBe(false);
    expect(existsForNode({ hide: { '@version': [1] } }, 2, false)).toBe(true);
    expect(existsForNode({ hide: { resource: ['x'], '/operation': ['y'] } }, 1, false)).toBe(true);
    expect(existsForNode({ show: { resource: ['x'] } }, 1, false)).toBe(true);
    expect(existsForNode({ show: { '@tool': [true] } }, 1, true)).toBe(true);
    expect(existsForNode({ show: { '@tool': [true] } }, 1, false)).toBe(false);
    expect(existsForNode({ hide: { '@tool': [true] } }, 1, true)).toBe(false);
    expect(existsForNode({ show: { '@version': [{ _cnd: { between: { from: 1, to: 1.5 } } }] } }, 1.2, false)).toBe(true);
  });
});
