// startCentral / close(): ports chosen and freed, the last batch written on close, SQLite closed, nothing logged
// at error level, and the data still there when the central starts again on the same directory.

import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startCentral } from '../../broker/central.ts';
import { captureLogger, connect, telemetry, tempDir } from './helpers.ts';

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });

describe('central lifecycle', () => {
  it('closes cleanly with a station connected, and keeps its data across restarts', async () => {
    const dir = tempDir();
    const { log, lines } = captureLogger();
    // A long flush interval: the message can only be stored by the final flush in close().
    const central = await startCentral({
      dataDir: dir.path,
      mqtt: { host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0 },
      logger: log,
      ingest: { flushIntervalMs: 60_000 },
    });
    expect(central.mqttPort).toBeGreaterThan(0);
    expect(central.httpPort).toBeGreaterThan(0);
    expect(lines.find((l) => l.msg === 'central started')).toMatchObject({
      mqttPort: central.mqttPort,
      httpPort: central.httpPort,
    });
    const pw = central.addStation('st-a');
    expect(central.hasStation('st-a')).toBe(true);
    const st = await connect(central.mqttPort ?? 0, { clientId: 'st-a', username: 'st-a', password: pw });
    await st.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', 1)), { qos: 1 });
    await central.close();
    await central.close(); // idempotent
    expect(central.db.isOpen).toBe(false);
    expect(await refused(central.mqttPort ?? 0)).toBe(true);
    expect(await refused(central.httpPort)).toBe(true);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    st.end(true);

    const again = await startCentral({
      dataDir: dir.path,
      mqtt: { host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0 },
      logger: log,
    });
    expect(again.db.getStation('st-a')).toMatchObject({ ackSeq: 1, highestSeq: 1 });
    // Acked means durable: every commit syncs the WAL (2 = FULL), on the writer's connection as on this one.
    expect(again.db.db.pragma('synchronous', { simple: true })).toBe(2);
    // A bounded page cache (4 MiB, not the 16 MB better-sqlite3 builds in): the central's memory levels off.
    expect(again.db.db.pragma('cache_size', { simple: true })).toBe(-4096);
    expect(again.hasStation('st-a')).toBe(true);
    await again.close();
    dir.remove();
  });

  it('fails to start with a clear error when the MQTT port is taken, and leaves nothing open', async () => {
    const dir = tempDir();
    const { log } = captureLogger();
    const first = await startCentral({
      dataDir: dir.path,
      mqtt: { host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0 },
      logger: log,
    });
    const other = tempDir();
    await expect(
      startCentral({
        dataDir: other.path,
        mqtt: { host: '127.0.0.1', port: first.mqttPort ?? 0 },
        http: { host: '127.0.0.1', port: 0 },
        logger: log,
      }),
    ).rejects.toThrow(/EADDRINUSE/);
    await first.close();
    dir.remove();
    other.remove();
  });
});
