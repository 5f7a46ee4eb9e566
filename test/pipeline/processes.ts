// Child processes of the pipeline tests, each as an operator would run it: `rikscha broker --config`, the station
// harness, and a Mosquitto broker without persistence; each killable with SIGKILL and restartable on the same
// ports and files. JSON log lines are collected so tests wait on what a process says, not on the clock.

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../support/demo-process.ts';
import { requireTool } from '../support/socat.ts';
import { waitFor } from '../support/wait-for.ts';
import { freePort, run } from '../broker/processes.ts';

export { freePort };

const HARNESS = join(import.meta.dirname, '../support/station-harness.ts');

export type LogLine = Record<string, unknown> & { msg?: string };

export class LoggedProcess {
  readonly proc: ChildProcess;
  readonly logs: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    program: string,
    args: string[],
    env: NodeJS.ProcessEnv = {},
  ) {
    this.proc = spawn(program, args, {
      env: { ...process.env, RIKSCHA_LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    this.proc.stdout?.on('data', (d: Buffer) => {
      partial += d.toString('utf8');
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        if (!l.trim()) continue;
        try {
          this.logs.push(JSON.parse(l) as LogLine);
        } catch {
          this.logs.push({ msg: l });
        }
      }
    });
    this.proc.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** The first log line with this message; fails at once (with stderr) if the process exits first. */
  waitLog(msg: string, timeoutMs = 30_000): Promise<LogLine> {
    return waitFor(
      () => {
        const hit = this.logs.find((l) => l.msg === msg);
        if (hit) return hit;
        if (!this.running)
          throw new Error(
            `${this.name} exited (${String(this.proc.exitCode ?? this.proc.signalCode)}) before logging "${msg}": ${this.stderr.slice(-2000)}`,
          );
        return undefined;
      },
      { what: `${this.name} to log "${msg}"`, timeoutMs },
    );
  }

  /** Sends the signal and waits for the exit. */
  async kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.proc.kill(signal);
    return this.exited;
  }
}

/** `rikscha broker --config file`, started once it logs 'central started'. */
export async function startBroker(configFile: string): Promise<LoggedProcess> {
  const p = new LoggedProcess('rikscha broker', process.execPath, [BIN, 'broker', '--config', configFile]);
  await p.waitLog('central started');
  return p;
}

/** `rikscha broker add-station <id>`; returns the password it prints once. */
export async function addStation(configFile: string, stationId: string): Promise<string> {
  const r = await run(process.execPath, [BIN, 'broker', 'add-station', stationId, '--config', configFile], 30_000);
  const password = /password: (\S+)/.exec(r.stdout)?.[1];
  if (r.code !== 0 || !password) throw new Error(`add-station ${stationId} failed (${String(r.code)}): ${r.stderr}`);
  return password;
}

export interface HarnessOptions {
  mqttUrl: string;
  password: string;
  dataDir: string;
  stationId?: string;
  telemetryMs?: number;
  ackTimeoutMs?: number;
  drainOnStop?: boolean;
}

/** The station harness (real station, simulated docks) as a child process; resolves once it has started. */
export async function startHarness(
  o: HarnessOptions,
  until: 'harness started' | 'first telemetry stored' = 'harness started',
): Promise<LoggedProcess> {
  const args = [
    '--import',
    'tsx',
    HARNESS,
    '--mqtt-url',
    o.mqttUrl,
    `--password=${o.password}`,
    '--data-dir',
    o.dataDir,
    '--station-id',
    o.stationId ?? 'harness-1',
  ];
  args.push('--telemetry-ms', String(o.telemetryMs ?? 100), '--ack-timeout-ms', String(o.ackTimeoutMs ?? 3000));
  if (o.drainOnStop) args.push('--drain-on-stop');
  const p = new LoggedProcess('station harness', process.execPath, args);
  await p.waitLog(until);
  return p;
}

/** Mosquitto's program, or a loud failure naming the Debian package. */
export function mosquittoBin(): string {
  requireTool('mosquitto', 'mosquitto');
  return '/usr/sbin/mosquitto';
}

/**
 * A Mosquitto config without persistence: password file, and an ACL that gives the ingester its own login
 * (reads the stations' topics, writes only acks) and each station only its own prefix.
 */
export async function writeMosquittoConf(dir: string, port: number, users: Record<string, string>): Promise<string> {
  requireTool('mosquitto_passwd', 'mosquitto');
  // Started as root, mosquitto drops to the `mosquitto` user: it must be able to read the temp dir's files.
  chmodSync(dir, 0o755);
  const passwd = join(dir, 'mosquitto.passwd');
  let first = true;
  for (const [user, pw] of Object.entries(users)) {
    const r = await run('mosquitto_passwd', first ? ['-b', '-c', passwd, user, pw] : ['-b', passwd, user, pw]);
    if (r.code !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr}`);
    first = false;
  }
  chmodSync(passwd, 0o644);
  const acl = join(dir, 'mosquitto.acl');
  writeFileSync(
    acl,
    [
      'user ingest',
      'topic read rikscha/v1/+/telemetry',
      'topic read rikscha/v1/+/event',
      'topic read rikscha/v1/+/status',
      'topic write rikscha/v1/+/ack',
      'topic write rikscha/v1/+/cmd/+',
      'topic read rikscha/v1/+/cmd/+/result',
      '',
      'pattern write rikscha/v1/%u/telemetry',
      'pattern write rikscha/v1/%u/event',
      'pattern write rikscha/v1/%u/status',
      'pattern write rikscha/v1/%u/cmd/+/result',
      'pattern read rikscha/v1/%u/ack',
      'pattern read rikscha/v1/%u/cmd/#',
      '',
    ].join('\n'),
  );
  chmodSync(acl, 0o644);
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${passwd}`,
      `acl_file ${acl}`,
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  );
  return conf;
}

/** Mosquitto on its config, once it accepts TCP connections. */
export async function startMosquitto(conf: string, port: number): Promise<LoggedProcess> {
  const p = new LoggedProcess('mosquitto', mosquittoBin(), ['-c', conf]);
  const { connect } = await import('node:net');
  await waitFor(
    () =>
      new Promise<boolean>((resolve, reject) => {
        if (!p.running) reject(new Error(`mosquitto exited: ${p.stderr}`));
        const s = connect(port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      }),
    { what: `mosquitto listening on ${port}`, timeoutMs: 10_000, intervalMs: 50 },
  );
  return p;
}
