// Running the real Mosquitto programs from tests: a loud failure when they are missing (never a skip), runs with
// a deadline, free ports, and a throw-away mosquitto broker with a password file.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Throws with the install hint when a Debian program is not there: interop tests must fail, not skip. */
export function requireProgram(program: string, debianPackage: string): void {
  const r = spawnSync(program, ['--help'], { stdio: 'ignore' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      `${program} is missing: this interop test needs the Debian package ${debianPackage} (apt-get install ${debianPackage})`,
    );
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<RunResult>;
  kill: () => Promise<RunResult>;
}

/** Starts a program; `done` settles when it exits, or with a timeout error naming it. */
export function start(program: string, args: string[], timeoutMs = 15_000): Running {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const done = new Promise<RunResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${program} ${args.join(' ')} did not finish within ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: out, stderr: err });
    });
  });
  done.catch(() => undefined);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    done,
    kill: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return done;
    },
  };
}

export function run(program: string, args: string[], timeoutMs = 15_000): Promise<RunResult> {
  return start(program, args, timeoutMs).done;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A mosquitto broker on a free port with `allow_anonymous false` and the given users (no persistence). */
export async function startMosquitto(
  dir: string,
  users: Record<string, string>,
): Promise<{ port: number; proc: Running; stop: () => Promise<void> }> {
  requireProgram('mosquitto_passwd', 'mosquitto');
  // Started as root, mosquitto drops to the `mosquitto` user: it must be able to read a 0700 temp dir's files.
  chmodSync(dir, 0o755);
  const passwd = join(dir, 'passwd');
  let first = true;
  for (const [user, pw] of Object.entries(users)) {
    const r = await run('mosquitto_passwd', first ? ['-b', '-c', passwd, user, pw] : ['-b', passwd, user, pw]);
    if (r.code !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr}`);
    first = false;
  }
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${passwd}`,
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  );
  const bin =
    spawnSync('sh', ['-c', 'command -v mosquitto || ls /usr/sbin/mosquitto'], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n')[0] ?? '';
  if (!bin)
    throw new Error(
      'mosquitto is missing: this interop test needs the Debian package mosquitto (apt-get install mosquitto)',
    );
  chmodSync(passwd, 0o644);
  const proc = start(bin, ['-c', conf], 10 * 60_000);
  return { port, proc, stop: async () => void (await proc.kill()) };
}
