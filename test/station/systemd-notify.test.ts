// The station's systemd notifications really reach NOTIFY_SOCKET: READY=1 once started, WATCHDOG=1 while the
// charge loop ticks, none once the loop has stopped although the rest of the station runs on, STOPPING=1 at stop.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { SimStation } from '../../hardware/station-sim/sim-station.ts';
import { systemClock } from '../../lib/clock.ts';
import { parseStationConfig } from '../../station/config/station-config.ts';
import { startStation, type StationHandle } from '../../station/station.ts';
import { openNotifySocket, type NotifySocket } from '../support/notify-socket.ts';
import { requireTool } from '../support/socat.ts';
import { waitFor } from '../support/wait-for.ts';

const ID = 'notify-test';
/** WatchdogSec=0.3 s: the station notifies every 100 ms while its loop ticks. */
const WATCHDOG_USEC = 300_000;
const saved = { NOTIFY_SOCKET: process.env.NOTIFY_SOCKET, WATCHDOG_USEC: process.env.WATCHDOG_USEC };
let socket: NotifySocket | null = null;
let sim: SimStation | null = null;
let station: StationHandle | null = null;

afterAll(async () => {
  await station?.stop();
  await sim?.stop();
  await socket?.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** systemd-notify processes this test process has started that are still running. */
function notifiersRunning(): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const m = /^\d+ \((.*)\) \S (\d+)/.exec(stat);
      if (m?.[1] === 'systemd-notify' && Number(m[2]) === process.pid) n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

/** Once every notification the station sent has arrived: no notifier left running, then a marker of ours seen. */
async function settled(s: NotifySocket, marker: string): Promise<void> {
  await waitFor(() => notifiersRunning() === 0, { what: 'the station’s systemd-notify processes to finish' });
  spawn('systemd-notify', [marker], { stdio: 'ignore', env: { ...process.env, NOTIFY_SOCKET: s.path } });
  await waitFor(() => s.count(marker) === 1, { what: `the marker ${marker} on the notify socket` });
}

describe('systemd notification', () => {
  it('READY=1 at start, WATCHDOG=1 while the loop ticks and not after it stops, STOPPING=1 at stop', async () => {
    requireTool('systemd-notify', 'systemd');
    const s = (socket = await openNotifySocket());
    process.env.NOTIFY_SOCKET = s.path;
    process.env.WATCHDOG_USEC = String(WATCHDOG_USEC);
    const simNow = (sim = new SimStation({
      stationId: ID,
      docks: [{ dock: 1, batteryId: `${ID}-B1`, pack: { series: 13, socPct: 50, seed: 1 }, charger: { unit: 1 } }],
      clock: systemClock,
      speed: 1,
      seed: 3,
    }));
    await simNow.start();
    const config = parseStationConfig({
      stationId: ID,
      dataDir: join(mkdtempSync(join(tmpdir(), 'rikscha-notify-')), 'station'),
      mqtt: { url: 'mqtt://127.0.0.1:1' },
      telemetryIntervalMs: 100,
      docks: [
        {
          dock: 1,
          bms: { type: 'jbd', port: simNow.bmsAddress(1) },
          charger: { type: 'riden', port: simNow.chargerAddress(1) ?? undefined },
        },
      ],
    });
    const st = (station = await startStation(config, {
      clock: systemClock,
      log: pino({ level: 'silent' }),
      password: 'x',
    }));

    await waitFor(() => s.count('READY=1') === 1 && s.count('WATCHDOG=1') >= 3, {
      what: 'READY=1 and three WATCHDOG=1 on the notify socket',
      timeoutMs: 20_000,
    });

    st.loop.stop();
    await settled(s, 'X_RIKSCHA_TEST=loop-stopped');
    const watchdogs = s.count('WATCHDOG=1');
    const seq = st.outbox.lastSeq();
    // The rest of the station goes on (telemetry every 100 ms) for ten watchdog intervals' worth of telemetry:
    // a loop that still ticked would have notified several times meanwhile.
    await waitFor(() => st.outbox.lastSeq() >= seq + 10, { what: 'ten more telemetry messages', timeoutMs: 20_000 });
    await settled(s, 'X_RIKSCHA_TEST=window-over');
    expect(s.count('WATCHDOG=1')).toBe(watchdogs);

    await st.stop();
    station = null;
    await waitFor(() => s.count('STOPPING=1') === 1, { what: 'STOPPING=1 on the notify socket' });
    expect(s.count('READY=1')).toBe(1);
  }, 60_000);
});
