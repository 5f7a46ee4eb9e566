// `rikscha broker` under systemd's notification protocol, on a real NOTIFY_SOCKET: READY=1 once it serves, WATCHDOG=1
// while its write path answers and none while a SQLite write hangs on a locked store, STOPPING=1 at SIGTERM.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { telemetry } from '../broker/helpers.ts';
import { BIN } from '../support/demo-process.ts';
import { openNotifySocket, type NotifySocket } from '../support/notify-socket.ts';
import { requireTool } from '../support/socat.ts';
import { waitFor } from '../support/wait-for.ts';

/** WatchdogSec=0.6 s: the central notifies every 200 ms while its write path answers. */
const WATCHDOG_USEC = 600_000;
let socket: NotifySocket | null = null;
afterAll(async () => {
  await socket?.close();
});

describe('rikscha broker under systemd', () => {
  it('READY=1, WATCHDOG=1 only while a write can go through, STOPPING=1 at stop', async () => {
    requireTool('systemd-notify', 'systemd');
    const s = (socket = await openNotifySocket());
    const dir = mkdtempSync(join(tmpdir(), 'rikscha-broker-notify-'));
    const cfg = join(dir, 'broker.json');
    const dataDir = join(dir, 'central');
    writeFileSync(
      cfg,
      JSON.stringify({ dataDir, mqtt: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 } }),
    );
    const added = execFileSync(process.execPath, [BIN, 'broker', 'add-station', 'st-a', '--config', cfg], {
      encoding: 'utf8',
    });
    const password = /password: (\S+)/.exec(added)?.[1] ?? '';
    const proc = spawn(process.execPath, [BIN, 'broker', '--config', cfg], {
      env: { ...process.env, RIKSCHA_LOG_FORMAT: 'json', NOTIFY_SOCKET: s.path, WATCHDOG_USEC: String(WATCHDOG_USEC) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    let lock: Database.Database | null = null;
    let station: mqtt.MqttClient | null = null;
    try {
      await waitFor(() => s.count('READY=1') === 1 && s.count('WATCHDOG=1') >= 3, {
        what: 'READY=1 and three WATCHDOG=1 from the broker',
        timeoutMs: 20_000,
      });
      const port = Number(/"mqttPort":(\d+)/.exec(out)?.[1]);
      station = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
        clientId: 'st-a',
        username: 'st-a',
        password,
        reconnectPeriod: 0,
      });

      // The station's login is in the audit trail (written by the main thread, a second after the login): the
      // main thread has nothing more to write, so what follows stalls the write worker alone.
      lock = new Database(join(dataDir, 'central.sqlite'));
      const logins = lock.prepare("SELECT count(*) AS n FROM audit_log WHERE actor = 'st-a'");
      await waitFor(() => (logins.get() as { n: number }).n >= 1, { what: 'the login in the audit trail' });
      // Another connection holds the store's write lock: the write worker waits its busy timeout (5 s) on the
      // next batch, and the watchdog's round trip waits behind it (unfed, it would send ~25 meanwhile).
      lock.exec('BEGIN EXCLUSIVE');
      const before = s.count('WATCHDOG=1');
      void station.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', 1)), { qos: 1 });
      await waitFor(() => out.includes('ingest batch failed'), {
        what: 'the batch to fail on the lock',
        timeoutMs: 20_000,
      });
      expect(s.count('WATCHDOG=1') - before).toBeLessThanOrEqual(2);

      // The write path answers again: so do the notifications.
      lock.exec('COMMIT');
      lock.close();
      lock = null;
      const after = s.count('WATCHDOG=1');
      await waitFor(() => s.count('WATCHDOG=1') >= after + 3, { what: 'notifications again', timeoutMs: 20_000 });
    } finally {
      lock?.close();
      await station?.endAsync(true);
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    await waitFor(() => s.count('STOPPING=1') === 1, { what: 'STOPPING=1 from the broker' });
    expect(s.count('READY=1')).toBe(1);
  }, 60_000);
});
