// heapGrowth names the type that grew between two real snapshots of this process.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { afterAll, expect, test } from 'vitest';
import { heapGrowth } from './heap-diff.ts';

const dir = mkdtempSync(join(tmpdir(), 'rikscha-heapdiff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

class LeakyEntry {
  constructor(readonly n: number) {}
}

test('a class whose instances pile up between two snapshots tops the growth list', () => {
  const kept: LeakyEntry[] = [];
  const before = writeHeapSnapshot(join(dir, 'a.heapsnapshot'));
  for (let i = 0; i < 20_000; i++) kept.push(new LeakyEntry(i));
  const after = writeHeapSnapshot(join(dir, 'b.heapsnapshot'));
  const growth = heapGrowth(before, after, 5);
  const leaky = growth.find((g) => g.type === 'object:LeakyEntry');
  expect(leaky?.count).toBe(20_000);
  expect(growth.slice(0, 3).map((g) => g.type)).toContain('object:LeakyEntry');
  expect(kept).toHaveLength(20_000);
});
