/**
 * Text emitters for the bundle files: YAML (Axolotl, LLaMA-Factory), Python literals (TRL,
 * Unsloth scripts) and POSIX shell words (README commands).
 *
 * YAML: no maintained YAML library is a dependency of this package (`js-yaml` in node_modules
 * arrives only through ts-jest's coverage chain), so this is a small emitter for the shapes the
 * configs need: top-level keys with scalars, lists of scalars, lists of flat-or-nested mappings
 * and nested mappings, plus comment and blank lines. Both tools read their configs with PyYAML
 * (YAML 1.1), which decides the type of a plain scalar itself, so:
 * - a string is written plain only when it matches a conservative pattern that PyYAML cannot
 *   read as anything else (no booleans such as `yes`/`on`, no numbers, no `null`/`~`, no
 *   indicators); every other string is written double-quoted, JSON-escaped (JSON escapes are a
 *   subset of YAML's double-quoted escapes);
 * - a float is always written with a dot in the mantissa and a signed exponent (`2.0e-05`):
 *   PyYAML reads `2e-5` as a STRING, a well-known trap in training configs;
 * - non-finite numbers are refused.
 */

export type YamlScalar = string | number | boolean | null;
export type YamlValue = YamlScalar | YamlValue[] | { [key: string]: YamlValue };

/** One line group of a YAML document: a comment, a blank line, or `key: value`. */
export type YamlItem = { comment: string } | { blank: true } | { key: string; value: YamlValue; comment?: string };

const RESERVED = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;
/** Starts with a letter, `_`, `.` or `/`; then letters, digits and `_ . / - + @`; no `: ` or ` #`. */
const PLAIN = /^[A-Za-z_./][A-Za-z0-9_./+@-]*$/;
const NUMERIC_LOOKING = /^[-+]?(?:\.?[0-9]|\.(?:inf|Inf|INF|nan|NaN|NAN))/;

function yamlString(text: string): string {
  if (text !== '' && PLAIN.test(text) && !RESERVED.test(text) && !NUMERIC_LOOKING.test(text)) return text;
  return JSON.stringify(text);
}

/** A number as YAML 1.1 (PyYAML) reads it back: ints plain, floats with `.` and a signed exponent. */
export function yamlNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`YAML: cannot write the number ${n}`);
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  let text = n.toExponential();
  // toExponential gives `2e-4` / `1.5e+21`: ensure a dot in the mantissa.
  const [mantissa, exponent] = text.split('e');
  text = `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}e${exponent.startsWith('-') || exponent.startsWith('+') ? exponent : `+${exponent}`}`;
  // Small, ordinary fractions read better without an exponent (0.05, 0.1); both forms parse as floats.
  const plain = String(n);
  return !plain.includes('e') && plain.includes('.') ? plain : text;
}

function scalar(value: YamlScalar): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return yamlNumber(value);
  return yamlString(value);
}

function isScalar(value: YamlValue): value is YamlScalar {
  return value === null || typeof value !== 'object';
}

function checkKey(key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`YAML: unsupported key "${key}"`);
  return key;
}

/** Lines of `key: value` at `indent`. */
function entry(key: string, value: YamlValue, indent: string): string[] {
  checkKey(key);
  if (isScalar(value)) return [`${indent}${key}: ${scalar(value)}`];
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}${key}: []`];
    if (value.every(isScalar)) return [`${indent}${key}: [${(value as YamlScalar[]).map(scalar).join(', ')}]`];
    return [`${indent}${key}:`, ...sequence(value, `${indent}  `)];
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return [`${indent}${key}: {}`];
  return [`${indent}${key}:`, ...keys.flatMap((k) => entry(k, value[k], `${indent}  `))];
}

/** Block sequence items at `indent`; mapping items put their first key on the dash line. */
function sequence(items: YamlValue[], indent: string): string[] {
  const lines: string[] = [];
  for (const item of items) {
    if (isScalar(item)) {
      lines.push(`${indent}- ${scalar(item)}`);
    } else if (Array.isArray(item)) {
      throw new Error('YAML: nested sequences are not supported');
    } else {
      const keys = Object.keys(item);
      if (keys.length === 0) {
        lines.push(`${indent}- {}`);
        continue;
      }
      const inner = keys.flatMap((k) => entry(k, item[k], `${indent}  `));
      lines.push(`${indent}- ${inner[0].slice(indent.length + 2)}`, ...inner.slice(1));
    }
  }
  return lines;
}

/** A whole YAML document, ending with a newline. */
export function yamlDocument(items: YamlItem[]): string {
  const lines: string[] = [];
  for (const item of items) {
    if ('comment' in item && !('key' in item)) {
      // A comment that starts with `#` is kept as a heading (`## model` → `### model`).
      for (const line of item.comment.split('\n')) lines.push(line === '' ? '#' : line.startsWith('#') ? `#${line}` : `# ${line}`);
    } else if ('blank' in item) {
      lines.push('');
    } else {
      const block = entry(item.key, item.value, '');
      if (item.comment) block[0] += `  # ${item.comment.replace(/\n/g, ' ')}`;
      lines.push(...block);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A Python literal: str (JSON escapes are valid Python escapes), int/float, bool, None, list. */
export function py(value: string | number | boolean | null | Array<string | number>): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Python: cannot write the number ${value}`);
    return Number.isInteger(value) ? String(value) : yamlNumber(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => py(v)).join(', ')}]`;
  return JSON.stringify(value);
}

/** One POSIX shell word: bare when safe, else single-quoted. */
export function sh(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
