// Starts `rikscha demo` as a child process, the way a user does, on free ports and a temporary data dir,
// and reads the chosen ports and the viewer URL from its JSON log lines.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for.ts';

export const BIN = join(import.meta.dirname, '../../bin/rikscha.js');

export interface DemoProcess {
  proc: ChildProcess;
  httpPort: number;
  mqttPort: number;
  viewerUrl: string;
  dataDir: string;
  logs: Record<string, unknown>[];
  /** Sends SIGTERM and resolves with the exit code and how long the exit took. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

export async function startDemo(extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<DemoProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rikscha-demo-'));
  const proc = spawn(
    process.execPath,
    [BIN, 'demo', '--mqtt-port', '0', '--http-port', '0', '--data-dir', dataDir, ...extraArgs],
    {
      env: { ...process.env, RIKSCHA_LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let partial = '';
  proc.stdout?.on('data', (d: Buffer) => {
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      try {
        logs.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        logs.push({ msg: l });
      }
    }
  });
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const started = await waitFor(
    () => {
      if (proc.exitCode !== null) throw new Error(`demo exited with ${proc.exitCode}: ${stderr}`);
      return logs.find((l) => l.msg === 'central started');
    },
    { what: 'the demo to log "central started"', timeoutMs: 30_000 },
  );
  const viewer = await waitFor(
    () => logs.find((l) => typeof l.url === 'string' && String(l.msg).startsWith('read-only viewer')),
    {
      what: 'the viewer URL in the log',
    },
  );
  return {
    proc,
    httpPort: Number(started.httpPort),
    mqttPort: Number(started.mqttPort),
    viewerUrl: String(viewer.url),
    dataDir,
    logs,
    async stop() {
      const t0 = Date.now();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const r = await exited;
      return { ...r, ms: Date.now() - t0 };
    },
  };
}
