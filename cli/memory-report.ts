// `kill -USR2 <pid>` on a running station or broker logs one line with where its memory is: V8 heap used and total,
// external (Buffers), and what remains of the resident set (SQLite page caches, code, libraries). The soak bench
// reads it; a mechanic can too, from the journal.

import type { Logger } from 'pino';

const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;

export function memoryFigures(): Record<string, number> {
  const m = process.memoryUsage();
  return {
    rssMb: mb(m.rss),
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external),
    arrayBuffersMb: mb(m.arrayBuffers),
    // Outside V8's view: SQLite's page caches, the binary's code, shared libraries, allocator slack.
    nativeMb: mb(m.rss - m.heapTotal - m.external),
  };
}

export function onMemoryReport(log: Logger): void {
  process.on('SIGUSR2', () => log.info(memoryFigures(), 'memory'));
}
