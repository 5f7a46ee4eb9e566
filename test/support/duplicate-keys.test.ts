// The duplicate-key scanner finds what JSON.parse hides, at any depth, and nothing in clean lines.

import { describe, expect, it } from 'vitest';
import { duplicateKeys } from './duplicate-keys.ts';

describe('duplicateKeys', () => {
  it('finds a key twice at the top and inside nested objects', () => {
    expect(duplicateKeys('{"component":"station","component":"loop","msg":"x"}')).toEqual(['component']);
    expect(duplicateKeys('{"err":{"code":1,"code":2},"a":[{"b":1,"b":2}]}')).toEqual(['err.code', 'a.b']);
  });

  it('finds nothing in clean lines, including keys repeated in sibling objects and look-alikes in strings', () => {
    expect(duplicateKeys('{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}],"msg":"\\"a\\":1,\\"a\\":2"}')).toEqual([]);
    expect(duplicateKeys('{"level":30,"msg":"a, \\"b\\": {c}"}')).toEqual([]);
  });
});
