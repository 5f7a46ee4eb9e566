// bench/results.json keeps every benchmark's latest figure: a filtered run replaces only what it measured.
import { describe, expect, it } from 'vitest';
import { mergeResults, type BenchResult } from '../../bench/benchmark.ts';

const fig = (name: string, value: number): BenchResult => ({ name, value, unit: 'ms', target: 10, better: 'lower' });

describe('mergeResults', () => {
  it('replaces re-measured figures in place and keeps the others', () => {
    const merged = mergeResults([fig('a', 1), fig('b', 2), fig('c', 3)], [fig('b', 20)]);
    expect(merged).toEqual([fig('a', 1), fig('b', 20), fig('c', 3)]);
  });

  it('adds figures measured for the first time at the end', () => {
    expect(mergeResults([fig('a', 1)], [fig('z', 9), fig('a', 5)])).toEqual([fig('a', 5), fig('z', 9)]);
  });

  it('writes a fresh run whole when nothing is on file', () => {
    expect(mergeResults([], [fig('a', 1)])).toEqual([fig('a', 1)]);
  });
});
