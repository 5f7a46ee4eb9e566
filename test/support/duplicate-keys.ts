// Finds keys that occur twice in one JSON object of a text (JSON.parse keeps the last and hides the first): a
// small scanner over strings, objects and arrays, enough for pino's JSON lines.

/** Each duplicate as `path.key`, e.g. `component` or `err.code`; empty when every object's keys are distinct. */
export function duplicateKeys(json: string): string[] {
  const found: string[] = [];
  // One frame per open object or array: an object's keys so far, and the key whose value is being read.
  // `at`: the key this object or array sits under in its parent object ('' in an array or at the top).
  const stack: { keys: Set<string> | null; at: string; name: string; expectKey: boolean }[] = [];
  let i = 0;
  const readString = (): string => {
    let out = '';
    i++; // opening quote
    while (i < json.length && json[i] !== '"') {
      if (json[i] === '\\') {
        out += json.slice(i, i + 2);
        i += 2;
      } else out += json[i++];
    }
    i++; // closing quote
    return out;
  };
  const path = (): string =>
    stack
      .map((f) => f.at)
      .filter(Boolean)
      .join('.');
  while (i < json.length) {
    const c = json[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      const s = readString();
      if (top?.keys && top.expectKey) {
        if (top.keys.has(s)) found.push(path() ? `${path()}.${s}` : s);
        top.keys.add(s);
        top.expectKey = false;
        top.name = s;
      }
      continue;
    }
    const at = top?.keys ? top.name : '';
    if (c === '{') stack.push({ keys: new Set(), at, name: '', expectKey: true });
    else if (c === '[') stack.push({ keys: null, at, name: '', expectKey: false });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && top?.keys) top.expectKey = true;
    i++;
  }
  return found;
}
