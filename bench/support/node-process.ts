// A rikscha command in a process of its own, as installed (compiled JavaScript): its JSON log lines can be waited
// for, its resident set read from /proc, and its memory report (SIGUSR2, cli/memory-report.ts) asked for.

import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/rikscha.js');

/**
 * Compiles the sources to dist/ (`npm run build`, as `npm pack` does) before a bench starts compiled processes: a
 * dist/ left from an older checkout would be measured instead of the code under test.
 */
let built = false;
export function buildDist(): void {
  if (built) return;
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('npm run build failed');
  built = true;
}

/** How the installed unit starts a rikscha command: node's flags from ExecStart and the unit's Environment= lines. */
export interface UnitLaunch {
  nodeFlags: string[];
  env: Record<string, string>;
}

/**
 * The node flags and environment the installed unit starts the process with (deploy/systemd/rikscha-<unit>.service,
 * ExecStart and Environment=), so a bench measures what a Pi runs; RIKSCHA_BENCH_NODE_FLAGS (space-separated)
 * overrides the flags for experiments.
 */
export function unitLaunch(unit: 'station' | 'broker'): UnitLaunch {
  const text = readFileSync(join(ROOT, `deploy/systemd/rikscha-${unit}.service`), 'utf8');
  const env: Record<string, string> = {};
  for (const m of text.matchAll(/^Environment=(.*)$/gm)) {
    for (const pair of (m[1] ?? '').split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  const override = process.env.RIKSCHA_BENCH_NODE_FLAGS;
  if (override !== undefined) return { nodeFlags: override.split(/\s+/).filter(Boolean), env };
  const exec = /^ExecStart=\S+\s+(.*?)\s*\S*bin\/rikscha\.js/m.exec(text)?.[1] ?? '';
  return { nodeFlags: exec.split(/\s+/).filter((f) => f.startsWith('--')), env };
}

export type LogLine = { msg?: string; [k: string]: unknown };

export interface MemoryReport {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  /** V8's heap used just after the last full GC: what is live (absent until one ran after the first report). */
  liveHeapMb?: number;
  /** Full GCs seen since the first report. */
  fullGcs?: number;
  externalMb: number;
  arrayBuffersMb: number;
  /** Worker threads' V8 heaps (the central's write worker), reserved; 0 where the process has none. */
  threadHeapTotalMb?: number;
  nativeMb: number;
}

export class NodeProcess {
  readonly child: ChildProcessByStdio<null, Readable, null>;
  private waiters: { test: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    args: string[],
    opts: { nodeFlags?: string[]; env?: Record<string, string>; cwd?: string } = {},
  ) {
    this.child = spawn(process.execPath, [...(opts.nodeFlags ?? []), BIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, RIKSCHA_COMPILED: '1', RIKSCHA_LOG_LEVEL: 'info', ...opts.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
    createInterface({ input: this.child.stdout }).on('line', (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        return;
      }
      for (const w of [...this.waiters]) {
        if (!w.test(line)) continue;
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(line);
      }
    });
  }

  /** The next log line `test` accepts; fails naming the process and what it waited for after `timeoutMs`. */
  line(test: (l: LogLine) => boolean, what: string, timeoutMs = 60_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms`)), timeoutMs);
      const done = (l: LogLine) => {
        clearTimeout(timer);
        resolve(l);
      };
      this.waiters.push({ test, resolve: done });
      void this.exited.then((code) => reject(new Error(`${this.name} exited (${String(code)}) before ${what}`)));
    });
  }

  /** Resident set in MB, from /proc (what the kernel charges the process, shared libraries included). */
  rssMb(): number {
    const status = readFileSync(`/proc/${this.child.pid ?? 0}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]) / 1024;
  }

  /**
   * Anonymous memory in MB (smaps_rollup): what the process alone costs, without the node binary's and the shared
   * libraries' code pages, which RSS counts but the kernel can drop and read again, and other processes share.
   */
  anonMb(): number {
    const rollup = readFileSync(`/proc/${this.child.pid ?? 0}/smaps_rollup`, 'utf8');
    return Number(/^Anonymous:\s+(\d+) kB$/m.exec(rollup)?.[1]) / 1024;
  }

  async memory(timeoutMs = 15_000): Promise<MemoryReport> {
    const reply = this.line((l) => l.msg === 'memory', 'memory report', timeoutMs);
    this.child.kill('SIGUSR2');
    return (await reply) as unknown as MemoryReport;
  }

  /**
   * A heap snapshot written into the process's working directory; needs node's `--heapsnapshot-signal=SIGUSR1`.
   * Node writes it on its main thread: once the file exists, the memory report asked for next arrives after it is
   * complete. (Both signals sent at once may be taken in either order, so the file is waited for first.) Writing
   * one costs the process a lasting step of resident memory: RSS figures after it no longer say what a Pi runs.
   */
  async heapSnapshot(dir: string, timeoutMs = 180_000): Promise<string> {
    const before = new Set(readdirSync(dir));
    this.child.kill('SIGUSR1');
    const fresh = (): string | undefined => readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    const until = Date.now() + timeoutMs;
    while (!fresh() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const file = fresh();
    if (!file) throw new Error(`${this.name}: no heap snapshot appeared in ${dir} within ${timeoutMs} ms`);
    await this.memory(timeoutMs);
    return join(dir, file);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }
}

/** Least-squares slope of (x, y) samples; 0 for fewer than two distinct x. */
export function slope(samples: ReadonlyArray<readonly [number, number]>): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((a, [x]) => a + x, 0) / n;
  const my = samples.reduce((a, [, y]) => a + y, 0) / n;
  const num = samples.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = samples.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}
