// A rickshaw in a service bay, end to end over a real pseudo-terminal (socat): the simulated VESC on one end, the
// station's bay on the other. The station identifies the rickshaw by its controller's hardware id, reads its
// odometer and publishes it; the central store and GET /api/rickshaws show it; the central side's notice (name,
// service due) reaches the station's screen; pulling the pty ends the visit.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type Central } from '../../broker/central.ts';
import { rickshawDetailSchema, rickshawListSchema } from '../../contract/rickshaw-api.ts';
import { SerialTransport } from '../../firmware-bridge/transports/serial-transport.ts';
import { SimStation } from '../../hardware/station-sim/sim-station.ts';
import { DEFAULT_VESC_SIM_FIRMWARE, VescSim } from '../../hardware/vesc/vesc-sim.ts';
import { systemClock } from '../../lib/clock.ts';
import { parseStationConfig } from '../../station/config/station-config.ts';
import { startStation, type StationHandle } from '../../station/station.ts';
import { ptyPair, type PtyPair } from '../support/socat.ts';
import { waitFor } from '../support/wait-for.ts';

const log = pino({ level: process.env.DEBUG_BAY ? 'debug' : 'silent' });
const ID = 'bay-test';
const HW = DEFAULT_VESC_SIM_FIRMWARE.uuid ?? '';
/** The simulator's wheel: 23 pole pairs, 1.65 m rolling circumference. */
const geometry = { wheelDiameterM: 1.65 / Math.PI, motorPoles: 46, gearRatio: 1 };

let dir: string;
let central: Central;
let docks: SimStation;
let station: StationHandle;
let pty: PtyPair;
let vesc: VescSim;
let base: string;

const bayLed = () => station.board?.board.snapshot().leds['bay-1'];

async function rickshaws() {
  return rickshawListSchema.parse(await (await fetch(`${base}/api/rickshaws`)).json()).items;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rikscha-bay-'));
  central = await startCentral({
    dataDir: join(dir, 'central'),
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: log,
    ingest: { flushIntervalMs: 20 },
    rickshaws: {
      services: [{ task: 'brakes', label: { de: 'Bremsen prüfen', en: 'Check the brakes' }, everyKm: 2 }],
      noticeIntervalMs: 1000,
    },
  });
  base = `http://127.0.0.1:${central.httpPort}`;
  const password = central.addStation(ID);

  pty = await ptyPair('bay');
  vesc = new VescSim({ transport: new SerialTransport(pty.b, { baudRate: 115200 }) });
  vesc.ride(12_345);
  await vesc.start();

  docks = new SimStation({
    stationId: ID,
    docks: [{ dock: 1, batteryId: 'B-1', pack: { series: 13 as const, socPct: 40, seed: 1 } }],
    clock: systemClock,
    speed: 1,
    seed: 5,
  });
  await docks.start();
  const config = parseStationConfig({
    stationId: ID,
    dataDir: join(dir, 'station'),
    mqtt: { url: `mqtt://127.0.0.1:${central.mqttPort}` },
    telemetryIntervalMs: 500,
    docks: [{ dock: 1, bms: { type: 'jbd', port: docks.bmsAddress(1) } }],
    bays: [{ bay: 1, port: pty.a, pollIntervalMs: 200, readingIntervalMs: 1000, missesToLeave: 2, geometry }],
    metrics: { port: 0 },
    ioBoard: {
      io: { type: 'virtual' },
      leds: { 'bay-1': { type: 'rgb', pins: { red: 3, green: 4, blue: 5 } } },
      buttons: { acknowledge: { pin: 2 } },
    },
  });
  station = await startStation(config, { clock: systemClock, log, password });
}, 30_000);

afterAll(async () => {
  await station?.stop();
  await docks?.stop();
  await vesc?.stop().catch(() => undefined);
  await pty?.kill();
  await central?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a rickshaw in a service bay, over a pty', () => {
  it('is identified, its odometer read and published, and the central store and the API show it', async () => {
    const list = await waitFor(async () => ((await rickshaws()).length > 0 ? rickshaws() : null), {
      what: 'the rickshaw in GET /api/rickshaws',
      timeoutMs: 15_000,
    });
    const r = list[0];
    expect(r?.id).toBe(HW);
    expect(r?.isNew).toBe(true);
    expect(r?.present).toBe(true);
    expect(r?.lastSeen).toMatchObject({ stationId: ID, bay: 1 });
    expect(r?.odometerKm).toBeCloseTo(12.345, 2);
    const row = central.db.db.prepare('SELECT odometer_km AS km, present FROM rickshaws WHERE hw_id = ?').get(HW) as {
      km: number;
      present: number;
    };
    expect(row.present).toBe(1);
    expect(row.km).toBeCloseTo(12.345, 2);
    expect(station.bays.bays[0]?.reader.docked?.hwId).toBe(HW);
  });

  it("counts the bay's polls and its controller's line in the station's metrics", async () => {
    const text = await (await fetch(`http://127.0.0.1:${station.metricsPort ?? 0}/metrics`)).text();
    const value = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
    expect(value(/^rikscha_station_bay_docked\{station="bay-test",bay="1"\} (\d+)$/m)).toBe(1);
    expect(value(/^rikscha_station_bay_arrivals_total\{station="bay-test",bay="1"\} (\d+)$/m)).toBe(1);
    expect(value(/^rikscha_station_bay_polls_total\{station="bay-test",bay="1"\} (\d+)$/m)).toBeGreaterThan(0);
    const device = station.bays.bays[0]?.driver.device ?? '';
    const requests = new RegExp(
      `^rikscha_station_device_requests_total\\{station="bay-test",device="${device}"\\} (\\d+)$`,
      'm',
    );
    expect(value(requests)).toBeGreaterThan(0);
  });

  it('follows the odometer while docked and records a controller fault', async () => {
    vesc.ride(2_500);
    const d = await waitFor(
      async () => {
        const x = rickshawDetailSchema.parse(await (await fetch(`${base}/api/rickshaws/${HW}`)).json());
        return (x.odometerKm ?? 0) > 14.8 ? x : null;
      },
      { what: 'the odometer to grow to 14.845 km', timeoutMs: 15_000 },
    );
    expect(d.odometerKm).toBeCloseTo(14.845, 2);
    expect(d.services[0]).toMatchObject({ task: 'brakes', state: 'overdue' });

    vesc.setFault('OVER_TEMP_MOTOR');
    const f = await waitFor(
      async () => {
        const x = rickshawDetailSchema.parse(await (await fetch(`${base}/api/rickshaws/${HW}`)).json());
        // The history comes from the fault event, the current fault from the next telemetry: wait for both.
        return x.faults.length > 0 && x.fault ? x : null;
      },
      { what: 'the controller fault in the fault history and as the current fault', timeoutMs: 15_000 },
    );
    expect(f.fault?.name).toBe('OVER_TEMP_MOTOR');
    expect(f.faults[0]).toMatchObject({ stationId: ID, bay: 1, code: 6, name: 'OVER_TEMP_MOTOR' });
  });

  it('shows the name and what is due on the station screen, in plain words', async () => {
    central.rickshaws.registry.setName(HW, 'Rikscha 3');
    const shown = await waitFor(
      () => {
        const s = station.bays.shown()[0];
        return s?.label === 'Rikscha 3' && s.messages.includes('Bremsen prüfen') ? s : null;
      },
      { what: 'the central notice at the station', timeoutMs: 15_000 },
    );
    expect(shown.messages).toEqual(['Motor zu heiß', 'Bremsen prüfen']);
    // The bay's LED says "do not ride it" while the controller reports its fault.
    await waitFor(() => bayLed()?.color === 'red', { what: 'the bay LED to turn red', timeoutMs: 5000 });
    expect(bayLed()).toEqual({ color: 'red', pattern: 'blink' });
    vesc.setFault('NONE');
    await waitFor(() => bayLed()?.color === 'amber', { what: 'the bay LED to show the service due', timeoutMs: 5000 });
    expect(bayLed()).toEqual({ color: 'amber', pattern: 'blink' });
  });

  it('ends the visit when the pty is pulled', async () => {
    await pty.kill();
    const gone = await waitFor(
      async () => {
        const r = (await rickshaws())[0];
        return r && !r.present ? r : null;
      },
      { what: 'the rickshaw to leave the bay', timeoutMs: 15_000 },
    );
    expect(gone.lastSeen).toMatchObject({ stationId: ID, bay: 1 });
    expect(station.bays.bays[0]?.reader.docked).toBeNull();
    expect(station.bays.shown()).toEqual([]);
    await waitFor(() => bayLed()?.pattern === 'off', { what: 'the bay LED to go dark', timeoutMs: 5000 });
  });
});
