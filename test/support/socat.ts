// Pseudo-terminal pairs made by socat, the same code path as a USB serial adapter. Fails loudly when socat is missing.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for.ts';

export function requireTool(cmd: string, pkg: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${cmd} || test -x /usr/sbin/${cmd}`]);
  if (r.status !== 0)
    throw new Error(`${cmd} is not installed: run \`apt-get install -y ${pkg}\` (the interop tests need it)`);
}

export interface PtyPair {
  /** Path the station opens. */
  a: string;
  /** Path the simulated device opens. */
  b: string;
  /** Kills socat: both ends close, as when a USB adapter is pulled. */
  kill(): Promise<void>;
  /** Starts socat again on the same paths, as when the adapter is plugged back in. */
  restart(): Promise<void>;
}

export async function ptyPair(name = 'pty'): Promise<PtyPair> {
  requireTool('socat', 'socat');
  const dir = mkdtempSync(join(tmpdir(), `rikscha-${name}-`));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
    await waitFor(() => existsSync(a) && existsSync(b), { what: `socat pty links ${a} and ${b}` });
  };
  await start();
  return {
    a,
    b,
    async kill() {
      const p = proc;
      if (!p || p.exitCode !== null) return;
      const gone = new Promise<void>((r) => p.once('exit', () => r()));
      p.kill('SIGTERM');
      await gone;
      await waitFor(() => !existsSync(a), { what: 'socat to remove its links' });
    },
    restart: start,
  };
}
