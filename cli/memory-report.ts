// `kill -USR2 <pid>` on a running station or broker logs one line with where its memory is: V8 heap used and total,
// what was live after the last full GC (once one ran after the first report), external (Buffers), the heaps of
// worker threads (the broker's write worker), and what remains of the resident set (SQLite page caches, code,
// libraries, allocator slack). The soak bench reads it; a mechanic can too, from the journal.

import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { Logger } from 'pino';

const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;

/** Another isolate's heap in this process (a worker thread): `process.memoryUsage()` counts only the main one. */
export interface ThreadHeap {
  usedBytes: number;
  totalBytes: number;
}

/**
 * V8's heap used just after the last full (mark-compact) GC: what is live, without the garbage that "heap used"
 * carries between collections (which made a soak's heap slope look like growth). Read when the GC's performance
 * entry is delivered, a moment after the GC; watched from the first memory report on, so a process nobody asks
 * pays nothing.
 */
let liveAfterFullGc: number | undefined;
let fullGcs = 0;
let watching: PerformanceObserver | undefined;

function watchFullGcs(): void {
  if (watching) return;
  watching = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as { detail?: { kind?: number } }).detail;
      if (detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      fullGcs++;
      liveAfterFullGc = getHeapStatistics().used_heap_size;
    }
  });
  watching.observe({ entryTypes: ['gc'] });
}

export function memoryFigures(threads?: ThreadHeap): Record<string, number> {
  const m = process.memoryUsage();
  const threadTotal = threads?.totalBytes ?? 0;
  return {
    rssMb: mb(m.rss),
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    ...(liveAfterFullGc !== undefined ? { liveHeapMb: mb(liveAfterFullGc), fullGcs } : {}),
    externalMb: mb(m.external),
    arrayBuffersMb: mb(m.arrayBuffers),
    ...(threads ? { threadHeapUsedMb: mb(threads.usedBytes), threadHeapTotalMb: mb(threads.totalBytes) } : {}),
    // Outside V8's view: SQLite's page caches, the binary's code, shared libraries, allocator slack.
    nativeMb: mb(m.rss - m.heapTotal - m.external - threadTotal),
  };
}

/**
 * `threads` reads the worker threads' heaps; when it fails the line goes out without them. Returns what stops the
 * reports (the GC watch, once started, stays: it costs one entry per full GC).
 */
export function onMemoryReport(log: Logger, threads?: () => Promise<ThreadHeap | undefined>): () => void {
  const report = (): void => {
    watchFullGcs();
    // Only where node runs with --expose-gc (the soak's RIKSCHA_SOAK_FULL_GC mode, never the units): a full GC
    // first, so heap and resident figures hold what is live, not the garbage waiting for V8's next full GC.
    (globalThis as { gc?: () => void }).gc?.();
    void (threads?.() ?? Promise.resolve(undefined))
      .catch((err: unknown) => {
        log.warn({ err: (err as Error).message }, 'worker heap not readable');
        return undefined;
      })
      .then((t) => log.info(memoryFigures(t), 'memory'));
  };
  process.on('SIGUSR2', report);
  return () => void process.off('SIGUSR2', report);
}
