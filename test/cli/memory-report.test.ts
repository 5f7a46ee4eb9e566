// The memory report's live-heap figure: V8's heap used just after a full GC, watched from the first report on.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { onMemoryReport } from '../../cli/memory-report.ts';
import { waitFor } from '../support/wait-for.ts';

/** A full GC on demand in this test process (vitest's workers run without --expose-gc). */
function fullGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('memory report', () => {
  it('adds what was live after the last full GC once one ran after the first report', async () => {
    const lines: Array<Record<string, number | string>> = [];
    const log = pino(
      { level: 'info' },
      { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, number | string>) },
    );
    const stop = onMemoryReport(log);
    try {
      const report = async (n: number) => {
        process.emit('SIGUSR2', 'SIGUSR2');
        return waitFor(() => lines.filter((l) => l.msg === 'memory')[n - 1], { what: `memory report ${n}` });
      };
      const first = await report(1);
      expect(first.heapUsedMb).toBeGreaterThan(0);

      // 40 MB of garbage, then a full GC: the live figure is below heap used before the GC and counts that GC.
      let junk: number[][] | null = Array.from({ length: 200 }, () => new Array<number>(25_000).fill(1.5));
      expect(junk.length).toBe(200);
      junk = null;
      const before = process.memoryUsage().heapUsed / 1048576;
      fullGc();
      const after = await waitFor(
        async () => {
          const r = await report(lines.filter((l) => l.msg === 'memory').length + 1);
          return r.liveHeapMb !== undefined ? r : undefined;
        },
        { what: 'a report with the live heap' },
      );
      expect(after.fullGcs).toBeGreaterThanOrEqual(1);
      expect(after.liveHeapMb).toBeLessThan(before - 30);
      expect(after.liveHeapMb).toBeGreaterThan(1);
    } finally {
      stop();
    }
  });

  it('runs a full GC before the report where node was started with --expose-gc (the soak does that)', () => {
    // 40 MB of large arrays dropped: only a full GC frees them; the report after it holds what is live.
    const script = `
      import pino from 'pino';
      import { onMemoryReport } from ${JSON.stringify(join(import.meta.dirname, '../../cli/memory-report.ts'))};
      // Out once the report is written (stdout to a pipe is synchronous on Linux); the interval keeps node up till then.
      const keep = setInterval(() => undefined, 1000);
      onMemoryReport(pino({}, { write(line) { process.stdout.write(line); if (line.includes('"msg":"memory"')) process.exit(0); } }));
      let junk = Array.from({ length: 200 }, () => new Array(25_000).fill(1.5));
      junk = null;
      process.kill(process.pid, 'SIGUSR2');
    `;
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.status).toBe(0);
    const report = child.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, number | string>)
      .find((l) => l.msg === 'memory');
    expect(report?.heapUsedMb).toBeLessThan(20);
  });
});
