// `rikscha broker` as an operator runs it: credentials made by `add-station` let that station in, others stay out;
// a mechanic made by `add-mechanic` logs in on the HTTP API.

import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { BIN } from '../support/demo-process.ts';
import { waitFor } from '../support/wait-for.ts';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function canConnect(port: number, username: string, password: string): Promise<boolean> {
  const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    username,
    password,
    clientId: username,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 3000,
  });
  const ok = await new Promise<boolean>((resolve) => {
    c.once('connect', () => resolve(true));
    c.once('error', () => resolve(false));
    c.once('close', () => resolve(false));
  });
  await c.endAsync(true);
  return ok;
}

type LogLine = { msg?: string; mqttPort?: number; httpPort?: number } & Partial<Record<string, number>>;

function lines(out: string): Array<LogLine | null> {
  return out.split('\n').map((l) => {
    try {
      return JSON.parse(l) as LogLine;
    } catch {
      return null;
    }
  });
}

describe('rikscha broker', () => {
  it('adds a station once, refuses to silently replace it, and lets exactly that password in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rikscha-broker-'));
    const cfg = join(dir, 'broker.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        dataDir: join(dir, 'central'),
        mqtt: { host: '127.0.0.1', port: 0 },
        http: { host: '127.0.0.1', port: 0 },
      }),
    );
    const add = await cli(['broker', 'add-station', 'kiez-nord', '--config', cfg]);
    expect(add.code).toBe(0);
    const password = /password: (\S+)/.exec(add.stdout)?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(16);
    const again = await cli(['broker', 'add-station', 'kiez-nord', '--config', cfg]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--reset');
    const mech = await cli(['broker', 'add-mechanic', 'werkstatt', '--config', cfg]);
    expect(mech.code).toBe(0);
    const mechPw = /password: (\S+)/.exec(mech.stdout)?.[1] ?? '';
    expect(mechPw.length).toBeGreaterThanOrEqual(16);

    const proc = spawn(process.execPath, [BIN, 'broker', '--config', cfg], {
      env: { ...process.env, RIKSCHA_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const started = await waitFor(() => lines(out).find((l) => l?.msg === 'central started'), {
        what: 'the broker to start',
        timeoutMs: 20_000,
      });
      const port = Number(started.mqttPort);
      expect(await canConnect(port, 'kiez-nord', password)).toBe(true);
      expect(await canConnect(port, 'kiez-nord', `${password}x`)).toBe(false);
      expect(await canConnect(port, 'kiez-sued', password)).toBe(false);
      const health = await fetch(`http://127.0.0.1:${started.httpPort}/healthz`);
      expect(health.status).toBe(200);
      // The mechanic logs in on the HTTP API, and is read-only on MQTT like a viewer.
      const login = await fetch(`http://127.0.0.1:${started.httpPort}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'werkstatt', password: mechPw }),
      });
      expect(login.status).toBe(200);
      expect(await login.json()).toEqual({ username: 'werkstatt', role: 'mechanic' });
      // SIGUSR2: one 'memory' line, with the write worker's heap apart from the main heap and the native rest.
      proc.kill('SIGUSR2');
      const mem = await waitFor(() => lines(out).find((l) => l?.msg === 'memory'), { what: 'the memory report' });
      expect(mem.threadHeapTotalMb).toBeGreaterThan(1);
      expect(mem.threadHeapUsedMb).toBeLessThanOrEqual(mem.threadHeapTotalMb ?? 0);
      const rest = (mem.rssMb ?? 0) - (mem.heapTotalMb ?? 0) - (mem.externalMb ?? 0) - (mem.threadHeapTotalMb ?? 0);
      expect(Math.abs((mem.nativeMb ?? 0) - rest)).toBeLessThan(0.5);
    } finally {
      const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('set-first-seq declares where a known station starts, and refuses unknown stations and bad numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rikscha-broker-'));
    const dataDir = join(dir, 'central');
    expect((await cli(['broker', 'add-station', 'kiez-ost', '--data-dir', dataDir])).code).toBe(0);
    const ok = await cli(['broker', 'set-first-seq', 'kiez-ost', '5000', '--data-dir', dataDir]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain('station kiez-ost: history starts at seq 5000; ack 4999');
    const { CentralDb } = await import('../../broker/store/central-db.ts');
    const db = new CentralDb(dataDir);
    try {
      expect(db.getStation('kiez-ost')).toMatchObject({ firstSeq: 5000, ackSeq: 4999 });
    } finally {
      db.close();
    }
    const unknown = await cli(['broker', 'set-first-seq', 'kiez-west', '10', '--data-dir', dataDir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('kiez-west is not in the central store');
    const bad = await cli(['broker', 'set-first-seq', 'kiez-ost', 'zehn', '--data-dir', dataDir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('a whole number');
  });

  it('names the field of a bad broker config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rikscha-broker-'));
    const cfg = join(dir, 'broker.json');
    writeFileSync(cfg, JSON.stringify({ mqtt: { port: 'eighteen' } }));
    const r = await cli(['broker', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('mqtt.port:');
  });
});
