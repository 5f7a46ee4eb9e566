// The control API over real HTTP: status with devices, faults and the I/O board; injecting and clearing faults with
// clear 400s; the battery models' ground truth.

import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { FaultInjector } from '../faults/fault-injector.ts';
import { SimStation } from '../station-sim/sim-station.ts';
import { createSimControlHandler } from './sim-control-api.ts';

let n = 0;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve() {
  const station = new SimStation({
    stationId: `ctl-${process.pid}-${++n}`,
    clock: new ManualClock(),
    speed: 1,
    seed: 3,
    docks: [
      { dock: 1, batteryId: 'RIK-13S-0011', pack: { socPct: 40, ageCycles: 900, seed: 1 }, charger: { unit: 1 } },
      {
        dock: 2,
        batteryId: 'RIK-14S-0012',
        pack: { series: 14, socPct: 80, seed: 2 },
        standaloneCharger: { voltageV: 58.8, currentA: 3 },
      },
    ],
  });
  await station.start();
  const faults = new FaultInjector(station);
  const handle = createSimControlHandler(station, faults);
  const server: Server = createServer((req, res) => {
    void handle(req, res).then((handled) => {
      if (!handled) res.writeHead(418).end('not mine');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const base = `http://127.0.0.1:${addr && typeof addr === 'object' ? addr.port : 0}`;
  cleanups.push(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await station.stop();
  });
  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(`${base}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : {
            body: typeof body === 'string' ? body : JSON.stringify(body),
            headers: { 'content-type': contentType },
          }),
    });
    const text = await res.text();
    return {
      status: res.status,
      json: (text.startsWith('{') ? JSON.parse(text) : text) as Record<string, unknown> & { error?: string },
    };
  };
  return { station, faults, call };
}

describe('simulator control API', () => {
  it('refuses a POST that is not JSON (a page elsewhere can send text/plain without asking): 415, no fault', async () => {
    const { faults, call } = await serve();
    const res = await call('POST', '/api/sim/faults', { dock: 1, fault: 'unplug' }, 'text/plain;charset=UTF-8');
    expect(res.status).toBe(415);
    expect(faults.active()).toEqual([]);
  });

  it('GET /api/sim lists devices with where they are, faults, LEDs and the 4 LCD lines as last written', async () => {
    const { station, call } = await serve();
    station.ioBoard.setLed('dock-1', { colour: 'green', pattern: 'blink' });
    station.ioBoard.setLine(0, 'Dock 1: lädt 40 %');
    station.ioBoard.setLine(3, 'Bitte Akku nehmen und noch mehr Text');
    const { status, json } = await call('GET', '/api/sim');
    expect(status).toBe(200);
    expect(json.devices).toEqual([
      expect.objectContaining({
        dock: 1,
        kind: 'bms',
        address: station.bmsAddress(1),
        transport: 'mock',
        present: true,
        batteryId: 'RIK-13S-0011',
      }),
      expect.objectContaining({
        dock: 1,
        kind: 'charger',
        address: station.chargerAddress(1),
        unit: 1,
        baudRate: 115200,
      }),
      expect.objectContaining({ dock: 2, kind: 'bms', batteryId: 'RIK-14S-0012' }),
    ]);
    expect(json.faults).toEqual([]);
    expect(json.ioBoard).toMatchObject({
      leds: expect.arrayContaining([
        { id: 'dock-1', colour: 'green', pattern: 'blink' },
        { id: 'status', colour: 'off', pattern: 'off' },
      ]),
      lcd: ['Dock 1: lädt 40 %   ', ' '.repeat(20), ' '.repeat(20), 'Bitte Akku nehmen un'],
    });
  });

  it('POST /api/sim/faults injects, DELETE clears by dock or all', async () => {
    const { station, call } = await serve();
    const a = await call('POST', '/api/sim/faults', { dock: 1, fault: 'stuck-relay' });
    expect(a.status).toBe(201);
    expect(a.json.fault).toMatchObject({ dock: 1, fault: 'stuck-relay', target: 'charger' });
    expect(station.dock(1).dock.riden?.registers.faults.stuckRelay).toBe(true);
    await call('POST', '/api/sim/faults', { dock: 2, fault: 'unplug' });
    await call('POST', '/api/sim/faults', { dock: 2, fault: 'over-temperature' });
    expect((await call('GET', '/api/sim')).json.faults).toHaveLength(3);
    expect(station.dock(2).bms.present).toBe(false);
    const d = await call('DELETE', '/api/sim/faults?dock=2');
    expect(d.status).toBe(200);
    expect(d.json.cleared).toHaveLength(2);
    expect(station.dock(2).bms.present).toBe(true);
    expect(d.json.faults).toEqual([expect.objectContaining({ dock: 1, fault: 'stuck-relay' })]);
    expect((await call('DELETE', '/api/sim/faults')).json.faults).toEqual([]);
    expect(station.dock(1).dock.riden?.registers.faults.stuckRelay).toBe(false);
  });

  it('answers 400 naming the problem for an unknown fault, dock or body; 409 for a fault the dock cannot have', async () => {
    const { call } = await serve();
    const badFault = await call('POST', '/api/sim/faults', { dock: 1, fault: 'melted' });
    expect(badFault.status).toBe(400);
    expect(badFault.json.error).toMatch(/^fault: .*unplug/);
    const badDock = await call('POST', '/api/sim/faults', { dock: 9, fault: 'unplug' });
    expect(badDock).toMatchObject({ status: 400, json: { code: 'NO_SUCH_DOCK' } });
    expect(badDock.json.error).toMatch(/no dock 9; this station has docks 1, 2/);
    expect((await call('POST', '/api/sim/faults', { fault: 'unplug' })).json.error).toMatch(/^dock: /);
    expect((await call('POST', '/api/sim/faults', '{not json')).status).toBe(400);
    expect((await call('POST', '/api/sim/faults', { dock: 1, fault: 'unplug', extra: 1 })).status).toBe(400);
    expect(await call('POST', '/api/sim/faults', { dock: 2, fault: 'ignore-setpoints' })).toMatchObject({
      status: 409,
      json: { code: 'NOT_APPLICABLE' },
    });
    expect((await call('DELETE', '/api/sim/faults?dock=x')).status).toBe(400);
    expect((await call('DELETE', '/api/sim/faults?fault=melted')).status).toBe(400);
    expect((await call('PUT', '/api/sim/faults')).status).toBe(405);
    expect((await call('GET', '/api/sim/nope')).status).toBe(404);
    expect(await call('GET', '/elsewhere')).toMatchObject({ status: 418 });
  });

  it("GET /api/sim/truth gives each battery's true SoC, SoH, resistance and temperature", async () => {
    const { station, call } = await serve();
    station.step(30);
    const { json } = await call('GET', '/api/sim/truth');
    const batteries = json.batteries as {
      dock: number;
      batteryId: string;
      socPct: number;
      sohPct: number;
      resistanceOhm: number;
      temperatureC: number;
    }[];
    expect(batteries.map((b) => b.batteryId)).toEqual(['RIK-13S-0011', 'RIK-14S-0012']);
    for (const b of batteries) {
      const t = station.dock(b.dock).dock.pack.truth();
      expect(b.socPct).toBeCloseTo(t.socPct, 1);
      expect(b.sohPct).toBeCloseTo(t.sohPct, 1);
      expect(b.resistanceOhm).toBeCloseTo(t.resistanceOhm, 4);
      expect(b.temperatureC).toBeCloseTo(t.temperatureC, 1);
    }
    // The aged pack (900 cycles) has visibly less health than the new one.
    expect(batteries[0]?.sohPct).toBeLessThan((batteries[1]?.sohPct ?? 0) - 5);
  });
});
