/** util/json-layout.ts: JSON text laid out again without touching its literals. */
import { indentJson, minifyJson } from '../../util/json-layout';

describe('minifyJson', () => {
  it('drops whitespace between tokens only, keeps literals as written', () => {
    expect(minifyJson('{ "a b" : [ 1.0 , "x\\" y" ,\n\t"\\u00e9" ] }\r\n')).toBe('{"a b":[1.0,"x\\" y","\\u00e9"]}');
    expect(minifyJson(' "a\\\\" ')).toBe('"a\\\\"');
  });

  it('is undefined for text that is not JSON', () => {
    for (const text of ['', '{', '{"a": }', 'undefined', "{'a': 1}"]) expect(minifyJson(text)).toBeUndefined();
  });
});

describe('indentJson', () => {
  it('lays minified text out as JSON.stringify(value, null, 2) does', () => {
    const values = [{}, [], { a: [], b: {}, c: [1, { d: 'x, y: {z}' }], 'e"f': null }, [[[]], ['[', ']']], 'plain', 3];
    for (const value of values) expect(indentJson(minifyJson(JSON.stringify(value))!)).toBe(JSON.stringify(value, null, 2));
  });

  it('keeps number literals as written', () => {
    expect(indentJson('{"n":1.0,"m":[1e3]}')).toBe('{\n  "n": 1.0,\n  "m": [\n    1e3\n  ]\n}');
  });
});
