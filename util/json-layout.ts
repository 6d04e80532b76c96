/**
 * The layout of JSON text, changed without parsing it into values: number literals and
 * strings stay exactly as written (`1.0` stays `1.0`, `"\u00e9"` stays escaped), which
 * `JSON.stringify(JSON.parse(text))` would not keep.
 */

/** Index just past the string literal that opens at `start` (a `"`); escapes skipped. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') i += 2;
    else if (ch === '"') return i + 1;
    else i++;
  }
  return text.length;
}

/** JSON text without the whitespace between tokens. Undefined when `text` is not JSON. */
export function minifyJson(text: string): string | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  let out = '';
  for (let i = 0; i < text.length; ) {
    const ch = text[i];
    if (ch === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    if (ch !== ' ' && ch !== '\n' && ch !== '\r' && ch !== '\t') out += ch;
    i++;
  }
  return out;
}

/** Minified JSON text laid out as `JSON.stringify(value, null, 2)` would. */
export function indentJson(text: string): string {
  let out = '';
  let depth = 0;
  const newline = () => `\n${'  '.repeat(depth)}`;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end - 1;
    } else if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      if (text[i + 1] === close) {
        out += ch + close;
        i++;
      } else {
        depth++;
        out += ch + newline();
      }
    } else if (ch === '}' || ch === ']') {
      depth--;
      out += newline() + ch;
    } else if (ch === ',') {
      out += `,${newline()}`;
    } else if (ch === ':') {
      out += ': ';
    } else {
      out += ch;
    }
  }
  return out;
}
